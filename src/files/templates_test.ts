import assert from "node:assert/strict";
import { thrown } from "../_test_support/thrown.ts";
import { MigrationError } from "../errors.ts";
import type { MigrationScript } from "./migration.ts";
import { renderScript } from "./templates.ts";

function script(sql: string, line = 1, column = 1): MigrationScript {
  return { path: "migrations/001_init.sql", sql, line, column };
}

Deno.test("renderScript() qualifies schema and table templates with the given schema", () => {
  const cases: [string, string | undefined, string][] = [
    ["CREATE SCHEMA {{schema}}", "app", 'CREATE SCHEMA "app"'],
    ["SET search_path = {{ schema }}", "app", 'SET search_path = "app"'],
    ["SELECT * FROM {{tables.users}}", "app", 'SELECT * FROM "app"."users"'],
    ["SELECT * FROM {{  tables.users  }}", "app", 'SELECT * FROM "app"."users"'],
    ["SELECT * FROM {{tables.users}}", undefined, 'SELECT * FROM "users"'],
    ["GRANT USAGE ON SCHEMA {{schema}}", undefined, 'GRANT USAGE ON SCHEMA "public"'],
    ["SELECT * FROM {{tables.Users-2024}}", "App", 'SELECT * FROM "App"."Users-2024"'],
    ["SELECT '{{schema}}' -- {{schema}}", "s", `SELECT '"s"' -- "s"`],
  ];
  for (const [sql, schema, expected] of cases) {
    assert.equal(renderScript(script(sql), { schema }).text, expected, sql);
  }
});

Deno.test("renderScript() doubles double quotes so names cannot inject SQL", () => {
  const rendered = renderScript(script('SELECT * FROM {{tables.a"b}}'), { schema: 'x"; DROP' });
  assert.equal(rendered.text, 'SELECT * FROM "x""; DROP"."a""b"');
});

Deno.test("renderScript() leaves array literals and other non-template braces alone", () => {
  const sql = "SELECT '{{1,2},{3,4}}'::int[], '{\"a\":{\"b\":1}}'::jsonb, '{{ }}', '{{1}}'";
  assert.equal(renderScript(script(sql), { schema: "s" }).text, sql);
});

Deno.test("renderScript() rejects an unknown template with its file, line and column", () => {
  const sql = "CREATE TABLE t ();\n-- 🐘\nALTER TABLE {{table.users}} ADD x int;";
  const error = thrown(() => renderScript(script(sql, 3, 1), {}));
  assert.equal(error.code, "UNKNOWN_TEMPLATE");
  assert.equal(error.file, "migrations/001_init.sql");
  assert.equal(error.line, 5);
  assert.equal(error.column, 13);
  assert.match(error.message, /001_init\.sql:5:13: unknown template "\{\{table\.users\}\}"/);
  assert.match(error.message, /\{\{tables\.<name>\}\}/);
});

Deno.test("renderScript() rejects schema and table names PostgreSQL cannot hold", () => {
  const invalid = (error: unknown) =>
    error instanceof MigrationError && error.code === "INVALID_IDENTIFIER";
  assert.throws(() => renderScript(script("SELECT 1"), { schema: "" }), invalid);
  assert.throws(() => renderScript(script("SELECT 1"), { schema: "a\0b" }), invalid);
  assert.throws(() => renderScript(script(`{{tables.${"x".repeat(64)}}}`), {}), invalid);
  assert.equal(renderScript(script(`{{tables.${"x".repeat(63)}}}`), {}).text.length, 65);
});

Deno.test("renderScript() maps rendered offsets back to the source text", () => {
  const sql = "INSERT INTO {{tables.users}} SELECT * FROM {{ tables.old }} WHERE bad";
  const rendered = renderScript(script(sql), { schema: "tenant" });
  const at = (needle: string) => rendered.sourceOffset(rendered.text.indexOf(needle));
  assert.equal(at("INSERT"), 0);
  assert.equal(at("SELECT"), sql.indexOf("SELECT"));
  assert.equal(at("WHERE bad"), sql.indexOf("WHERE bad"));
  // Inside a replacement: the start of the template.
  assert.equal(at('"users"'), sql.indexOf("{{tables.users}}"));
  assert.equal(rendered.sourceOffset(rendered.text.length), sql.length);
});

Deno.test("renderScript() without templates returns the text unchanged with an identity map", () => {
  const rendered = renderScript(script("SELECT 1;"), { schema: "s" });
  assert.equal(rendered.text, "SELECT 1;");
  assert.equal(rendered.sourceOffset(7), 7);
});
