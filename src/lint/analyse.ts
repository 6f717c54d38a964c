/**
 * One migration's lint from its statements and what was measured: every rule's findings, with
 * the config's severities and the file's suppressions applied, and the table of locks.
 *
 * @module
 */
import type { Migration } from "../files/migration.ts";
import { blockedBy, LOCK_MODES, type LockMode } from "./lock_modes.ts";
import type { MigrationMeasurement } from "./measurement.ts";
import type { LintFinding, MigrationLint, RelationLock, Severity } from "./report.ts";
import type { Draft, Rule, RuleContext } from "./rule_context.ts";
import { ruleInfo } from "./rules.ts";
import {
  applyFailedRule,
  columnRules,
  deleteAllRule,
  dropTableRule,
  failedWithRowsRule,
  renameRules,
} from "./rules_breaking.ts";
import { lockHeldRule, lockTimeoutRule, unbatchedUpdateRule } from "./rules_locks.ts";
import { narrowingRule, rewriteRule, serialRule, timezoneRule } from "./rules_rewrite.ts";
import { constraintRules, indexRule, primaryKeyRule, setNotNullRule } from "./rules_scan.ts";
import {
  concurrentlyRule,
  dropIndexRule,
  enumRule,
  jsonRule,
  multipleAlterRule,
  transactionRule,
} from "./rules_schema.ts";
import { nodeOf } from "./sql_parser.ts";
import type { LintStatement } from "./statements.ts";
import { readSuppressions } from "./suppress.ts";

/** A rule's level in config: its severity, or `off`. */
export type RuleLevel = Severity | "off";

/** Every rule function. */
const RULE_FUNCTIONS: readonly Rule[] = [
  rewriteRule,
  serialRule,
  narrowingRule,
  timezoneRule,
  constraintRules,
  setNotNullRule,
  indexRule,
  primaryKeyRule,
  lockTimeoutRule,
  lockHeldRule,
  unbatchedUpdateRule,
  dropTableRule,
  deleteAllRule,
  columnRules,
  renameRules,
  concurrentlyRule,
  dropIndexRule,
  jsonRule,
  enumRule,
  multipleAlterRule,
  transactionRule,
  failedWithRowsRule,
  applyFailedRule,
];

/** A finding of the key is left out when one of the value's rules fires on the same statement. */
const EXPLAINED_BY: Readonly<Record<string, readonly string[]>> = {
  "table-rewrite": ["serial-column", "narrowing-type", "not-null-without-default"],
  "fails-with-rows": ["not-null-without-default", "constraint-scan", "set-not-null-scan"],
};

/** What {@linkcode analyseMigration} needs. */
export interface AnalyseInput {
  /** The migration. */
  migration: Migration;
  /** Its up's statements. */
  statements: readonly LintStatement[];
  /** What was measured, if the up ran. */
  measurement?: MigrationMeasurement;
  /** Severity overrides by rule id. */
  levels?: Readonly<Record<string, RuleLevel>>;
}

/**
 * Lints one migration.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { analyseMigration } from "./analyse.ts";
 * import { loadParser } from "./sql_parser.ts";
 * import { upStatements } from "./statements.ts";
 *
 * const up = { path: "002_meta.up.sql", sql: "ALTER TABLE books ADD meta json;", line: 1, column: 1 };
 * const migration = { version: "002", name: "meta", up, noTransaction: false, checksum: "" };
 * const lint = analyseMigration({ migration, statements: upStatements(migration, await loadParser()) });
 * assert.deepEqual(lint.findings.map((f) => [f.rule, f.severity, f.line]), [["prefer-jsonb", "warning", 1]]);
 * ```
 */
export function analyseMigration(input: AnalyseInput): MigrationLint {
  const context: RuleContext = {
    migration: input.migration,
    statements: input.statements,
    measurement: input.measurement,
  };
  const { suppressions, invalid } = readSuppressions(input.statements);
  const drafts = [...RULE_FUNCTIONS.flatMap((rule) => rule(context)), ...invalid];
  const kept = drafts.filter((draft) =>
    !(EXPLAINED_BY[draft.rule] ?? []).some((other) =>
      drafts.some((d) => d.rule === other && d.statement === draft.statement)
    )
  );
  const findings = kept.flatMap((draft) => {
    const finding = toFinding(draft, input, suppressions.get(draft.statement)?.get(draft.rule));
    return finding ? [finding] : [];
  }).sort((a, b) => a.line - b.line);
  return {
    version: input.migration.version,
    name: input.migration.name,
    file: input.migration.up.path,
    measured: (input.measurement?.statements.size ?? 0) > 0,
    locks: lockTable(context),
    rewrites: rewrites(context),
    findings,
  };
}

function toFinding(
  draft: Draft,
  input: AnalyseInput,
  suppressed: string | undefined,
): LintFinding | undefined {
  const info = ruleInfo(draft.rule)!;
  const level = input.levels?.[draft.rule] ?? info.severity;
  if (level === "off") return undefined;
  const allowable = draft.rule !== "invalid-allow";
  const statement = input.statements[draft.statement];
  return {
    rule: draft.rule,
    severity: suppressed !== undefined && allowable ? "info" : level,
    file: input.migration.up.path,
    line: statement?.line ?? input.migration.up.line,
    message: draft.message,
    fix: draft.fix ?? info.fix,
    evidence: draft.evidence,
    ...(suppressed !== undefined && allowable ? { suppressed } : {}),
  };
}

const SHOWN_KINDS = ["r", "p", "m", "v", "f"];

/** The strongest lock on each existing table (or view), strongest first. */
function lockTable(context: RuleContext): RelationLock[] {
  const measurement = context.measurement;
  if (!measurement) return [];
  const measured = [...measurement.statements.values()].sort((a, b) => a.index - b.index);
  const strongest = new Map<number, { mode: LockMode; index: number }>();
  for (const statement of measured) {
    for (const [oid, mode] of statement.taken) {
      const known = strongest.get(oid);
      if (!known || LOCK_MODES.indexOf(mode) > LOCK_MODES.indexOf(known.mode)) {
        strongest.set(oid, { mode, index: statement.index });
      }
    }
  }
  const last = measured.at(-1)?.index ?? 0;
  return [...strongest].filter(([oid]) =>
    SHOWN_KINDS.includes(measurement.relations.byOid.get(oid)?.kind ?? "")
  ).map(([oid, { mode, index }]) => {
    const relation = measurement.relations.byOid.get(oid)!;
    return {
      relation: `${relation.schema}.${relation.name}`,
      mode,
      blocks: blockedBy(mode),
      line: context.statements[index]?.line ?? 1,
      statementsWhileHeld: context.migration.noTransaction ? 0 : last - index,
    };
  }).sort((a, b) =>
    LOCK_MODES.indexOf(b.mode) - LOCK_MODES.indexOf(a.mode) || a.line - b.line ||
    a.relation.localeCompare(b.relation)
  );
}

function rewrites(context: RuleContext): string[] {
  const measurement = context.measurement;
  if (!measurement) return [];
  const names = [...measurement.statements.values()]
    .filter((statement) => !nodeOf(context.statements[statement.index]?.node, "TruncateStmt"))
    .flatMap((statement) => statement.rewritten)
    .map((oid) => measurement.relations.byOid.get(oid))
    .filter((relation) => relation !== undefined)
    .map((relation) => `${relation.schema}.${relation.name}`);
  return [...new Set(names)];
}
