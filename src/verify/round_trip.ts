/**
 * Round-trip verification: for each migration, up -> down -> up, with schema snapshots proving
 * that the down restored the schema before the up and the re-up the schema after it.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import { errorMessage, MigrationError } from "../errors.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import type { Migration } from "../files/migration.ts";
import { runScript } from "../engine/run_script.ts";
import type { SchemaChange } from "../schema/diff.ts";
import {
  diffIncremental,
  type IncrementalSnapshot,
  snapshotOf,
} from "../schema/snapshot_incremental.ts";
import { textDiff } from "../schema/text_diff.ts";
import { compareVersions } from "../files/version.ts";
import type {
  MigrationVerdict,
  RoundTripFailure,
  SqlErrorLocation,
  VerifyReport,
} from "./report.ts";
import { openWorkspace, type Workspace } from "./workspace.ts";

/** Options of {@linkcode verifyMigrations}. */
export interface VerifyOptions {
  /** Migrations in version order (from `loadMigrations`). */
  migrations: readonly Migration[];
  /** Apply the migrations before this version once, then verify only it and later ones. */
  from?: string;
  /** Schema for `{{schema}}` templates. */
  schema?: string;
  /** Stop at the first failure; the rest are counted as skipped. */
  failFast?: boolean;
  /** Do not report columns that came back in another order. */
  ignoreColumnOrder?: boolean;
  /**
   * A PostgreSQL server to verify on instead of PGlite: a throwaway database is created there
   * and dropped afterwards.
   */
  databaseUrl?: string;
  /** Called with each verdict as soon as it is known. */
  onVerdict?: (verdict: MigrationVerdict) => void;
}

/**
 * Verifies that every migration round-trips: up, down, up again, with identical schemas. Runs on
 * an in-memory PGlite unless `databaseUrl` is given. A failure never stops the others (unless
 * `failFast`): each is verified from the exact state after the previous one's up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { verifyMigrations } from "./round_trip.ts";
 *
 * const file = (path: string, sql: string) => ({ path, bytes: new TextEncoder().encode(sql) });
 * const migrations = await parseMigrationFiles([
 *   file("001_users.up.sql", "create table users (id int, email text);"),
 *   file("001_users.down.sql", "drop table users;"),
 *   file("002_email_index.up.sql", "create index users_email on users (email);"),
 *   file("002_email_index.down.sql", "select 1; -- forgot to drop the index"),
 * ]);
 * const report = await verifyMigrations({ migrations });
 * assert.deepEqual(report.migrations.map((m) => [m.version, m.ok, m.failure]), [
 *   ["001", true, undefined],
 *   ["002", false, "down-differs"],
 * ]);
 * assert.deepEqual(report.totals, { verified: 2, passed: 1, failed: 1, skipped: 0 });
 * ```
 */
export async function verifyMigrations(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  await using workspace = await openWorkspace(options.migrations, options.databaseUrl);
  const bootMs = performance.now() - started;
  // `tide up` creates the schema (with its tracking tables) before any migration runs.
  if (options.schema !== undefined) {
    await workspace.driver.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
  }
  const before = options.migrations.filter((m) =>
    options.from !== undefined && compareVersions(m.version, options.from) < 0
  );
  const verified = options.migrations.slice(before.length);
  for (const migration of before) await applyOnce(workspace.driver, migration, options.schema);
  const verdicts: MigrationVerdict[] = [];
  let current = await workspace.snapshot(workspace.driver);
  for (const migration of verified) {
    const { verdict, after } = await verifyOne(workspace, migration, current, options);
    current = after;
    verdicts.push(verdict);
    options.onVerdict?.(verdict);
    if (!verdict.ok && options.failFast) break;
  }
  const failed = verdicts.filter((v) => !v.ok).length;
  return {
    ok: failed === 0,
    migrations: verdicts,
    totals: {
      verified: verdicts.length,
      passed: verdicts.length - failed,
      failed,
      skipped: verified.length - verdicts.length,
    },
    timings: { totalMs: performance.now() - started, bootMs },
  };
}

async function applyOnce(db: Driver, migration: Migration, schema?: string): Promise<void> {
  const up = (q: Queryable) => runScript(q, migration, "up", { schema });
  await (migration.noTransaction ? up(db) : db.transaction(up));
}

interface Outcome {
  verdict: MigrationVerdict;
  /** The schema the next migration starts from. */
  after: IncrementalSnapshot;
}

/** Verdict under construction. */
class Findings {
  problems: string[] = [];
  failure?: RoundTripFailure;
  error?: SqlErrorLocation;
  diff?: string;

  fail(failure: RoundTripFailure, problem: string, error?: unknown): void {
    this.failure ??= failure;
    this.problems.push(problem);
    this.error ??= locate(error);
  }
}

