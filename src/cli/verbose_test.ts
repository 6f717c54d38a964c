import { deepEqual, doesNotMatch, equal, match } from "node:assert/strict";
import { onEachCliDatabase } from "../_test_support/cli_databases.ts";

const FILES = {
  "001_users.up.sql": "create table users (id int);\n\ninsert into users\n  values (1);\n",
  "001_users.down.sql": "drop table users;\n",
  "002_code.ts": "export async function up(ctx) {\n  await ctx.sql`CREATE TABLE b (id int)`;\n}\n" +
    "export async function down(ctx) {\n  await ctx.sql`DROP TABLE b`;\n}\n",
};

/** A statement line as `--verbose` prints it: indented, its time at its end. */
const TIMED = / {2}-- \d+(\.\d+)?m?s$/;

Deno.test("up, down, redo and reset --verbose echo each statement with its time", async (t) => {
  await onEachCliDatabase(t, FILES, async ({ tide }) => {
    const up = await tide("up", "--verbose");
    equal(up.code, 0, up.stderr);
    const lines = up.stdout.split("\n");
    const first = lines.indexOf("Applying: 001_users");
    deepEqual(lines.slice(first, first + 5).map((line) => line.replace(TIMED, "  -- T")), [
      "Applying: 001_users",
      "    create table users (id int)  -- T",
      "    insert into users",
      "      values (1)  -- T",
      lines[first + 4],
    ]);
    match(lines[first + 4], /^Applied: 001_users in /);
    match(up.stdout, /^Applying: 002_code\n {4}CREATE TABLE b \(id int\) {2}-- \S+$/m);

    for (const command of ["down", "redo", "reset"]) {
      const run = await tide(command, "--verbose");
      equal(run.code, 0, run.stderr);
      match(run.stdout, /^Rolling back: 002_code\n {4}DROP TABLE b {2}-- \S+$/m, command);
      if (command === "down") equal((await tide("up")).code, 0);
    }
    const reset = await tide("reset", "--verbose");
    match(reset.stdout, /^Rolling back: 001_users\n {4}drop table users {2}-- \S+$/m);
    match(reset.stdout, /^Applying: 001_users\n {4}create table users \(id int\) {2}-- /m);

    const quiet = await tide("redo");
    doesNotMatch(quiet.stdout, /^ {4}/m, "statements only with --verbose");
  });
});

Deno.test("--verbose --json lists each step's statements with their times", async (t) => {
  await onEachCliDatabase(t, FILES, async ({ tide }) => {
    const run = await tide("up", "--verbose", "--json");
    equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout);
    const statements = json.migrations.map((m: { statements: { sql: string }[] }) =>
      m.statements.map((s) => s.sql)
    );
    deepEqual(statements, [
      ["create table users (id int)", "insert into users\n  values (1)"],
      ["CREATE TABLE b (id int)"],
    ]);
    equal(typeof json.migrations[0].statements[0].durationMs, "number");
    const plain = JSON.parse((await tide("down", "--json")).stdout);
    equal("statements" in plain.migrations[0], false);
  }, ["pglite"]);
});
