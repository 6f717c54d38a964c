import { deepEqual, equal } from "node:assert/strict";
import { buildMigrations } from "./testdata/build.ts";
import { withoutTransactionControl } from "./transaction_control.ts";

const blank = (sql: string, noTransaction = false) =>
  withoutTransactionControl(
    buildMigrations([{ version: "001", name: "a", up: sql, down: sql, noTransaction }])[0],
  );

Deno.test("withoutTransactionControl() blanks BEGIN and COMMIT in place, lines and columns kept", () => {
  const sql = "BEGIN;\n  create table a (id int);\n  -- done\n  COMMIT;\n";
  const { up, down } = blank(sql);
  equal(up.sql, "      \n  create table a (id int);\n  -- done\n         \n");
  equal(down?.sql, up.sql);
  equal(up.sql.length, sql.length);
});

Deno.test("withoutTransactionControl() knows every spelling of transaction control", () => {
  for (
    const statement of [
      "begin",
      "BEGIN TRANSACTION",
      "begin work",
      "BEGIN ISOLATION LEVEL SERIALIZABLE",
      "START TRANSACTION READ WRITE",
      "commit",
      "COMMIT WORK",
      "COMMIT AND NO CHAIN",
      "END",
      "end transaction",
    ]
  ) {
    equal(blank(`${statement};\nselect 1;`).up.sql.trim(), "select 1;", statement);
  }
});

Deno.test("withoutTransactionControl() leaves every other statement and no-transaction files alone", () => {
  const bodies = [
    "do $$ begin perform 1; end $$;",
    "create function f() returns int language sql begin atomic select 1; end;",
    "create table begin_log (commit text);",
    "commit prepared 'tx1';",
    "rollback;",
  ];
  for (const sql of bodies) equal(blank(sql).up.sql, sql);
  const noTransaction = "BEGIN;\nselect 1;\nCOMMIT;\n";
  deepEqual(blank(noTransaction, true).up.sql, noTransaction);
});
