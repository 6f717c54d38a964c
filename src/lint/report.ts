/**
 * What `tide lint` reports: per migration, the locks it takes on existing relations, what it
 * rewrites, and its findings, each with a rule, a severity, the line of the statement, the
 * measured evidence and the safe alternative.
 *
 * @module
 */
import type { Blocked, LockMode } from "./lock_modes.ts";

/** How bad a finding is: an `error` fails `tide lint` (exit 1). */
export type Severity = "error" | "warning" | "info";

/** What was seen, or read from the SQL when the statement was not measured. */
export interface Evidence {
  /** True when measured on the database; false when read from the SQL text alone. */
  measured: boolean;
  /** The lock that matters: on which relation, its mode, what it blocks. */
  lock?: { relation: string; mode: LockMode; blocks: Blocked[] };
  /** Existing tables and indexes rewritten (a new `relfilenode`). */
  rewritten?: string[];
  /** An existing table read in full while the lock is held, and the rows it had. */
  scan?: { relation: string; rows: number | null };
  /** The `lock_timeout` in force, in ms (0: none). */
  lockTimeoutMs?: number;
  /** The error the statement failed with on the tables with rows. */
  failure?: string;
  /** Anything else worth knowing (a table that could not be filled...). */
  note?: string;
}

/** One finding. */
export interface LintFinding {
  /** Rule id, e.g. `table-rewrite`. */
  rule: string;
  /** Severity after the config's overrides; `info` when suppressed. */
  severity: Severity;
  /** File of the statement. */
  file: string;
  /** 1-based line of the statement. */
  line: number;
  /** What it does, one or two sentences. */
  message: string;
  /** The safe alternative. */
  fix: string;
  /** What was measured. */
  evidence: Evidence;
  /** The reason given by `-- tide:allow` (or a Squawk or eugene ignore), when suppressed. */
  suppressed?: string;
}

/** The strongest lock a migration takes on one existing relation. */
export interface RelationLock {
  /** `schema.name`. */
  relation: string;
  /** The strongest mode held. */
  mode: LockMode;
  /** What it blocks. */
  blocks: Blocked[];
  /** 1-based line of the statement that took it. */
  line: number;
  /** How many later statements ran while it was held. */
  statementsWhileHeld: number;
}

/** One migration's lint. */
export interface MigrationLint {
  /** Version exactly as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** The file of its up. */
  file: string;
  /** True when the statements ran on the database; false when only read. */
  measured: boolean;
  /** Locks taken on existing relations, strongest first. */
  locks: RelationLock[];
  /** Existing tables and indexes rewritten. */
  rewrites: string[];
  /** Findings, in statement order. */
  findings: LintFinding[];
}

/** The whole report. */
export interface LintReport {
  /** True when no finding is an error. */
  ok: boolean;
  /** One entry per linted migration, in version order. */
  migrations: MigrationLint[];
  /** Counts of findings by severity (suppressed ones count as info). */
  totals: Record<Severity, number>;
}

/**
 * Builds the report from each migration's lint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lintReport } from "./report.ts";
 *
 * const report = lintReport([]);
 * assert.deepEqual(report, { ok: true, migrations: [], totals: { error: 0, warning: 0, info: 0 } });
 * ```
 */
export function lintReport(migrations: MigrationLint[]): LintReport {
  const totals: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of migrations.flatMap((m) => m.findings)) totals[finding.severity]++;
  return { ok: totals.error === 0, migrations, totals };
}

/**
 * `tide lint --json`: `{"migrations": [{"version", "file", "findings": [...]}]}`, every linted
 * migration present, with its locks and rewrites.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lintJson, lintReport } from "./report.ts";
 *
 * const migration = {
 *   version: "002", name: "idx", file: "m/002_idx.up.sql", measured: true, locks: [],
 *   rewrites: [], findings: [],
 * };
 * assert.deepEqual(lintJson(lintReport([migration])).migrations[0].findings, []);
 * ```
 */
export function lintJson(report: LintReport): {
  ok: boolean;
  totals: Record<Severity, number>;
  migrations: {
    version: string;
    name: string;
    file: string;
    measured: boolean;
    locks: RelationLock[];
    rewrites: string[];
    findings: Omit<LintFinding, "file">[];
  }[];
} {
  return {
    ok: report.ok,
    totals: report.totals,
    migrations: report.migrations.map((m) => ({
      version: m.version,
      name: m.name,
      file: m.file,
      measured: m.measured,
      locks: m.locks,
      rewrites: m.rewrites,
      findings: m.findings.map(({ file: _file, ...finding }) => finding),
    })),
  };
}
