import { equal, match } from "node:assert/strict";
import { join } from "node:path";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { connect } from "../drivers/connect.ts";

Deno.test("bad setting flags exit 2 before anything touches the database", async (t) => {
  const cwd = await makeProject();
  const refused = async (args: string[], pattern: RegExp) => {
    const run = await runCli(["up", ...args], { cwd });
    equal(run.code, 2, run.stderr);
    match(run.stderr, pattern);
    // The embedded database was never opened, so nothing (a truncated schema) was created.
    await Deno.stat(join(cwd, ".tide")).then(() => {
      throw new Error(`.tide was created by up ${args.join(" ")}`);
    }, () => {});
  };
  try {
    await t.step(
      "a duration under a millisecond",
      () => refused(["--lock-timeout", "0.1ms"], /--lock-timeout .*rounds to 0/),
    );
    await t.step(
      "a duration above PostgreSQL's limit",
      () =>
        refused(["--statement-timeout", "99999999999"], /--statement-timeout .*at most 2147483647/),
    );
    await t.step(
      "a schema name longer than 63 bytes",
      () => refused(["--schema", "s".repeat(70)], /--schema is 70 bytes long/),
    );
    await t.step(
      "an empty schema name",
      () => refused(["--schema", ""], /--schema must not be empty/),
    );
    await t.step(
      "pg_catalog",
      () =>
        refused(["--schema", "pg_catalog"], /--schema .*reserved for PostgreSQL's system schemas/),
    );
    await t.step(
      "a table name whose log table would not fit",
      () => refused(["--table", "t".repeat(63)], /--table .*log table/),
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("--table naming an existing table that is not tide's is refused, on PGlite and PostgreSQL", async (t) => {
  for (const kind of ["pglite", "postgres"] as const) {
    await t.step(kind, async () => {
      const cwd = await makeProject();
      const url = kind === "pglite" ? "pglite://db" : await testDatabaseUrl();
      const open = () => connect(url, { cwd });
      try {
        await using driver = await open();
        await driver.exec("CREATE TABLE accounts (id int PRIMARY KEY, owner text)");
        await driver.close();
        for (const command of ["up", "status"]) {
          const run = await runCli([command, "--database-url", url, "--table", "accounts"], {
            cwd,
          });
          equal(run.code, 2, run.stderr);
          match(run.stderr, /"public"\."accounts", which exists and is not a tide tracking table/);
        }
        await using again = await open();
        const rows = await again.query<{ n: number }>("SELECT count(*)::int AS n FROM accounts");
        equal(rows[0].n, 0);
      } finally {
        await Deno.remove(cwd, { recursive: true });
      }
    });
  }
});

Deno.test("a NUL byte in a migration file is a load error naming the file and line", async () => {
  const cwd = await makeProject({ "001_a.up.sql": "create table a ();\nselect '\0';\n" });
  try {
    const run = await runCli(["validate"], { cwd });
    equal(run.code, 1);
    match(run.stderr, /001_a\.up\.sql:2:9: the file holds a NUL byte/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
