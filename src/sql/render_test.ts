import assert from "node:assert/strict";
import {
  identifier,
  inlined,
  joinSql,
  type Literal,
  parameterised,
  SERVER,
  type Sql,
  sql,
} from "./render.ts";

const ELAPSED = SERVER.elapsedMs.sql;

Deno.test("sql renders values as literals inline and as numbered parameters otherwise", () => {
  const cases: [string, Sql, string, string, Literal[]][] = [
    ["a quote", sql`SELECT ${"it's"}`, "SELECT 'it''s'", "SELECT $1", ["it's"]],
    ["a backslash", sql`SELECT ${"a\\b"}`, "SELECT E'a\\\\b'", "SELECT $1", ["a\\b"]],
    ["null", sql`SELECT ${null}`, "SELECT NULL", "SELECT $1", [null]],
    ["booleans", sql`${true}, ${false}`, "TRUE, FALSE", "$1, $2", [true, false]],
    ["a number", sql`LIMIT ${42}`, "LIMIT 42", "LIMIT $1", [42]],
    [
      "a date",
      sql`SELECT ${new Date(0)}`,
      "SELECT '1970-01-01T00:00:00.000Z'::timestamptz",
      "SELECT $1",
      [new Date(0)],
    ],
    [
      "a schema named a$1, and $1 in a value",
      sql`SELECT * FROM ${identifier("a$1", 't"x')} WHERE v = ${"$1"} AND w = ${2}`,
      `SELECT * FROM "a$1"."t""x" WHERE v = '$1' AND w = 2`,
      `SELECT * FROM "a$1"."t""x" WHERE v = $1 AND w = $2`,
      ["$1", 2],
    ],
    [
      "server values, the same text in both",
      sql`SELECT ${SERVER.elapsedMs}, ${"x"}, ${SERVER.statementTime}`,
      `SELECT ${ELAPSED}, 'x', statement_timestamp()`,
      `SELECT ${ELAPSED}, $1, statement_timestamp()`,
      ["x"],
    ],
    [
      "nested and joined SQL, numbered in text order",
      sql`${joinSql([sql`a = ${1}`, sql`b = ${SERVER.transactionTime}`, sql`c = ${3}`], " AND ")}`,
      "a = 1 AND b = now() AND c = 3",
      "a = $1 AND b = now() AND c = $2",
      [1, 3],
    ],
  ];
  for (const [what, statement, inline, text, params] of cases) {
    assert.equal(inlined(statement), inline, what);
    assert.deepEqual(parameterised(statement), { sql: text, params }, what);
  }
});

Deno.test("sql refuses a NUL character, NaN and an invalid date in both forms", () => {
  for (const value of ["a\0b", Number.NaN, new Date("not a date")]) {
    const statement = sql`SELECT ${value}`;
    assert.throws(() => inlined(statement), String(value));
    assert.throws(() => parameterised(statement), String(value));
  }
});

Deno.test("joinSql() of nothing is empty SQL", () => {
  assert.deepEqual(parameterised(joinSql([], ", ")), { sql: "", params: [] });
});
