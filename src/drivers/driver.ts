/**
 * The one interface every database implements. A driver is one file beside this one; the shared
 * conformance suite in `driver_test.ts` runs against each.
 *
 * @module
 */

import { MigrationError } from "../errors.ts";

/** A row as returned by {@linkcode Queryable.query}: column name to JavaScript value. */
export type Row = Record<string, unknown>;

/** What can run SQL: a driver, or a transaction opened by one. */
export interface Queryable {
  /**
   * Runs SQL text that may hold several statements, with the simple query protocol and no
   * parameters. Outside a transaction the server runs several statements as one implicit
   * transaction. Rejects with a `SqlError` whose `position` is relative to `sql`.
   */
  exec(sql: string): Promise<void>;
  /**
   * Runs one statement with `$1`, `$2`... parameters and returns its rows. Values come back as
   * JavaScript values: integers as numbers (int8 as bigint or string is not allowed: cast in
   * SQL), text as strings, booleans, `Date` for timestamps, `null`. Rejects with a `SqlError`.
   */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** Which library a driver wraps. */
export type DriverKind = "postgres" | "pglite";

/**
 * A connection to one database, always on a single session, so session-level advisory locks
 * and `SET` hold across calls. Close it, or use `await using`.
 */
export interface Driver extends Queryable, AsyncDisposable {
  /** Which library it wraps. */
  readonly kind: DriverKind;
  /** Where it points, for messages: a URL with any password replaced by `***`. */
  readonly target: string;
  /**
   * Runs `fn` inside `BEGIN ... COMMIT` on the session; rolls back and rethrows when `fn`
   * rejects. Not re-entrant.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Ends the session and releases everything. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * `fn` inside plain `BEGIN ... COMMIT` on `session`, rolled back (and rethrown) when it rejects:
 * {@linkcode Driver.transaction} for drivers on one session, where every round trip goes
 * through the same checks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transactionOn } from "./driver.ts";
 *
 * const sent: string[] = [];
 * const session = { exec: async (sql: string) => void sent.push(sql), query: async () => [] };
 * await assert.rejects(transactionOn(session, () => Promise.reject(new Error("no"))), /no/);
 * assert.deepEqual(sent, ["BEGIN", "ROLLBACK"]);
 * ```
 */
export async function transactionOn<T>(
  session: Queryable,
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  await session.exec("BEGIN");
  try {
    const result = await fn(session);
    await session.exec("COMMIT");
    return result;
  } catch (error) {
    await session.exec("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * The error of a call on a session that is gone (`unsent`: refused before sending, so nothing of
 * it ran), worded the same for every server driver.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionLost } from "./driver.ts";
 *
 * const error = connectionLost("postgres://app@db/app", "the server closed the connection");
 * assert.equal(error.code, "CONNECTION_LOST");
 * assert.match(error.message, /^Lost the connection to postgres:\/\/app@db\/app \(the server/);
 * ```
 */
export function connectionLost(target: string, reason: string, unsent = false): MigrationError {
  return new MigrationError(
    "CONNECTION_LOST",
    `Lost the connection to ${target} (${reason}). tide does not reconnect on its own: ` +
      "tide's migration lock and the session settings ended with that session.",
    { unsent },
  );
}

/**
 * The error of a request whose reply did not come within the network timeout; the driver closes
 * the connection, so later calls fail with {@linkcode connectionLost}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { networkTimeout } from "./driver.ts";
 *
 * assert.equal(networkTimeout("postgres://db/app", 500).code, "NETWORK_TIMEOUT");
 * ```
 */
export function networkTimeout(target: string, ms: number): MigrationError {
  return new MigrationError(
    "NETWORK_TIMEOUT",
    `No reply from ${target} within the network timeout of ${ms} ms (--network-timeout): ` +
      "the connection or the network stalled, so tide closed the connection.",
  );
}

/**
 * Why a session whose reply did not come is given up, as `connectionLost` names it after.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionLost, stalledReason } from "./driver.ts";
 *
 * const later = connectionLost("postgres://db/app", stalledReason(500), true);
 * assert.match(later.message, /\(no reply within the network timeout of 500 ms\)/);
 * ```
 */
export function stalledReason(ms: number): string {
  return `no reply within the network timeout of ${ms} ms`;
}
