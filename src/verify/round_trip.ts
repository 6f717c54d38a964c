/**
 * Round-trip verification: for each migration, up -> down -> up, with schema snapshots proving
 * that the down restored the schema before the up and the re-up the schema after it.
 *
 * Over 300 lines: the verdict of one migration (up, data only, repeatable, down, re-up) is one
 * sequence of checks on one workspace. Which other modules' migrations run, and where, is
 * `required.ts`; the workspace (PGlite or a throwaway server database) is `workspace.ts`.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import { errorMessage } from "../errors.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import { type Migration, noTransactionOf } from "../files/migration.ts";
import { downAdvice } from "../files/down_path.ts";
import { locateFailure, runScript, type StatementHook } from "../engine/run_script.ts";
import type { DiffOptions } from "../schema/diff.ts";
import { diffIncremental, type IncrementalSnapshot } from "../schema/snapshot_incremental.ts";
import { compareVersions } from "../files/version.ts";
import { onlySnapshottedChanges } from "./ddl_coverage.ts";
import { compareSnapshots, Findings } from "./findings.ts";
import type { MigrationVerdict, VerifyReport } from "./report.ts";
import { type RunClock, startRunClock } from "./run_clock.ts";
import { runnerTableHint, runSetup, type VerifySetup } from "./setup.ts";
import type { StepObserver } from "./observer.ts";
import { openWorkspace, type Workspace } from "./workspace.ts";
import { verifyOrder } from "./required.ts";
import type { ModuleMigrations } from "../engine/migrator_options.ts";

export type { VerifySetup };

/** Options of {@linkcode verifyMigrations}. */
export interface VerifyOptions {
  /** Migrations in version order (from `loadMigrations`). */
  migrations: readonly Migration[];
  /** Apply the migrations before this version once, then verify only it and later ones. */
  from?: string;
  /** The module the migrations belong to, as their requirements name it. Default `""`. */
  module?: string;
  /**
   * Other modules (`modules` of the config): the migrations of theirs that the verified ones
   * require, directly or through each other, are applied once, never verified, where `tide up`
   * of all the modules would apply them (see `required.ts`).
   */
  modules?: readonly ModuleMigrations[];
  /** Called as each migration of another module is applied (required, not verified). */
  onRequired?: (migration: Migration, module: string) => void;
  /** Schema for `{{schema}}` templates. */
  schema?: string;
  /** Stop at the first failure; the rest are counted as skipped. */
  failFast?: boolean;
  /** Do not report columns that came back in another order. */
  ignoreColumnOrder?: boolean;
  /**
   * Fail a migration whose up changes no schema (a backfill, a data fix) and that has no down,
   * instead of passing it as "data only, no down".
   */
  strictData?: boolean;
  /**
   * SQL run once on the throwaway database before the first migration: roles, extensions, or
   * the tracking table a runner creates before any migration runs. What it creates is part of
   * the schema before the first migration.
   */
  setup?: VerifySetup;
  /**
   * A PostgreSQL server to verify on instead of PGlite: a throwaway database is created there
   * and dropped afterwards.
   */
  databaseUrl?: string;
  /** Called with each verdict as soon as it is known. */
  onVerdict?: (verdict: MigrationVerdict) => void;
  /** Watches each verified migration's first up (`tide lint` measures with it). */
  observer?: StepObserver;
}

/** The note of a verdict that passed as data only. */
export const DATA_ONLY_NOTE = "data only, no down: the up changes no schema and has no down, " +
  "so there is nothing to roll back (its data changes stay; --strict-data fails it)";

/** The note of a Flyway repeatable that passed. */
export const REPEATABLE_NOTE = "repeatable: applied again, it left the same schema (Flyway " +
  "re-applies it whenever it changes and never rolls it back, so it has no down to check)";