async function verifyOne(
  workspace: Workspace,
  migration: Migration,
  before: IncrementalSnapshot,
  options: VerifyOptions,
): Promise<Outcome> {
  const started = performance.now();
  const findings = new Findings();
  const done = (
    after: IncrementalSnapshot,
    changes: MigrationVerdict["changes"] = [],
  ): Outcome => ({
    after,
    verdict: {
      version: migration.version,
      name: migration.name,
      ok: findings.problems.length === 0,
      problems: findings.problems,
      failure: findings.failure,
      changes,
      diff: findings.diff,
      error: findings.error,
      durationMs: performance.now() - started,
    },
  });
  const checkpoint = migration.noTransaction ? await workspace.checkpoint() : undefined;
  try {
    await applyOnce(workspace.driver, migration, options.schema);
  } catch (error) {
    findings.fail("up", `up failed: ${errorMessage(error)}`, error);
    if (checkpoint) await workspace.restore(checkpoint);
    return done(before);
  }
  const after = await workspace.snapshot(workspace.driver, before);
  const changes = diffIncremental(before, after).map(({ kind, name, change, description }) => ({
    kind,
    name,
    change,
    description,
  }));
  if (!migration.down) {
    findings.fail(
      "no-down",
      `no down: ${migration.up.path} has no down script, so it cannot be rolled back. ` +
        (migration.code === undefined
          ? `Write one (a .down.sql file or a -- migrate:down section).`
          : "Export a down(ctx) function that undoes up()."),
    );
    return done(after, changes);
  }
  const state = await roundTrip(workspace, migration, { before, after }, findings, options);
  return done(state, changes);
}

/**
 * Down, compare with `before`, re-up, compare with `after`; leaves the state after the up and
 * returns its snapshot (the re-up's, when a no-transaction migration's re-up stays).
 */
async function roundTrip(
  workspace: Workspace,
  migration: Migration,
  states: { before: IncrementalSnapshot; after: IncrementalSnapshot },
  findings: Findings,
  options: VerifyOptions,
): Promise<IncrementalSnapshot> {
  let reUp: IncrementalSnapshot | undefined;
  const steps = async (db: Queryable) => {
    if (!(await runStep(db, migration, "down", findings, options))) return;
    const down = await workspace.snapshot(db, states.after);
    compare(states.before, down, "down-differs", findings, options);
    if (!(await runStep(db, migration, "up", findings, options))) return;
    reUp = await workspace.snapshot(db, down);
    compare(states.after, reUp, "re-up-differs", findings, options);
  };
  if (migration.noTransaction) {
    const checkpoint = await workspace.checkpoint();
    await steps(workspace.driver);
    // The re-up leaves an equal schema only when everything passed; otherwise rebuild.
    if (findings.problems.length > 0) await workspace.restore(checkpoint);
    // Scoped snapshots merge by object identity, which a re-up renews.
    return findings.problems.length > 0 ? states.after : reUp ?? states.after;
  }
  // Transactional DDL makes undoing the down and re-up free: always roll them back.
  await workspace.driver.transaction(async (tx) => {
    await steps(tx);
    throw ROLLBACK;
  }).catch((error) => {
    if (error !== ROLLBACK) throw error;
  });
  return states.after;
}

const ROLLBACK = Symbol("rollback");

async function runStep(
  db: Queryable,
  migration: Migration,
  direction: "up" | "down",
  findings: Findings,
  options: VerifyOptions,
): Promise<boolean> {
  try {
    await runScript(db, migration, direction, { schema: options.schema });
    return true;
  } catch (error) {
    const step = direction === "down" ? "down" : "re-up";
    findings.fail(step, `${step} failed: ${errorMessage(error)}`, error);
    return false;
  }
}

function compare(
  expected: IncrementalSnapshot,
  actual: IncrementalSnapshot,
  failure: "down-differs" | "re-up-differs",
  findings: Findings,
  options: VerifyOptions,
): void {
  const changes = diffIncremental(expected, actual, {
    ignoreColumnOrder: options.ignoreColumnOrder,
  });
  if (changes.length === 0) return;
  const [label, expectedLabel, actualLabel] = failure === "down-differs"
    ? ["schema after down differs from before up", "before up", "after down"]
    : ["schema after re-up differs from after the first up", "after up", "after re-up"];
  for (const change of changes) findings.fail(failure, `${label}: ${describe(change, failure)}`);
  // Rendered only now: the text of a snapshot that matched is never needed.
  findings.diff ??= textDiff(snapshotOf(expected).text, snapshotOf(actual).text, {
    labels: [expectedLabel, actualLabel],
  });
}

/** Says which state has the object, in the words of the step that went wrong. */
function describe(change: SchemaChange, failure: "down-differs" | "re-up-differs"): string {
  const [expected, actual] = failure === "down-differs"
    ? ["before up", "after down"]
    : ["after the first up", "after re-up"];
  const object = `${change.kind} ${change.name}`;
  if (change.change === "added") return `${object} exists ${actual} but not ${expected}`;
  if (change.change === "removed") return `${object} exists ${expected} but not ${actual}`;
  return `${change.description} (${expected} -> ${actual})`;
}

function locate(error: unknown): SqlErrorLocation | undefined {
  if (!(error instanceof MigrationError) || !error.file) return undefined;
  return {
    file: error.file,
    line: error.line ?? 1,
    column: error.column ?? 1,
    message: error.message,
  };
}
