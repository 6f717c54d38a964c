// Rules where the up did not run (after a failing statement, or on a table never seeded):
// read from the SQL alone.
import assert from "node:assert/strict";
import { loadParser } from "./sql_parser.ts";
import { upStatements } from "./statements.ts";
import { unbatchedUpdateRule } from "./rules_locks.ts";
import { deleteAllRule } from "./rules_breaking.ts";

const parse = await loadParser();

/** The statements a rule flags in an up that was not measured. */
function flagged(sql: string, rule = unbatchedUpdateRule): number[] {
  const up = { path: "002_m.up.sql", sql, line: 1, column: 1 };
  const migration = { version: "002", name: "m", up, noTransaction: false, checksum: "" };
  const context = { migration, statements: upStatements(migration, parse) };
  return rule(context).map((draft) => draft.statement);
}

Deno.test("unbatched-update, unmeasured: an UPDATE of an existing table with no WHERE", () => {
  assert.deepEqual(flagged("UPDATE users SET nickname = name;"), [0]);
  assert.deepEqual(flagged("UPDATE app.users u SET nickname = u.name;"), [0]);
  // Which rows a WHERE picks is known only where it ran.
  assert.deepEqual(flagged("UPDATE users SET nickname = name WHERE id = 42;"), []);
  // A table made by the migration has no production rows yet.
  assert.deepEqual(flagged("CREATE TABLE t (a int);\nUPDATE t SET a = 1;"), []);
  assert.deepEqual(flagged("DELETE FROM users;\nSELECT 1;"), []);
});

Deno.test("delete-all-rows, unmeasured: TRUNCATE, or DELETE without WHERE, of an existing table", () => {
  assert.deepEqual(flagged("TRUNCATE users, app.posts CASCADE;", deleteAllRule), [0, 0]);
  assert.deepEqual(flagged("DELETE FROM ONLY users u;", deleteAllRule), [0]);
  assert.deepEqual(flagged("DELETE FROM users WHERE id = 1;", deleteAllRule), []);
  assert.deepEqual(flagged("CREATE TABLE t (a int);\nTRUNCATE t;", deleteAllRule), []);
});
