/**
 * The Action reads the project's configuration exactly as the CLI does (real engine, real
 * PostgreSQL).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../drivers/connect.ts";
import { runAction, testRepo } from "../_test_support/action_harness.ts";
import { runCli } from "../_test_support/cli_harness.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";

const INIT = {
  "migrations/001_init.up.sql": "CREATE TABLE init (id int);\n",
  "migrations/001_init.down.sql": "DROP TABLE init;\n",
};

async function tables(url: string): Promise<string[]> {
  await using db = await connect(url);
  const rows = await db.query<{ name: string }>(
    "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  return rows.map((row) => row.name);
}

Deno.test("apply after the CLI's tide up uses the tracking table tide.json names, and re-runs nothing", async () => {
  await using repo = await testRepo(
    { ...INIT, "tide.json": JSON.stringify({ table: "schema_migrations" }) },
    {},
  );
  const url = await testDatabaseUrl();
  const cli = await runCli(["up"], { cwd: repo.dir, env: { DATABASE_URL: url } });
  assert.equal(cli.code, 0, cli.stderr);
  const run = await runAction({
    repo,
    engine: "real",
    inputs: { mode: "apply", "database-url": url },
  });
  assert.equal(run.code, 0, run.everything);
  assert.equal(run.outputs.applied, "0");
  assert.deepEqual(await tables(url), ["init", "schema_migrations", "schema_migrations_log"]);
});

Deno.test("apply reads an environment of the config file: its URL variable and protected settings", async () => {
  const config = {
    table: "schema_migrations",
    environments: { production: { databaseUrl: "${PROD_URL}", lockTimeoutMs: 5000 } },
  };
  await using repo = await testRepo({ ...INIT, "db/tide.json": JSON.stringify(config) }, {});
  await Deno.rename(join(repo.dir, "migrations"), join(repo.dir, "db", "migrations"));
  const url = await testDatabaseUrl();
  const run = await runAction({
    repo,
    engine: "real",
    env: { PROD_URL: url },
    inputs: { mode: "apply", environment: "production", "working-directory": "db" },
  });
  assert.equal(run.code, 0, run.everything);
  assert.equal(run.outputs.applied, "1");
  assert.deepEqual(await tables(url), ["init", "schema_migrations", "schema_migrations_log"]);
});

Deno.test("apply refuses a database whose schema has tables but not the tracking table (real engine)", async () => {
  await using repo = await testRepo(INIT, {});
  const url = await testDatabaseUrl();
  {
    await using db = await connect(url);
    await db.exec("CREATE TABLE legacy_users (id int)");
  }
  const run = await runAction({
    repo,
    engine: "real",
    inputs: { mode: "apply", "database-url": url },
  });
  assert.equal(run.code, 1);
  assert.match(
    run.stdout,
    /::error::Refusing to apply: .*public\.tide_migrations.*\(legacy_users\)/,
  );
  assert.deepEqual(await tables(url), ["legacy_users"]);
});

Deno.test("plan lists what apply would run on the real engine, and apply then runs exactly that", async () => {
  await using repo = await testRepo(INIT, {
    "migrations/002_users.up.sql": "CREATE TABLE {{tables.users}} (id int);\n",
    "migrations/002_users.down.sql": "DROP TABLE users;\n",
  });
  const url = await testDatabaseUrl();
  const cli = await runCli(["up", "--to", "001"], { cwd: repo.dir, env: { DATABASE_URL: url } });
  assert.equal(cli.code, 0, cli.stderr);
  const plan = await runAction({
    repo,
    engine: "real",
    inputs: { mode: "plan", "database-url": url },
  });
  assert.equal(plan.code, 0, plan.everything);
  assert.deepEqual(JSON.parse(plan.outputs.versions), ["002"]);
  // No schema given: the template stays unqualified, as `tide up` renders it.
  assert.match(plan.summary, /CREATE TABLE "users" \(id int\);/);
  assert.deepEqual(await tables(url), ["init", "tide_migration_log", "tide_migrations"]);
  const apply = await runAction({
    repo,
    engine: "real",
    inputs: { mode: "apply", "database-url": url },
  });
  assert.deepEqual(JSON.parse(apply.outputs.versions), ["002"]);
});
