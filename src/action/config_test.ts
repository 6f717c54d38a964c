/**
 * The Action reads the project's configuration exactly as the CLI does (real engine, real
 * PostgreSQL).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../drivers/connect.ts";
import { runAction, type TestRepo, testRepo } from "../_test_support/action_harness.ts";
import { runCli } from "../_test_support/cli_harness.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";

const INIT = {
  "migrations/001_init.up.sql": "CREATE TABLE init (id int);\n",
  "migrations/001_init.down.sql": "DROP TABLE init;\n",
};

/** `tide up` from the CLI on a fresh database, then the action in `mode` on it, which succeeds. */
async function afterCliUp(repo: TestRepo, mode: string) {
  const url = await testDatabaseUrl();
  const cli = await runCli(["up"], { cwd: repo.dir, env: { DATABASE_URL: url } });
  assert.equal(cli.code, 0, cli.stderr);
  const run = await runAction({ repo, engine: "real", inputs: { mode, "database-url": url } });
  assert.equal(run.code, 0, run.everything);
  return { url, run };
}

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
  const { url, run } = await afterCliUp(repo, "apply");
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

Deno.test("plan reads the migrations as the config says: its format and placeholders (real engine)", async () => {
  const config = { format: "flyway", placeholders: { table: "orders" } };
  await using repo = await testRepo({
    "tide.json": JSON.stringify(config),
    "migrations/V1__init.sql": "CREATE TABLE ${table} (id int);\n",
  }, {});
  const run = await runAction({
    repo,
    engine: "real",
    inputs: { mode: "plan", "database-url": await testDatabaseUrl() },
  });
  assert.equal(run.code, 0, run.everything);
  assert.match(run.summary, /```sql\nCREATE TABLE orders \(id int\);\n```/);
});

const MODULES = {
  "tide.json": JSON.stringify({ module: "app", modules: { auth: "vendor/auth" } }),
  "migrations/001_orders.up.sql": "-- tide:requires auth:001\n" +
    "CREATE TABLE orders (user_id int REFERENCES users (id));\n",
  "migrations/001_orders.down.sql": "DROP TABLE orders;\n",
  "vendor/auth/001_users.up.sql": "CREATE TABLE users (id int PRIMARY KEY);\n",
  "vendor/auth/001_users.down.sql": "DROP TABLE users;\n",
};

Deno.test("with modules in the config, apply and plan take every module as tide up does (real engine)", async () => {
  await using repo = await testRepo(MODULES, {});
  const url = await testDatabaseUrl();
  const act = (mode: string) =>
    runAction({ repo, engine: "real", inputs: { mode, "database-url": url } });
  const plan = await act("plan");
  assert.equal(plan.code, 0, plan.everything);
  assert.equal(plan.outputs.pending, "2");
  assert.deepEqual(JSON.parse(plan.outputs.versions), ["auth:001", "app:001"]);
  assert.match(plan.summary, /\| `auth:001` \| users \|\n\| `app:001` \| orders \|/);
  const run = await act("apply");
  assert.equal(run.code, 0, run.everything);
  assert.equal(run.outputs.applied, "2");
  assert.deepEqual(JSON.parse(run.outputs.versions), ["auth:001", "app:001"]);
  assert.deepEqual(await tables(url), [
    "orders",
    "tide_migration_log",
    "tide_migrations",
    "users",
  ]);
  const status = await runCli(["status", "--json"], { cwd: repo.dir, env: { DATABASE_URL: url } });
  assert.equal(JSON.parse(status.stdout).pending.length, 0, status.stdout);
});

Deno.test("with modules in the config, check verifies a migration that needs another module's tables (real engine)", async () => {
  await using repo = await testRepo({}, MODULES);
  const run = await runAction({ repo, engine: "real", inputs: { mode: "check" } });
  assert.equal(run.code, 0, run.everything);
  assert.doesNotMatch(run.everything, /does not exist/);
});

Deno.test("drift reads the tracking table and format the config names, as the CLI does (real engine)", async () => {
  const config = { table: "schema_migrations", format: "flyway", placeholders: { t: "init" } };
  await using repo = await testRepo({
    "tide.json": JSON.stringify(config),
    "migrations/V1__init.sql": "CREATE TABLE ${t} (id int);\n",
  }, {});
  const { run } = await afterCliUp(repo, "drift");
  assert.equal(run.outputs.drift, "false");
});

Deno.test("with modules in the config, drift builds every module's applied migrations (real engine)", async () => {
  await using repo = await testRepo(MODULES, {});
  const { run } = await afterCliUp(repo, "drift");
  assert.equal(run.outputs.drift, "false");
});
