import assert from "node:assert/strict";
import { splitStatements } from "./split.ts";

/** The texts of the statements, for compact expectations. */
function texts(sql: string): string[] {
  return splitStatements(sql).map((statement) => statement.text);
}

Deno.test("splitStatements() splits on semicolons and keeps each statement's offset", () => {
  const sql = "CREATE TABLE a (id int);\n\n  CREATE TABLE b (id int);";
  const statements = splitStatements(sql);
  assert.deepEqual(statements, [
    { text: "CREATE TABLE a (id int)", offset: 0 },
    { text: "CREATE TABLE b (id int)", offset: 28 },
  ]);
  for (const { text, offset } of statements) {
    assert.equal(sql.slice(offset, offset + text.length), text);
  }
});

Deno.test("splitStatements() ignores semicolons inside quotes, comments and dollar quotes", () => {
  const cases: [string, string[]][] = [
    ["SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", "SELECT 2"]],
    ["SELECT 'it''s; ok'; SELECT 2", ["SELECT 'it''s; ok'", "SELECT 2"]],
    ["SELECT E'\\';'; SELECT 2", ["SELECT E'\\';'", "SELECT 2"]],
    ["SELECT e'\\\\'; SELECT 2", ["SELECT e'\\\\'", "SELECT 2"]],
    ['SELECT 1 AS "a;""b"; SELECT 2', ['SELECT 1 AS "a;""b"', "SELECT 2"]],
    ["SELECT 1 -- x; y\n; SELECT 2", ["SELECT 1 -- x; y", "SELECT 2"]],
    ["SELECT /* a /* b; */ c; */ 1; SELECT 2", ["SELECT /* a /* b; */ c; */ 1", "SELECT 2"]],
    ["DO $$ BEGIN PERFORM 1; END $$; SELECT 2", ["DO $$ BEGIN PERFORM 1; END $$", "SELECT 2"]],
    [
      "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT $$;$$; $fn$ LANGUAGE sql; SELECT 2",
      ["CREATE FUNCTION f() RETURNS int AS $fn$ SELECT $$;$$; $fn$ LANGUAGE sql", "SELECT 2"],
    ],
    ["CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3", [
      "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)",
      "SELECT 3",
    ]],
  ];
  for (const [sql, expected] of cases) assert.deepEqual(texts(sql), expected, sql);
});

Deno.test("splitStatements() does not mistake a plain string ending in E for an escape string", () => {
  // With standard strings a backslash is an ordinary character, so the ; after it splits.
  assert.deepEqual(texts("SELECT 'E\\'; SELECT 2"), ["SELECT 'E\\'", "SELECT 2"]);
  assert.deepEqual(texts("SELECT name'\\'; SELECT 2"), ["SELECT name'\\'", "SELECT 2"]);
});

Deno.test("splitStatements() does not take $1 parameters or $ inside words for dollar quotes", () => {
  assert.deepEqual(texts("SELECT $1; SELECT a$b$c; SELECT 3"), [
    "SELECT $1",
    "SELECT a$b$c",
    "SELECT 3",
  ]);
});

Deno.test("splitStatements() keeps a BEGIN ATOMIC function body whole, like psql", () => {
  const body = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; " +
    "SELECT CASE WHEN true THEN 2 END; END";
  assert.deepEqual(texts(`${body}; BEGIN; SELECT 3; COMMIT;`), [
    body,
    "BEGIN",
    "SELECT 3",
    "COMMIT",
  ]);
});

Deno.test("splitStatements() drops pieces holding only whitespace and comments", () => {
  assert.deepEqual(texts(""), []);
  assert.deepEqual(texts("  ;\n; -- nothing\n/* still nothing */;"), []);
  assert.deepEqual(texts("-- lead\nSELECT 1;\n-- trailing comment"), ["-- lead\nSELECT 1"]);
});

Deno.test("splitStatements() keeps an unterminated quote to the end as one statement", () => {
  assert.deepEqual(texts("SELECT 1; SELECT 'oops; SELECT 3"), [
    "SELECT 1",
    "SELECT 'oops; SELECT 3",
  ]);
  assert.deepEqual(texts("SELECT $x$ never closed; x"), ["SELECT $x$ never closed; x"]);
});

Deno.test("splitStatements() reports offsets in UTF-16 code units after astral characters", () => {
  const sql = "SELECT '🐘';\nSELECT 2";
  const [, second] = splitStatements(sql);
  assert.equal(second.offset, sql.indexOf("SELECT 2"));
});
