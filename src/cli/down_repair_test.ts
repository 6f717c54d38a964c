import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { connect } from "../drivers/connect.ts";

const TWO = {
  "001_a.up.sql": "CREATE TABLE a (id int);\n",
  "001_a.down.sql": "DROP TABLE a;\n",
  "002_b.sql": "-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n",
};

/** Runs `body` on a project with `files`, on PGlite (a pglite:// directory) and PostgreSQL. */
async function onEachBackEnd(
  t: Deno.TestContext,
  files: Record<string, string>,
  body: (
    cli: (...args: string[]) => ReturnType<typeof runCli>,
    tables: () => Promise<string[]>,
    cwd: string,
  ) => Promise<void>,
): Promise<void> {
  for (const kind of ["pglite", "postgres"] as const) {
    await t.step(kind, async () => {
      const cwd = await makeProject(files);
      const url = kind === "pglite" ? "pglite://db" : await testDatabaseUrl();
      const tables = async () => {
        await using db = await connect(url, { cwd });
        const rows = await db.query<{ name: string }>(
          "SELECT table_name::text AS name FROM information_schema.tables " +
            "WHERE table_schema = 'public' ORDER BY 1",
        );
        return rows.map((r) => r.name);
      };
      try {
        await body((...args) => runCli([...args, "--database-url", url], { cwd }), tables, cwd);
      } finally {
        await Deno.remove(cwd, { recursive: true });
      }
    });
  }
}

Deno.test("down --count larger than what is applied refuses with exit 2 and rolls back nothing", (t) =>
  onEachBackEnd(t, TWO, async (cli, tables) => {
    equal((await cli("up")).code, 0);
    const run = await cli("down", "--count", "3");
    equal(run.code, 2, run.stderr);
    match(run.stderr, /--count 3.* only 2 migrations are applied/);
    deepEqual(await tables(), ["a", "b", "tide_migration_log", "tide_migrations"]);
  }));

Deno.test("a --to naming no version exits 2 before the tracking tables are created", (t) =>
  onEachBackEnd(t, TWO, async (cli, tables) => {
    for (const command of ["up", "down"]) {
      const run = await cli(command, "--to", "007");
      equal(run.code, 2, `${command}: ${run.stderr}`);
      match(run.stderr, /007/);
    }
    deepEqual(await tables(), []);
  }));

Deno.test("an edited down never blocks: status and validate report it, repair stores it and says so", (t) =>
  onEachBackEnd(t, TWO, async (cli, _tables, cwd) => {
    equal((await cli("up")).code, 0);
    await Deno.writeTextFile(join(cwd, "migrations/001_a.down.sql"), "DROP TABLE IF EXISTS a;\n");
    await Deno.writeTextFile(
      join(cwd, "migrations/002_b.sql"),
      "-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE IF EXISTS b;\n",
    );
    const status = await cli("status");
    equal(status.code, 0, status.stderr);
    match(status.stdout, /^001 +a +applied .*\(down changed since apply\)$/m);
    match(status.stdout, /^002 +b +applied .*\(down changed since apply\)$/m);
    ok(!/edited/.test(status.stdout), status.stdout);
    const json = JSON.parse((await cli("status", "--json")).stdout);
    deepEqual(json.edited, []);
    deepEqual(json.downChanged.map((e: { version: string }) => e.version), ["001", "002"]);
    const validate = await cli("validate");
    equal(validate.code, 0, validate.stderr);
    match(validate.stderr, /001_a\.down\.sql changed since 001 was applied/);
    const up = await cli("up");
    equal(up.code, 0, up.stderr);
    const repair = await cli("repair", "--yes");
    equal(repair.code, 0, repair.stderr);
    match(repair.stdout, /^Stored the new down SQL: 001 \(the checksum was already right\)$/m);
    ok(!/Re-recorded checksum/.test(repair.stdout), repair.stdout);
    ok(!/down changed/.test((await cli("status")).stdout));
  }));

Deno.test("each direction runs in a transaction or not by its own directive", (t) =>
  onEachBackEnd(t, {
    "001_a.up.sql":
      "-- tide:no-transaction\nCREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n",
    "001_a.down.sql": "DROP TABLE a;\nSELECT 1/0;\n",
  }, async (cli, tables) => {
    equal((await cli("up")).code, 0);
    equal((await cli("down")).code, 1);
    // The down ran in a transaction: its DROP was rolled back with the failure.
    deepEqual(await tables(), ["a", "tide_migration_log", "tide_migrations"]);
  }));
