/**
 * Migration files that hold their own `BEGIN;` and `COMMIT;`, as many are written for runners
 * that open no transaction (golang-migrate, in-house ones). Inside verification's transaction
 * such a `COMMIT` would end it early, so the down and re-up could no longer be rolled back and
 * every later verdict would start from a wrong state. Verification runs those files without
 * their transaction control: the same statements, in its own transaction.
 *
 * @module
 */
import type { Migration, MigrationScript } from "../files/migration.ts";
import { splitStatements } from "../sql/split.ts";

/** `BEGIN`, `START TRANSACTION`, `COMMIT` or `END`, with their options. */
const TRANSACTION_CONTROL =
  /^(?:BEGIN|START\s+TRANSACTION|COMMIT|END)(?:\s+(?:WORK|TRANSACTION))?(?:\s+[A-Za-z][A-Za-z\s,]*)?$/i;

/** Leading whitespace and comments of a statement's text. */
const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/**
 * `migration` with every top-level `BEGIN`/`START TRANSACTION`/`COMMIT`/`END` statement of its
 * scripts blanked out (replaced by spaces, so every line and column stays where it was). A
 * `no-transaction` migration is returned as it is: there, those statements do what they say.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutTransactionControl } from "./transaction_control.ts";
 *
 * const script = (sql: string) => ({ path: "001_a.up.sql", sql, line: 1, column: 1 });
 * const migration = {
 *   version: "001",
 *   name: "a",
 *   up: script("BEGIN;\ncreate table a (id int);\nCOMMIT;\n"),
 *   noTransaction: false,
 *   checksum: "",
 * };
 * assert.equal(withoutTransactionControl(migration).up.sql, "      \ncreate table a (id int);\n       \n");
 * ```
 */
export function withoutTransactionControl(migration: Migration): Migration {
  if (migration.noTransaction) return migration;
  const up = blankScript(migration.up);
  const down = migration.down && blankScript(migration.down);
  if (up === migration.up && down === migration.down) return migration;
  return { ...migration, up, down };
}

function blankScript(script: MigrationScript): MigrationScript {
  // Cheap test first: most scripts have no such word at all.
  if (!/\b(?:begin|start|commit|end)\b/i.test(script.sql)) return script;
  let sql = script.sql;
  for (const { text, offset } of splitStatements(script.sql)) {
    const code = text.slice(LEADING_COMMENTS.exec(text)![0].length);
    if (!TRANSACTION_CONTROL.test(code)) continue;
    const start = offset + text.length - code.length;
    const terminator = /^\s*;/.exec(sql.slice(offset + text.length));
    const end = offset + text.length + (terminator?.[0].length ?? 0);
    sql = sql.slice(0, start) + sql.slice(start, end).replace(/[^\n]/g, " ") + sql.slice(end);
  }
  return sql === script.sql ? script : { ...script, sql };
}
