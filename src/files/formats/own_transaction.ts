/**
 * Other tools' files that hold their own transaction statements. golang-migrate, sqitch (psql)
 * and in-house runners send a file as one script, so `BEGIN; ... COMMIT;` around it is how their
 * users ask for a transaction; tools that begin one themselves (dbmate, goose, Diesel, ...) run
 * such a file all the same. In tide:
 * - a script wrapped in exactly one `BEGIN; ... COMMIT;` runs in tide's transaction, the pair
 *   blanked out (positions unchanged), so its tracking row commits with it;
 * - a script with other transaction statements (a `COMMIT` half-way, several blocks) runs as
 *   written, outside a transaction, statement by statement, as the tool's server would run it.
 * tide's own format refuses both instead (`checkStatements`): its files say what they mean.
 *
 * @module
 */
import type { Migration, MigrationScript } from "../migration.ts";
import { splitStatements } from "../../sql/split.ts";

const BEGIN = /^(?:BEGIN|START\s+TRANSACTION)\b/i;
const END = /^(?:COMMIT|END)\b/i;
const TRANSACTION = /^(?:BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT)\b/i;
/** Cheap test first: most scripts name none of these words. */
const MAYBE = /\b(?:BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT)\b/i;

/** A script with an outer transaction pair blanked, and what transaction statements it had. */
export interface Unwrapped {
  /** The script, its outer `BEGIN; ... COMMIT;` blanked when `wrapped`. */
  script: MigrationScript;
  /** It was wrapped in exactly one `BEGIN; ... COMMIT;`. */
  wrapped: boolean;
  /** It holds no transaction statement at all. */
  bare: boolean;
}

/**
 * `script` with an outer `BEGIN; ... COMMIT;` blanked, when it has exactly that shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unwrapTransaction } from "./own_transaction.ts";
 *
 * const script = { path: "a.sql", sql: "BEGIN;\nselect 1;\nCOMMIT;\n", line: 1, column: 1 };
 * const { script: inner, wrapped } = unwrapTransaction(script);
 * assert.equal(wrapped, true);
 * assert.equal(inner.sql, "      \nselect 1;\n       \n");
 * ```
 */
export function unwrapTransaction(script: MigrationScript): Unwrapped {
  if (!MAYBE.test(script.sql)) return { script, wrapped: false, bare: true };
  const statements = splitStatements(script.sql).map((s) => ({
    ...s,
    code: withoutComments(s.text),
  }));
  const control = statements.filter((s) => TRANSACTION.test(s.code.text));
  const first = statements[0];
  const last = statements.at(-1);
  const wrapped = control.length === 2 && first !== undefined && last !== undefined &&
    BEGIN.test(first.code.text) && END.test(last.code.text) && first !== last;
  if (!wrapped) return { script, wrapped: false, bare: control.length === 0 };
  let sql = script.sql;
  for (const s of [first, last]) {
    const start = s.offset + s.code.offset;
    const semicolon = sql.indexOf(";", s.offset + s.text.length);
    const end = semicolon === -1 ? s.offset + s.text.length : semicolon + 1;
    sql = sql.slice(0, start) + sql.slice(start, end).replace(/[^\n]/g, " ") + sql.slice(end);
  }
  return { script: { ...script, sql }, wrapped: true, bare: false };
}

/**
 * `migration` of another tool's format, each transactional direction's own transaction
 * statements taken as the module says.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withOwnTransactions } from "./own_transaction.ts";
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
 * assert.equal(m.down?.sql.trim(), "drop table a;");
 * ```
 */
export function withOwnTransactions(migration: Migration): Migration {
  const up = directionOf(migration.up, migration.noTransaction);
  const downNoTransaction = migration.downNoTransaction ?? migration.noTransaction;
  const down = migration.down && directionOf(migration.down, downNoTransaction);
  if (
    up.script === migration.up && up.noTransaction === migration.noTransaction && !down?.changed
  ) {
    return migration;
  }
  const result: Migration = { ...migration, up: up.script, noTransaction: up.noTransaction };
  if (down === undefined) return result;
  return { ...result, down: down.script, downNoTransaction: down.noTransaction };
}

function directionOf(script: MigrationScript, noTransaction: boolean) {
  if (noTransaction) return { script, noTransaction, changed: false };
  const unwrapped = unwrapTransaction(script);
  if (unwrapped.wrapped) return { script: unwrapped.script, noTransaction: false, changed: true };
  return { script, noTransaction: !unwrapped.bare, changed: !unwrapped.bare };
}

/** A statement's text from its first code character on, and that character's offset. */
function withoutComments(text: string): { text: string; offset: number } {
  const match = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/.exec(text);
  const offset = match ? match[0].length : 0;
  return { text: text.slice(offset), offset };
}