/**
 * Verifies that every migration round-trips: up, down, up again, with identical schemas. Runs on
 * an in-memory PGlite unless `databaseUrl` is given. A failure never stops the others (unless
 * `failFast`): each is verified from the exact state after the previous one's up. A migration
 * whose up changes no schema and that has no down passes as data only (unless `strictData`).
 * Times the server stored while this run built the schemas (`timestamp 'now'` in a view) are
 * not differences.
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
  const steps = verifyOrder(options.module ?? "", options.migrations, options.modules ?? []);
  await using workspace = await openWorkspace(
    steps.map((step) => step.migration),
    options.databaseUrl,
    options.setup?.sql,
  );
  const bootMs = performance.now() - started;
  const clock = await startRunClock(workspace.driver);
  if (options.setup !== undefined) await runSetup(workspace.driver, options.setup, options.schema);
  // `tide up` creates the schema (with its tracking tables) before any migration runs.
  if (options.schema !== undefined) {
    await workspace.driver.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
  }
  const early = (m: Migration) =>
    options.from !== undefined && compareVersions(m.version, options.from) < 0;
  const verified = steps.filter((step) => step.verified && !early(step.migration));
  const verdicts: MigrationVerdict[] = [];
  let current: IncrementalSnapshot | undefined;
  const run = { workspace, clock, options };
  for (const step of steps) {
    const { migration } = step;
    if (!step.verified || early(migration)) {
      await applyOnce(workspace.driver, migration, options.schema);
      if (!step.verified) options.onRequired?.(migration, step.module);
      current = undefined; // taken again before the next verified one
      continue;
    }
    current ??= await workspace.snapshot(workspace.driver);
    const { verdict, after } = await verifyOne(run, migration, current);
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

async function applyOnce(
  db: Driver,
  migration: Migration,
  schema?: string,
  eachStatement?: StatementHook,
): Promise<void> {
  const up = (q: Queryable) => runScript(q, migration, "up", { schema, eachStatement });
  if (noTransactionOf(migration, "up")) return await up(db);
  // Rolled back by then: find the failing statement when the server gave no position.
  await db.transaction(up).catch(async (error) => {
    throw await locateFailure(db, error);
  });
}

/** What every migration of a run is verified with. */
interface Run {
  workspace: Workspace;
  clock: RunClock;
  options: VerifyOptions;
}

interface Outcome {
  verdict: MigrationVerdict;
  /** The schema the next migration starts from. */
  after: IncrementalSnapshot;
}

