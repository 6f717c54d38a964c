/**
 * Scripts written for runners that open no transaction (golang-migrate, sqitch, in-house ones)
 * often wrap themselves in `BEGIN; ... COMMIT;`. tide runs such a migration in its own
 * transaction, together with its tracking row, so that outer pair is tide's: it is blanked out
 * (spaces in place of its text, so every line and column stays where it was). Any other
 * transaction control (a `COMMIT` half-way, several blocks) is refused by `checkStatements()` in
 * tide's own format; in other tools' formats, whose runners send a file as one script, such a
 * file runs as written, outside a transaction ({@linkcode withOwnTransactions}).
 *
 * @module
 */
import { type Migration, type MigrationScript, noTransactionOf } from "./migration.ts";
import { splitStatements } from "../sql/split.ts";

/** A bare `BEGIN`, `BEGIN WORK`/`TRANSACTION` or `START TRANSACTION`: no isolation level. */
const BEGIN = /^(?:BEGIN(?:\s+(?:WORK|TRANSACTION))?|START\s+TRANSACTION)\s*$/i;
/** A bare `COMMIT` or `END` (optionally `WORK`/`TRANSACTION`), without `AND CHAIN`. */
const END = /^(?:COMMIT|END)(?:\s+(?:WORK|TRANSACTION))?\s*$/i;
/** Any statement that controls the transaction (savepoints too). */
const TRANSACTION = /^(?:BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE)\b/i;

/** Savepoint statements, which keep the transaction around them. */
const SAVEPOINT = /^(?:SAVEPOINT|RELEASE|ROLLBACK\s+(?:WORK\s+|TRANSACTION\s+)?TO)\b/i;

/** What {@linkcode unwrapOuterTransaction} found. */
export interface Unwrapped {
  /** The script, its outer pair blanked when it had one. */
  script: MigrationScript;
  /** It was wrapped in exactly one bare `BEGIN; ... COMMIT;`, now blanked. */
  wrapped: boolean;
  /** It holds no statement that starts or ends a transaction (savepoints keep one). */
  bare: boolean;
}

/**
 * Blanks the outer `BEGIN; ... COMMIT;` of `script` when its first statement is a bare `BEGIN`,
 * its last a bare `COMMIT`, and no other statement controls the transaction.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unwrapOuterTransaction } from "./outer_transaction.ts";
 *
 * const script = { path: "1_a.up.sql", sql: "BEGIN;\nCREATE TABLE a ();\nCOMMIT;\n", line: 1, column: 1 };
 * const { script: unwrapped, wrapped } = unwrapOuterTransaction(script);
 * assert.equal(wrapped, true);
 * assert.equal(unwrapped.sql, "      \nCREATE TABLE a ();\n       \n");
 * ```
 */
export function unwrapOuterTransaction(script: MigrationScript): Unwrapped {
  // Cheap test first: most scripts hold no such word at all.
  if (!/\b(?:begin|start|commit|end|rollback|abort|savepoint|release)\b/i.test(script.sql)) {
    return { script, wrapped: false, bare: true };
  }
  const statements = splitStatements(script.sql).map((s) => ({
    ...s,
    code: withoutComments(s.text),
  }));
  const control = statements.filter((s) => TRANSACTION.test(s.code.text));
  const [first, last] = [statements[0], statements.at(-1)];
  const wrapped = control.length === 2 && first !== undefined && last !== undefined &&
    first !== last && control[0] === first && control[1] === last &&
    BEGIN.test(first.code.text) && END.test(last.code.text);
  const bare = control.every((s) => SAVEPOINT.test(s.code.text));
  if (!wrapped) return { script, wrapped: false, bare };
  let sql = script.sql;
  for (const s of [first, last]) {
    const start = s.offset + s.code.offset;
    const semicolon = /^\s*;/.exec(sql.slice(s.offset + s.text.length));
    const end = s.offset + s.text.length + (semicolon?.[0].length ?? 0);
    sql = sql.slice(0, start) + sql.slice(start, end).replace(/[^\n]/g, " ") + sql.slice(end);
  }
  return { script: { ...script, sql }, wrapped: true, bare: false };
}

/**
 * `migration` with the outer `BEGIN; ... COMMIT;` of each script that runs in tide's
 * transaction blanked (see {@linkcode unwrapOuterTransaction}); no-transaction scripts keep
 * theirs, where each statement does what it says.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutOuterTransactions } from "./outer_transaction.ts";
 *
 * const up = { path: "1_a.up.sql", sql: "BEGIN;\nCREATE TABLE a ();\nCOMMIT;\n", line: 1, column: 1 };
 * const migration = { version: "1", name: "a", up, noTransaction: false, checksum: "c" };
 * assert.doesNotMatch(withoutOuterTransactions(migration).up.sql, /BEGIN|COMMIT/);
 * assert.equal(withoutOuterTransactions({ ...migration, noTransaction: true }).up.sql, up.sql);
 * ```
 */
export function withoutOuterTransactions(migration: Migration): Migration {
  const unwrap = (script: MigrationScript | undefined, direction: "up" | "down") =>
    script === undefined || noTransactionOf(migration, direction)
      ? script
      : unwrapOuterTransaction(script).script;
  const up = unwrap(migration.up, "up")!;
  const down = unwrap(migration.down, "down");
  if (up === migration.up && down === migration.down) return migration;
  return { ...migration, up, ...(down === undefined ? {} : { down }) };
}

/**
 * `migration`, read from another tool's format, with each transactional direction that holds
 * transaction control other than one outer pair marked to run as written, outside tide's
 * transaction, statement by statement, as that tool's runner would send it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withOwnTransactions } from "./outer_transaction.ts";
 *
 * const script = (sql: string) => ({ path: "1_a.up.sql", sql, line: 1, column: 1 });
 * const m = withOwnTransactions({
 *   version: "1",
 *   name: "a",
 *   up: script("create table a ();\nCOMMIT;\ncreate index concurrently a_i on a ((1));\n"),
 *   down: script("BEGIN;\ndrop table a;\nCOMMIT;\n"),
 *   noTransaction: false,
 *   checksum: "c",
 * });
 * assert.deepEqual([m.noTransaction, m.downNoTransaction], [true, false]);
 * ```
 */
export function withOwnTransactions(migration: Migration): Migration {
  const runsAsWritten = (script: MigrationScript | undefined, direction: "up" | "down") => {
    if (script === undefined || noTransactionOf(migration, direction)) return false;
    const { wrapped, bare } = unwrapOuterTransaction(script);
    return !wrapped && !bare;
  };
  const up = runsAsWritten(migration.up, "up");
  const down = runsAsWritten(migration.down, "down");
  if (!up && !down) return migration;
  return {
    ...migration,
    noTransaction: up || migration.noTransaction,
    downNoTransaction: down || noTransactionOf(migration, "down"),
  };
}

/** A statement's text from its first code character on, and that character's offset. */
function withoutComments(text: string): { text: string; offset: number } {
  const match = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/.exec(text);
  const offset = match ? match[0].length : 0;
  return { text: text.slice(offset), offset };
}
