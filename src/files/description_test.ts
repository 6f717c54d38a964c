import assert from "node:assert/strict";
import { describeCode, describeSql } from "./description.ts";
import { parseMigrationFiles } from "./load.ts";

Deno.test("describeSql() takes a -- Description: line, else the first comment's first sentence, only before the SQL", () => {
  const cases: [string, string | undefined][] = [
    ["-- Adds users\ncreate table users ();\n", "Adds users"],
    ["-- Index\n-- Description:   Speeds up logins  \nselect 1;", "Speeds up logins"],
    ["-- description: lower case label\nselect 1;", "lower case label"],
    ["-- tide:no-transaction\n-- Builds the index\nselect 1;", "Builds the index"],
    ["-- migrate:up\n-- Adds a column\nalter table t add c int;", "Adds a column"],
    ["-- +goose Up\n-- +goose StatementBegin\n-- Seeds\nselect 1;", "Seeds"],
    ["/* A block\n * comment */\nselect 1;", "A block comment"],
    [
      "-- Built so that writes are not\n-- blocked. Hence this.\nselect 1;",
      "Built so that writes are not blocked.",
    ],
    ["-- Index\n-- Speeds up logins\nselect 1;", "Index"],
    ["-- First. Second.\nselect 1;", "First."],
    ["\uFEFF--  With a BOM\nselect 1;", "With a BOM"],
    ["--\n-- \n-- Description:\n-- Second\nselect 1;", "Second"],
    ["create table t (); -- after the SQL", undefined],
    ["select 1;\n-- Description: after the SQL\n", undefined],
    ["", undefined],
  ];
  for (const [text, expected] of cases) assert.equal(describeSql(text), expected, text);
});

Deno.test("describeSql() leaves out the comments of the scaffolds tide writes", () => {
  const scaffold = "-- Write the change here. It runs in a transaction unless the first line is\n" +
    "-- `-- tide:no-transaction`.\n\ncreate table t ();\n";
  assert.equal(describeSql(scaffold), undefined);
  assert.equal(describeSql("-- Add up migration script here\nselect 1;"), undefined);
  assert.equal(describeSql(`-- Description: ${"x".repeat(300)}\n`)?.length, 200);
});

Deno.test("describeCode() reads // and /** */ comments before the first export", () => {
  const head = 'import type { MigrationContext } from "@tide/tide";\n';
  const cases: [string, string | undefined][] = [
    [`${head}// Description: Copies users\nexport async function up() {}`, "Copies users"],
    [`// First line\n${head}// Description: Wins\nexport function up() {}`, "Wins"],
    [`${head}/**\n * Seeds the graph.\n */\nexport function up() {}`, "Seeds the graph."],
    [`${head}export function up() {\n  // inside: not a description\n}`, undefined],
  ];
  for (const [text, expected] of cases) assert.equal(describeCode(text), expected, text);
});

Deno.test("loadMigrations() gives every format's migrations a description from their up", async () => {
  const file = (path: string, text: string) => ({ path, bytes: new TextEncoder().encode(text) });
  const tide = await parseMigrationFiles([
    file("db/001_a.sql", "-- Adds a\n-- migrate:up\ncreate table a ();\n-- migrate:down\n"),
    file("db/002_b.up.sql", "-- Description: Adds b\ncreate table b ();\n"),
    file("db/003_c.up.sql", "create table c ();\n"),
  ]);
  assert.deepEqual(tide.map((m) => m.description), ["Adds a", "Adds b", undefined]);
  const goose = await parseMigrationFiles([
    file("db/00001_a.sql", "-- +goose Up\n-- Adds a for goose\ncreate table a ();\n"),
  ], { format: "goose" });
  assert.equal(goose[0].description, "Adds a for goose");
});