async function verifyOne(
  run: Run,
  migration: Migration,
  before: IncrementalSnapshot,
): Promise<Outcome> {
  const { workspace, options } = run;
  const started = performance.now();
  const findings = new Findings();
  let note: string | undefined;
  let status: "data-only" | "re-applies" = "data-only";
  const done = (
    after: IncrementalSnapshot,
    changes: MigrationVerdict["changes"] = [],
  ): Outcome => {
    const ok = findings.problems.length === 0;
    return {
      after,
      verdict: {
        version: migration.version,
        name: migration.name,
        ok,
        status: !ok ? "failed" : note === undefined ? "round-trips" : status,
        note,
        problems: findings.problems,
        failure: findings.failure,
        changes,
        diff: findings.diff,
        error: findings.error,
        durationMs: performance.now() - started,
        ...(findings.onlyReordered ? { columnOrderOnly: true as const } : {}),
      },
    };
  };
  const checkpoint = noTransactionOf(migration, "up") ? await workspace.checkpoint() : undefined;
  try {
    const up = (hook?: StatementHook) =>
      applyOnce(workspace.driver, migration, options.schema, hook);
    await (options.observer ? options.observer.observeUp(workspace.driver, migration, up) : up());
  } catch (error) {
    const hint = runnerTableHint(error);
    findings.fail("up", `up failed: ${errorMessage(error)}${hint ? ` ${hint}` : ""}`, error);
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
  if (migration.repeatable && !migration.down) {
    await reapply(run, migration, after, findings);
    if (findings.problems.length === 0) [note, status] = [REPEATABLE_NOTE, "re-applies"];
    return done(after, changes);
  }
  if (!migration.down) {
    // Without tracking the commands are unknown, and the snapshot alone decides.
    const commands = workspace.commands();
    const dataOnly = changes.length === 0 &&
      (commands === undefined || onlySnapshottedChanges(commands));
    if (dataOnly && !options.strictData) note = DATA_ONLY_NOTE;
    else findings.fail("no-down", noDownProblem(migration, dataOnly, changes.length > 0, commands));
    return done(after, changes);
  }
  const state = await roundTrip(run, migration, { before, after }, findings);
  return done(state, changes);
}

function noDownProblem(
  migration: Migration,
  dataOnly: boolean,
  changedSchema: boolean,
  commands: readonly string[] | undefined,
): string {
  const path = migration.up.path;
  // Commands snapshots do not hold explain a failure only where the snapshot saw no change.
  if (!changedSchema && commands !== undefined && !onlySnapshottedChanges(commands)) {
    const unseen = commands.filter((tag) => !onlySnapshottedChanges([tag]));
    return `no down: ${path} has no down script, and it runs ${unseen.join(", ")}, whose ` +
      "effect schema snapshots do not hold, so it cannot pass as data only. Write a down that " +
      "undoes it.";
  }
  if (dataOnly) {
    return `no down: ${path} changes no schema (data only) and has no down script, which ` +
      "--strict-data (verify.strictData) refuses. Write a down that undoes its data change, " +
      "or verify without --strict-data.";
  }
  return `no down: ${path} has no down script, so it cannot be rolled back. ` +
    downAdvice(migration);
}

/**
 * Down, compare with `before`, re-up, compare with `after`; leaves the state after the up and
 * returns its snapshot (the re-up's, when a no-transaction migration's re-up stays).
 */
async function roundTrip(
  run: Run,
  migration: Migration,
  states: { before: IncrementalSnapshot; after: IncrementalSnapshot },
  findings: Findings,
): Promise<IncrementalSnapshot> {
  const { workspace, options } = run;
  // The window ends now: every time the server stored so far was stored by this run.
  const diffOptions = (): DiffOptions => ({
    ignoreColumnOrder: options.ignoreColumnOrder,
    timeWindow: run.clock.window(),
  });
  let reUp: IncrementalSnapshot | undefined;
  const steps = async (db: Queryable) => {
    if (!(await runStep(db, migration, "down", findings, options))) return;
    const down = await workspace.snapshot(db, states.after);
    compareSnapshots(states.before, down, "down-differs", findings, diffOptions());
    if (!(await runStep(db, migration, "up", findings, options))) return;
    reUp = await workspace.snapshot(db, down);
    compareSnapshots(states.after, reUp, "re-up-differs", findings, diffOptions());
  };
  // Down and re-up run in one rolled-back transaction, unless either must run outside one.
  if (noTransactionOf(migration, "up") || noTransactionOf(migration, "down")) {
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

/**
 * A repeatable applied a second time, as Flyway does when its file changes: the schema must be
 * the one its first run left (`CREATE OR REPLACE`, not a bare `CREATE`). Rolled back after.
 */
async function reapply(
  run: Run,
  migration: Migration,
  after: IncrementalSnapshot,
  findings: Findings,
): Promise<void> {
  const { workspace, options } = run;
  const again = async (db: Queryable) => {
    if (!(await runStep(db, migration, "up", findings, options))) return;
    const reUp = await workspace.snapshot(db, after);
    compareSnapshots(after, reUp, "re-up-differs", findings, {
      ignoreColumnOrder: options.ignoreColumnOrder,
      timeWindow: run.clock.window(),
    });
  };
  if (noTransactionOf(migration, "up")) {
    const checkpoint = await workspace.checkpoint();
    await again(workspace.driver);
    await workspace.restore(checkpoint);
    return;
  }
  await workspace.driver.transaction(async (tx) => {
    await again(tx);
    throw ROLLBACK;
  }).catch((error) => {
    if (error !== ROLLBACK) throw error;
  });
}

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
