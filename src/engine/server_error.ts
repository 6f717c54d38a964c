/**
 * A server's error in words for a message: its text, DETAIL, HINT and CONTEXT, and what to do
 * when a statement cannot run in a transaction.
 *
 * @module
 */
import { errorMessage, SqlError } from "../errors.ts";

/** SQLSTATE of a statement that cannot run inside a transaction block. */
const ACTIVE_SQL_TRANSACTION = "25001";

const OUTSIDE_A_TRANSACTION = "tide runs each migration in a transaction; to run this one " +
  "outside of one, statement by statement (as CREATE INDEX CONCURRENTLY, VACUUM and the like " +
  "need), put -- tide:no-transaction on the first line of its file (or section).";

/**
 * The server's message with its DETAIL, HINT and CONTEXT (or any error's message), ending in a
 * full stop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SqlError } from "../errors.ts";
 * import { describeServerError } from "./server_error.ts";
 *
 * const error = new SqlError("relation \"t\" does not exist", { hint: "Create it first." });
 * assert.equal(describeServerError(error), 'relation "t" does not exist. HINT: Create it first.');
 * ```
 */
export function describeServerError(error: unknown): string {
  const message = errorMessage(error);
  if (!(error instanceof SqlError)) return /[.!?]$/.test(message) ? message : `${message}.`;
  const parts = [/[.!?]$/.test(message) ? message : `${message}.`];
  if (error.detail) parts.push(`DETAIL: ${error.detail}`);
  if (error.hint) parts.push(`HINT: ${error.hint}`);
  if (error.where) parts.push(`CONTEXT: ${error.where}`);
  if (error.sqlState === ACTIVE_SQL_TRANSACTION) parts.push(OUTSIDE_A_TRANSACTION);
  return parts.join(" ");
}
