/**
 * Running one step of a plan: one migration's up or down script and its bookkeeping. In a
 * transaction, both go in one message (see `transactionEnvelope`); outside one, statement by
 * statement, then the bookkeeping. `lock_timeout` failures are retried; any failure is logged,
 * and a no-transaction script that stopped halfway is recorded as failed.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { errorMessage, ScriptError } from "../errors.ts";
import { CHECKSUM_ALGORITHM, type Migration, noTransactionOf } from "../files/migration.ts";
import type { AppliedFields, Bookkeeping, Ledger, LogFields } from "./ledger.ts";
import type { DownStep, PlanStep } from "./plan.ts";
import { locateFailure, runScript } from "./run_script.ts";
import { retryLockTimeouts, type Timeouts, timeoutsSql } from "./timeouts.ts";
import { transactionEnvelope } from "./transaction_envelope.ts";

/** What running a step needs from the migrator. */
export interface StepContext extends Pick<Timeouts, "lockTimeoutMs" | "statementTimeoutMs"> {
  /** The database, on the session that holds the migration lock. */
  driver: Driver;
  /** The ledger the step records itself in. */
  ledger: Ledger;
  /** Schema of `{{schema}}` templates; unset: `{{tables.x}}` unqualified, `{{schema}}` public. */
  templateSchema?: string;
  /** Retries of a `lock_timeout` failure. */
  lockRetries: number;
  /** Who runs it, for the ledger. */
  actor: string;
  /** Called before each retry. */
  onRetry?: (attempt: number, delayMs: number) => void;
}

/**
 * Runs `step` and its bookkeeping; a failure is recorded in the ledger, then rethrown.
 *
 * @example
 * ```ts ignore
 * await runStep({ driver, ledger, lockTimeoutMs: 0, statementTimeoutMs: 0,
 *   lockRetries: 3, actor: "ci" }, step);
 * ```
 */
export async function runStep(context: StepContext, step: PlanStep): Promise<void> {
  const migration = step.direction === "up" ? step.migration : downMigration(step);
  const entry = logFields(migration, step.direction, context.actor);
  // The bookkeeping times itself, on the server or from the duration `run` is given.
  const bookkeeping = step.direction === "up"
    ? context.ledger.appliedBookkeeping(
      appliedFields(migration, context.actor),
      entry,
      step.reapply === true,
    )
    : context.ledger.rolledBackBookkeeping(step.version, entry);
  await execute(context, migration, step.direction, bookkeeping);
}

async function execute(
  context: StepContext,
  migration: Migration,
  direction: "up" | "down",
  bookkeeping: Bookkeeping,
): Promise<void> {
  const { driver, templateSchema: schema } = context;
  const started = performance.now();
  const noTransaction = noTransactionOf(migration, direction);
  const timed = context.lockTimeoutMs > 0 || context.statementTimeoutMs > 0;
  const timeouts = timed ? timeoutsSql(context, !noTransaction) : "";
  const attempt = async () => {
    if (noTransaction) {
      if (timed) await driver.exec(timeouts);
      await runScript(driver, migration, direction, { schema });
      await bookkeeping.run(driver, performance.now() - started);
      return;
    }
    const envelope = transactionEnvelope({ timeouts, bookkeeping: bookkeeping.sql });
    try {
      await runScript(driver, migration, direction, { schema, envelope });
    } catch (error) {
      await driver.exec("ROLLBACK").catch(() => {});
      throw error;
    }
  };
  try {
    await retryLockTimeouts(attempt, {
      retries: context.lockRetries,
      lockTimeoutMs: context.lockTimeoutMs,
      canRetry: (error) => !noTransaction || statementsDone(error) === 0,
      onRetry: context.onRetry,
    });
  } catch (caught) {
    // Only after the retries: re-running to find the failing statement costs a second run.
    const error = noTransaction ? caught : await locateFailure(driver, caught, timeouts);
    const failed = context.ledger.failedBookkeeping({
      row: appliedFields(migration, context.actor),
      entry: logFields(migration, direction, context.actor),
      error: errorMessage(error),
      // A no-transaction script that ran some statements is dirty, up or down: its row says so,
      // and later runs stop until the user says how it was resolved.
      dirty: noTransaction && statementsDone(error) > 0,
    });
    // Bookkeeping must not hide the migration's own error (the connection may be gone).
    await failed.run(driver, performance.now() - started).catch(() => {});
    throw error;
  } finally {
    if (noTransaction && timed) await driver.exec("RESET lock_timeout; RESET statement_timeout");
  }
}

/**
 * The tracking row of `migration` applied by `actor`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appliedFields } from "./step.ts";
 *
 * const up = { path: "001_a.up.sql", sql: "CREATE TABLE a ();", line: 1, column: 1 };
 * const down = { ...up, path: "001_a.down.sql", sql: "DROP TABLE a;" };
 * const migration = { version: "001", name: "a", up, down, noTransaction: false, checksum: "c" };
 * assert.equal(appliedFields(migration, "ci").downSql, "DROP TABLE a;");
 * ```
 */
export function appliedFields(migration: Migration, actor: string): AppliedFields {
  return {
    version: migration.version,
    name: migration.name,
    checksum: migration.checksum,
    checksumAlgorithm: CHECKSUM_ALGORITHM,
    status: "applied",
    appliedBy: actor,
    downSql: migration.down?.sql ?? null,
    downNoTransaction: noTransactionOf(migration, "down"),
    error: null,
  };
}

/**
 * A successful log entry of `action` on `migration` by `actor`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logFields } from "./step.ts";
 *
 * assert.deepEqual(logFields({ version: "001", name: "a" }, "baseline", "ci"), {
 *   version: "001",
 *   name: "a",
 *   action: "baseline",
 *   outcome: "success",
 *   error: null,
 *   performedBy: "ci",
 * });
 * ```
 */
export function logFields(
  migration: Pick<Migration, "version" | "name">,
  action: LogFields["action"],
  actor: string,
): LogFields {
  return {
    version: migration.version,
    name: migration.name,
    action,
    outcome: "success",
    error: null,
    performedBy: actor,
  };
}

/** Statements of a no-transaction script that ran before it failed; 0 when none or unknown. */
function statementsDone(error: unknown): number {
  return error instanceof ScriptError ? error.statementsDone : 0;
}

/**
 * The migration a down step runs: its file, or the SQL stored when it was applied.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downMigration } from "./step.ts";
 *
 * const step = {
 *   direction: "down" as const,
 *   version: "002",
 *   name: "b",
 *   storedDownSql: "DROP TABLE b;",
 *   storedNoTransaction: false,
 * };
 * assert.equal(downMigration(step).down?.sql, "DROP TABLE b;");
 * ```
 */
export function downMigration(step: DownStep): Migration {
  if (step.migration?.down) return step.migration;
  // An up that ran nothing is undone by running nothing.
  if (step.migration?.empty) return { ...step.migration, down: { ...step.migration.up, sql: "" } };
  const path = `${step.version}_${step.name} (down SQL stored in the tracking table)`;
  return {
    version: step.version,
    name: step.name,
    up: { path, sql: "", line: 1, column: 1 },
    down: { path, sql: step.storedDownSql ?? "", line: 1, column: 1 },
    noTransaction: step.storedNoTransaction,
    downNoTransaction: step.storedNoTransaction,
    checksum: "",
  };
}
