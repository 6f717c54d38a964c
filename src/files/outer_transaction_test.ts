import { deepEqual, equal } from "node:assert/strict";
import { MigrationSourceError } from "../errors.ts";
import { parseMigrationFiles } from "./load.ts";
import { unwrapOuterTransaction } from "./outer_transaction.ts";

const script = (sql: string) => ({ path: "001_a.up.sql", sql, line: 1, column: 1 });
const file = (path: string, sql: string) => ({ path, bytes: new TextEncoder().encode(sql) });

Deno.test("unwrapOuterTransaction() blanks a bare outer BEGIN/COMMIT, keeping every line and column", () => {
  for (
    const [begin, end] of [
      ["BEGIN", "COMMIT"],
      ["begin work", "commit work"],
      ["START TRANSACTION", "END"],
      ["BEGIN TRANSACTION", "end transaction"],
    ]
  ) {
    const sql = `-- a header\n${begin};\n  create table a (id int);\n  -- done\n  ${end};\n`;
    const { script: out, wrapped } = unwrapOuterTransaction(script(sql));
    equal(wrapped, true, begin);
    equal(out.sql.length, sql.length);
    equal(out.sql.trim().replace(/\s+/g, " "), "-- a header create table a (id int); -- done");
    deepEqual(out.sql.split("\n").map((l) => l.length), sql.split("\n").map((l) => l.length));
  }
});

Deno.test("unwrapOuterTransaction() leaves scripts whose transaction control is not one bare outer pair", () => {
  for (
    const sql of [
      "create table a ();",
      "BEGIN ISOLATION LEVEL SERIALIZABLE;\ncreate table a ();\nCOMMIT;",
      "BEGIN;\ncreate table a ();\nCOMMIT AND CHAIN;",
      "create table a ();\nCOMMIT;\nselect 1/0;",
      "BEGIN;\ncreate table a ();\nCOMMIT;\nBEGIN;\ncreate table b ();\nCOMMIT;",
      "BEGIN;\ncreate table a ();\nROLLBACK;",
      "BEGIN;\nSAVEPOINT s;\ncreate table a ();\nCOMMIT;",
      "do $$ begin perform 1; end $$;",
      "create function f() returns int language sql begin atomic select 1; end;",
    ]
  ) {
    const { script: out, wrapped } = unwrapOuterTransaction(script(sql));
    equal(wrapped, false, sql);
    equal(out.sql, sql);
  }
});

Deno.test("loading blanks a migration's own outer BEGIN/COMMIT in every format and refuses other transaction control", async () => {
  const wrapped = "BEGIN;\ncreate table t (id int);\nCOMMIT;\n";
  const [migration] = await parseMigrationFiles([
    file("db/1_t.up.sql", wrapped),
    file("db/1_t.down.sql", "BEGIN;\ndrop table t;\nCOMMIT;\n"),
  ], { format: "golang-migrate" });
  equal(migration.up.sql.trim(), "create table t (id int);");
  equal(migration.down?.sql.trim(), "drop table t;");
  // The checksum is of the file as written.
  const [plain] = await parseMigrationFiles([file("db/1_t.up.sql", wrapped)], { format: "plain" });
  equal(plain.checksum, migration.checksum);
  // A no-transaction file keeps them: there, each statement does what it says.
  const [kept] = await parseMigrationFiles([
    file("db/1_t.up.sql", `-- tide:no-transaction\n${wrapped}`),
  ]);
  equal(kept.up.sql.includes("BEGIN;"), true);
  try {
    await parseMigrationFiles([
      file("db/1_t.up.sql", "BEGIN;\ncreate table t ();\nCOMMIT;\nselect 1;\n"),
    ]);
    throw new Error("loaded");
  } catch (error) {
    equal(error instanceof MigrationSourceError, true);
    equal((error as MigrationSourceError).code, "TRANSACTION_CONTROL");
    equal((error as MigrationSourceError).line, 1);
  }
});
