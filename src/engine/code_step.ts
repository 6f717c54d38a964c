/**
 * The step of a migration that does not go in one message: a TypeScript migration (its code
 * runs between tide's statements), and a SQL one run statement by statement for `--verbose`.
 * Both run in a transaction opened on the session (`BEGIN`, the timeouts, the migration, the
 * bookkeeping, `COMMIT`), which commits or rolls back as a whole, as one message does; a
 * TypeScript migration with `transaction = false` runs on the session, its row recorded as under
 * way first.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { AppliedFields, Bookkeeping, Ledger } from "./ledger.ts";
import type { StatementEvent } from "./run_code.ts";

/** What a step run this way needs. */
export interface OpenStep {
  /** The session holding the migration lock. */
  driver: Driver;
  /** The ledger. */
  ledger: Ledger;
  /** The step's bookkeeping; client-timed, since the step spans several messages. */
  bookkeeping: Bookkeeping;
  /** `SET LOCAL` timeouts (transactional) or `SET` ones (no transaction), or `""`. */
  timeouts: string;
  /** When the step started. */
  started: number;
}

/**
 * Runs `body` inside `BEGIN; <timeouts>` ... `<bookkeeping>; COMMIT` on the session; any
 * failure rolls the whole of it back.
 */
export async function inTransaction(step: OpenStep, body: () => Promise<void>): Promise<void> {
  const { driver } = step;
  await driver.exec(`BEGIN; ${step.timeouts}`);
  try {
    await body();
    await step.bookkeeping.run(driver, performance.now() - step.started);
    await driver.exec("COMMIT");
  } catch (error) {
    await driver.exec("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Options of running a TypeScript step's code. */
export interface CodeStepOptions {
  /** Schema of `ctx.schema` and `ctx.table()`; `ctx.table()` is unqualified when unset. */
  schema?: string;
  /** `--verbose`: each statement as it completes. */
  onStatement?: (event: StatementEvent) => void;
  /** Where `ctx.log` goes. */
  log?: (line: string) => void;
}

/**
 * Runs a TypeScript migration's `up` or `down`: in its transaction with the bookkeeping, or,
 * with `transaction = false`, on the session after recording its row as under way (`underWay`
 * is set then). When no statement ran before a failure (and the connection did not fail),
 * nothing of it applied in PostgreSQL: the under-way row is taken back.
 */
export async function runCodeStep(
  step: OpenStep & { row: AppliedFields; underWay: { open: boolean } },
  migration: Migration,
  direction: "up" | "down",
  options: CodeStepOptions,
): Promise<void> {
  const { runCode } = await import("./run_code.ts");
  const { driver, ledger } = step;
  if (!migration.noTransaction) {
    return await inTransaction(step, async () => {
      await runCode(driver, migration, direction, options);
    });
  }
  if (step.timeouts !== "") await driver.exec(step.timeouts);
  step.underWay.open = true; // before the write: its outcome may never come back
  await ledger.markUnderWay(driver, step.row, direction, underWayNote(migration, direction));
  let statements = 0;
  const counted = {
    ...options,
    onStatement: (event: StatementEvent) => {
      statements++;
      options.onStatement?.(event);
    },
  };
  try {
    await runCode(driver, migration, direction, counted);
  } catch (error) {
    const lost = error instanceof MigrationError &&
      (error.code === "CONNECTION_LOST" || error.code === "NETWORK_TIMEOUT");
    if (statements === 0 && !lost) {
      await ledger.withdrawUnderWay(driver, migration.version, direction);
      step.underWay.open = false;
    }
    throw error;
  }
  await step.bookkeeping.run(driver, performance.now() - step.started);
}

/** What the row of a TypeScript migration running outside a transaction says meanwhile. */
function underWayNote(migration: Migration, direction: "up" | "down"): string {
  const doing = direction === "up" ? "applying" : "rolling back";
  return `Interrupted while ${doing} it outside a transaction, running ${direction}() of ` +
    `${migration.up.path}: the run ended without recording the outcome (the process was killed ` +
    "or lost its connection), unless a tide run that holds the migration lock is still at it. " +
    "The statements it ran stay applied, and so does what it did outside PostgreSQL.";
}
