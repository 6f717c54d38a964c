/**
 * Details of running one migration: session timeouts, retrying a `lock_timeout` with backoff,
 * and who is applying it.
 *
 * @module
 */
import type { Queryable } from "./drivers/driver.ts";
import { MigrationError, SqlError } from "./errors.ts";

/** The timeouts a migration runs under, in ms; 0 means none. */
export interface Timeouts {
  /** `lock_timeout`. */
  lockTimeoutMs: number;
  /** `statement_timeout`. */
  statementTimeoutMs: number;
}

/**
 * The SQL that sets `lock_timeout` and `statement_timeout`: `SET LOCAL` inside a transaction,
 * plain `SET` for the session otherwise (`RESET` both afterwards).
 *
 * @example
 * ```ts
 * import { timeoutsSql } from "./execution.ts";
 *
 * timeoutsSql({ lockTimeoutMs: 5000, statementTimeoutMs: 0 }, true);
 * // "SET LOCAL lock_timeout = '5000ms'; SET LOCAL statement_timeout = '0ms';"
 * ```
 */
export function timeoutsSql(timeouts: Timeouts, local: boolean): string {
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
 * ```ts ignore
 * await retryLockTimeouts(() => driver.transaction(applyIt), { retries: 3, lockTimeoutMs: 5000 });
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

/** The SQLSTATE of an error or of the `SqlError` it wraps. */
export function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof SqlError) return error.sqlState;
  if (error instanceof Error && error.cause !== undefined) return sqlStateOf(error.cause);
  return undefined;
}

/**
 * How many statements of a `no-transaction` script ran before it failed, when the error says
 * (`statementsDone` on the error); `undefined` otherwise.
 *
 * @example
 * ```ts
 * import { statementsDone } from "./execution.ts";
 *
 * statementsDone(Object.assign(new Error("boom"), { statementsDone: 2 })); // 2
 * ```
 */
export function statementsDone(error: unknown): number | undefined {
  const value = (error as { statementsDone?: unknown } | null)?.statementsDone;
  return typeof value === "number" ? value : undefined;
}

/**
 * Who applies migrations: the database user and, when known, the person or CI actor
 * (`$GITHUB_ACTOR`, else `$USER`).
 *
 * @example
 * ```ts ignore
 * await appliedBy(driver); // "postgres (octocat)"
 * ```
 */
export async function appliedBy(db: Queryable, actor?: string): Promise<string> {
  const rows = await db.query<{ user: string }>('SELECT current_user::text AS "user"');
  const who = actor ?? envVar("GITHUB_ACTOR") ?? envVar("USER");
  return who ? `${rows[0]?.user} (${who})` : String(rows[0]?.user);
}

function envVar(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // without --allow-env the actor is simply unknown
  }
}
