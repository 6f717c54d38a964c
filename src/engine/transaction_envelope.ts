/**
 * The envelope of a script sent whole: the SQL sent around it in the same message, and the way
 * from a server error position in that message back into the script. A transactional migration
 * is one message, `BEGIN`, its timeouts, the script, its bookkeeping and `COMMIT`: one round
 * trip, and a failure anywhere in it leaves no trace.
 *
 * @module
 */

/** SQL as sent, and where in it the script is. */
export interface SentSql {
  /** The text sent. */
  readonly text: string;
  /**
   * Maps a 0-based UTF-16 offset in `text` to the offset in the script. An offset in the SQL
   * around the script is clamped to the script's nearer edge.
   */
  scriptOffset(offset: number): number;
  /** Whether `offset` in `text` is inside the script (not the SQL around it). Unset: always. */
  inScript?(offset: number): boolean;
}

/** Wraps a script (rendered) for sending. */
export type Envelope = (script: string) => SentSql;

/** No envelope: the script is sent as it is. */
export const BARE: Envelope = (script) => ({
  text: script,
  scriptOffset: (offset) => clamp(offset, script.length),
});

/** What a transactional migration sends beside its script. */
export interface TransactionParts {
  /** A check to run first (that the migration lock is held), or `""`. */
  guard?: string;
  /** `SET LOCAL` of its timeouts, or `""`. */
  timeouts: string;
  /** Its bookkeeping, as inline SQL. */
  bookkeeping: string;
}

/**
 * The envelope of a transactional migration: `BEGIN; <guard> <timeouts>`, the script, `<bookkeeping>;
 * COMMIT;`, one message for one `exec`. When the message fails, the session is left in the
 * failed transaction: send `ROLLBACK`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transactionEnvelope } from "./transaction_envelope.ts";
 *
 * const script = "CREATE TABLE t (id int)";
 * const sent = transactionEnvelope({ timeouts: "", bookkeeping: "SELECT 1" })(script);
 * assert.equal(sent.text, "BEGIN; \nCREATE TABLE t (id int)\n;\nSELECT 1;\nCOMMIT;");
 * assert.equal(sent.scriptOffset(sent.text.indexOf("t (id")), script.indexOf("t (id"));
 * ```
 */
export function transactionEnvelope(parts: TransactionParts): Envelope {
  const before = `BEGIN; ${parts.guard ? `${parts.guard} ` : ""}${parts.timeouts}\n`;
  // The newline ends a `--` comment on the script's last line, the `;` its last statement.
  const after = `\n;\n${parts.bookkeeping};\nCOMMIT;`;
  return (script) => ({
    text: before + script + after,
    scriptOffset: (offset) => clamp(offset - before.length, script.length),
    inScript: (offset) => offset >= before.length && offset <= before.length + script.length,
  });
}

function clamp(offset: number, length: number): number {
  return Math.min(Math.max(offset, 0), length);
}
