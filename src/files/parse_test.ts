import assert from "node:assert/strict";
import { thrown } from "../_test_support/thrown.ts";
import type { MigrationErrorCode } from "../errors.ts";
import { isBlankSql, parseMigration } from "./parse.ts";

Deno.test("parseMigration() reads both sections of a single file with their positions", () => {
  const text =
    "-- Users.\n-- migrate:up\nCREATE TABLE users ();\n\n-- migrate:down\r\nDROP TABLE users;\n";
  const file = parseMigration(text, "m/001_users.sql", "single");
  assert.deepEqual(file.up, {
    path: "m/001_users.sql",
    sql: "CREATE TABLE users ();\n\n",
    line: 3,
    column: 1,
  });
  assert.deepEqual(file.down, {
    path: "m/001_users.sql",
    sql: "DROP TABLE users;\n",
    line: 6,
    column: 1,
  });
  assert.equal(file.noTransaction, false);
});

Deno.test("parseMigration() reads an up file whole, starting at line 1", () => {
  const text = "-- tide:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);\n";
  const file = parseMigration(text, "002_i.up.sql", "up");
  assert.deepEqual(file.up, { path: "002_i.up.sql", sql: text, line: 1, column: 1 });
  assert.equal(file.down, undefined);
  assert.equal(file.noTransaction, true);
});

Deno.test("parseMigration() accepts -- tide:allow before any statement, for tide lint", () => {
  const text =
    "-- migrate:up\nSELECT 1;\n-- tide:allow drop-table the table is unused\nDROP TABLE t;\n";
  const file = parseMigration(text, "001_x.sql", "single");
  assert.equal(file.noTransaction, false);
  assert.match(file.up?.sql ?? "", /tide:allow/);
});

Deno.test("parseMigration() finds no-transaction in directives and dbmate marker options", () => {
  const cases: [string, boolean][] = [
    ["-- tide:no-transaction\n-- migrate:up\nSELECT 1;", true],
    ["-- migrate:up\n-- tide:no-transaction\nSELECT 1;", true],
    ["-- migrate:up transaction:false\nSELECT 1;", true],
    ["-- migrate:up transaction:true\nSELECT 1;", false],
    ["-- migrate:up\nSELECT 1;\n-- migrate:down\n--tide:no-transaction\nSELECT 2;", true],
    ["-- migrate:up\nSELECT 1;\n-- migrate:down transaction:false\nSELECT 2;", true],
    ["-- migrate:up\nSELECT '-- tide:no-transaction';", false],
  ];
  for (const [text, noTransaction] of cases) {
    assert.equal(parseMigration(text, "001_x.sql", "single").noTransaction, noTransaction, text);
  }
});

Deno.test("parseMigration() leaves out a down that is missing, empty or only comments", () => {
  for (
    const text of [
      "-- migrate:up\nSELECT 1;",
      "-- migrate:up\nSELECT 1;\n-- migrate:down",
      "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- nothing to undo\n",
    ]
  ) {
    assert.equal(parseMigration(text, "001_x.sql", "single").down, undefined, text);
  }
  assert.equal(parseMigration("  \n-- none\n", "001_x.down.sql", "down").down, undefined);
});

Deno.test("parseMigration() rejects broken files with the code and position of the problem", () => {
  const cases: [string, MigrationErrorCode, number, number, RegExp][] = [
    ["CREATE TABLE t ();\n", "INVALID_SECTIONS", 1, 1, /no "-- migrate:up" line/],
    [
      "-- migrate:down\nDROP TABLE t;\n-- migrate:up\nCREATE TABLE t ();",
      "INVALID_SECTIONS",
      1,
      1,
      /comes before/,
    ],
    ["-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;", "INVALID_SECTIONS", 3, 1, /second time/],
    [
      "-- migrate:up\nA;\n-- migrate:down\nB;\n-- migrate:down\nC;",
      "INVALID_SECTIONS",
      5,
      1,
      /second time/,
    ],
    [
      "-- intro\n  SET x = 1;\n-- migrate:up\nSELECT 1;",
      "INVALID_SECTIONS",
      2,
      3,
      /belongs to no section/,
    ],
    ["-- migrate:sideways\nSELECT 1;", "INVALID_SECTIONS", 1, 1, /unknown section marker/],
    ["-- migrate:up transaction:maybe\nSELECT 1;", "INVALID_DIRECTIVE", 1, 1, /unknown option/],
    [
      "-- tide:notransaction\n-- migrate:up\nSELECT 1;",
      "INVALID_DIRECTIVE",
      1,
      1,
      /unknown directive/,
    ],
    [
      "-- migrate:up\nSELECT 1;\n-- tide:no-transaction\n",
      "INVALID_DIRECTIVE",
      3,
      1,
      /comes after SQL/,
    ],
    ["-- migrate:up\nSELECT * FROM {{tabels.x}};", "UNKNOWN_TEMPLATE", 2, 15, /unknown template/],
  ];
  for (const [text, code, line, column, message] of cases) {
    const error = thrown(() => parseMigration(text, "m/001_x.sql", "single"));
    assert.deepEqual([error.code, error.file, error.line, error.column], [
      code,
      "m/001_x.sql",
      line,
      column,
    ], text);
    assert.ok(
      error.message.includes(` m/001_x.sql:${line}:${column}: `),
      error.message,
    );
    assert.match(error.message, message);
  }
});

Deno.test("parseMigration() rejects section markers in an up or down file", () => {
  const error = thrown(() =>
    parseMigration("SELECT 1;\n-- migrate:down\nSELECT 2;", "001_x.up.sql", "up")
  );
  assert.equal(error.code, "INVALID_SECTIONS");
  assert.equal(error.line, 2);
  const down = thrown(() =>
    parseMigration("DROP TABLE t;\n\n-- migrate:up\nSELECT 2;", "001_x.down.sql", "down")
  );
  assert.deepEqual([down.code, down.line], ["INVALID_SECTIONS", 3]);
});

Deno.test("parseMigration() reads an up holding only comments as a no-op (issue 9 §3)", () => {
  const file = parseMigration("-- TODO\n/* later */\n", "001_x.up.sql", "up");
  assert.equal(file.up?.sql, "-- TODO\n/* later */\n");
  const single = parseMigration(
    "-- migrate:up\n-- just a comment\n\n-- migrate:down\nSELECT 1;",
    "001_x.sql",
    "single",
  );
  assert.equal(single.up?.line, 2);
  assert.equal(single.down?.sql, "SELECT 1;");
});

Deno.test("isBlankSql() sees through nested comments and empty statements to find SQL", () => {
  for (const text of ["/* a /* nested */ still comment */ ;\n", ";;\n-- x", "/* unterminated"]) {
    assert.equal(isBlankSql(text), true, text);
  }
  for (const text of ["/* a /* b */ c */ SELECT 1;", "-- c\n;SELECT 1", "/**/SELECT 1"]) {
    assert.equal(isBlankSql(text), false, text);
  }
  for (const text of ["/* a /* b */ c */ SELECT 1;", "-- c\n;SELECT 1", "/**/SELECT 1"]) {
    assert.equal(parseMigration(text, "001_x.up.sql", "up").up?.sql, text, text);
  }
});
