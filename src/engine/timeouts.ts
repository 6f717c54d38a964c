/**
 * The timeouts a migration runs under (one declaration, with its defaults), the SQL that sets
 * them, and retrying a migration that hit `lock_timeout`, with backoff.
 *
 * @module
 */
import { MigrationError, sqlStateOf } from "../errors.ts";

/** How long tide waits, in ms; 0 means no limit for the two server timeouts. */
export interface Timeouts {
  /** How long to wait for another run's migration lock. */
  lockWaitMs: number;
  /** `lock_timeout` for each migration. */
  lockTimeoutMs: number;
  /** `statement_timeout` for each migration. */
  statementTimeoutMs: number;
  /**
   * How long tide waits for a PostgreSQL server's reply to any one request (a migration sent
   * whole is one) before it closes the connection as stalled; 0 means no limit.
   */
  networkTimeoutMs: number;
}

/**
 * The defaults of {@linkcode Timeouts}: wait a minute for the lock, no server timeouts, and an
 * hour for any one reply (a migration may run that long; a stalled connection should not hang
 * forever).
 */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({
  lockWaitMs: 60_000,
  lockTimeoutMs: 0,
  statementTimeoutMs: 0,
  networkTimeoutMs: 3_600_000,
});

/** Retries of a migration that hit `lock_timeout`, after the first try. */
export const DEFAULT_LOCK_RETRIES = 3;

/**
 * The SQL that sets `lock_timeout` and `statement_timeout`: `SET LOCAL` inside a transaction,
 * plain `SET` for the session otherwise (`RESET` both afterwards).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeoutsSql } from "./timeouts.ts";
 *
 * assert.equal(
 *   timeoutsSql({ lockTimeoutMs: 5000, statementTimeoutMs: 0 }, true),
 *   "SET LOCAL lock_timeout = '5000ms'; SET LOCAL statement_timeout = '0ms';",
 * );
 * ```
 */
export function timeoutsSql(
  timeouts: Pick<Timeouts, "lockTimeoutMs" | "statementTimeoutMs">,
  local: boolean,
): string {
  const scope = local ? "SET LOCAL" : "SET";
  const ms = (value: number) => `'${Math.max(0, Math.floor(value))}ms'`;
  return `${scope} lock_timeout = ${ms(timeouts.lockTimeoutMs)}; ` +
    `${scope} statement_timeout = ${ms(timeouts.statementTimeoutMs)};`;
}

/** SQLSTATE of `lock_timeout` expiring (lock_not_available). */
const LOCK_NOT_AVAILABLE = "55P03";

/** Options of {@linkcode retryLockTimeouts}. */
export interface RetryOptions {
  /** How many times to retry after the first attempt. */
  retries: number;
  /** The `lock_timeout` in force, for the message. */
  lockTimeoutMs: number;
  /** First delay in ms; doubles each time. Default 500. */
  baseDelayMs?: number;
  /** Whether this failure may be retried (a half-run no-transaction migration may not). */
  canRetry?: (error: unknown) => boolean;
  /** Called before each retry. */
  onRetry?: (attempt: number, delayMs: number) => void;
}

/**
 * Runs `attempt`, retrying with exponential backoff while it fails on `lock_timeout`. After the
 * last try the error says how often it was tried.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SqlError } from "../errors.ts";
 * import { retryLockTimeouts } from "./timeouts.ts";
 *
 * let tries = 0;
 * const applyIt = () => {
 *   tries++;
 *   if (tries > 1) return Promise.resolve("applied");
 *   throw new SqlError("canceling statement due to lock timeout", { sqlState: "55P03" });
 * };
 * const result = await retryLockTimeouts(async () => await applyIt(), {
 *   retries: 3,
 *   lockTimeoutMs: 5000,
 *   baseDelayMs: 10,
 * });
 * assert.deepEqual([result, tries], ["applied", 2]);
 * ```
 */
export async function retryLockTimeouts<T>(
  attempt: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const baseDelayMs = options.baseDelayMs ?? 500;
  for (let tries = 1;; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const lockTimedOut = sqlStateOf(error) === LOCK_NOT_AVAILABLE;
      if (!lockTimedOut || !(options.canRetry?.(error) ?? true)) throw error;
      if (tries > options.retries) throw lockTimeoutError(error, tries, options.lockTimeoutMs);
      const delayMs = baseDelayMs * 2 ** (tries - 1);
      options.onRetry?.(tries, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function lockTimeoutError(error: unknown, tries: number, lockTimeoutMs: number): MigrationError {
  const inner = error instanceof MigrationError ? error : undefined;
  const where = inner?.file ? `${inner.file}:${inner.line}:${inner.column}` : "the migration";
  return new MigrationError(
    "LOCK_TIMEOUT",
    `Cannot apply ${where}: it waited longer than lock_timeout (${lockTimeoutMs} ms) for a table ` +
      `lock ${tries} times, with backoff between tries, and gave up. Nothing of it was applied. ` +
      `Run it when the tables it alters are less busy, find the blocking sessions in ` +
      `pg_stat_activity, or raise --lock-timeout.`,
    {
      version: inner?.version,
      file: inner?.file,
      line: inner?.line,
      column: inner?.column,
      cause: error,
    },
  );
}
