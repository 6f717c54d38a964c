/** The plan mode, the untracked-schema refusal and the configuration, with the fake engine. */
import assert from "node:assert/strict";
import { runAction, testRepo } from "../_test_support/action_harness.ts";

const INIT = {
  "migrations/001_init.up.sql": "CREATE TABLE init (id int);\n",
  "migrations/001_init.down.sql": "DROP TABLE init;\n",
};
const USERS = {
  "migrations/002_users.up.sql": "CREATE TABLE users (id int);\n",
  "migrations/002_users.down.sql": "DROP TABLE users;\n",
};
const URL = "postgres://app:s3cret@127.0.0.1:5/app";

/** The options the fake engine logged for `call`. */
function logged(stdout: string, call: "plan" | "migrate"): Record<string, unknown> {
  const line = stdout.split("\n").find((l) => l.startsWith(`fake engine ${call}: `));
  assert.ok(line, `the engine's ${call} was called`);
  return JSON.parse(line.slice(`fake engine ${call}: `.length));
}

Deno.test("the plan mode lists the pending migrations with their SQL in the summary and applies nothing", async () => {
  await using repo = await testRepo(INIT, USERS);
  const run = await runAction({ repo, inputs: { mode: "plan", "database-url": URL } });
  assert.equal(run.code, 0, run.everything);
  assert.equal(run.outputs.pending, "2");
  assert.deepEqual(JSON.parse(run.outputs.versions), ["001", "002"]);
  assert.match(run.summary, /### 📋 tide: 2 migrations to apply/);
  assert.match(run.summary, /Database: `postgres:\/\/app:\*\*\*@127\.0\.0\.1:5\/app`/);
  assert.match(run.summary, /```sql\nCREATE TABLE users \(id int\);\n```/);
  assert.equal(run.outputs.applied, undefined);
  assert.doesNotMatch(run.stdout, /fake engine migrate/);
  assert.ok(!run.everything.includes("s3cret"));
});

Deno.test("the apply mode refuses a schema that holds tables but not the tracking table, naming baseline", async () => {
  await using repo = await testRepo(INIT, {});
  const run = await runAction({
    repo,
    inputs: { mode: "apply", "database-url": "postgres://app@127.0.0.1:5/untracked" },
  });
  assert.equal(run.code, 1);
  assert.match(
    run.stdout,
    /::error::Refusing to apply: the tracking table public\.tide_migrations/,
  );
  assert.match(run.stdout, /legacy_users, legacy_orders/);
  assert.match(run.stdout, /tide baseline <version>/);
  assert.match(run.stdout, /tide adopt/);
  assert.doesNotMatch(run.stdout, /fake engine migrate/);
  assert.match(run.summary, /### ❌ tide: migrating failed/);
});

Deno.test("the plan mode fails on an untracked schema too", async () => {
  await using repo = await testRepo(INIT, {});
  const run = await runAction({
    repo,
    inputs: { mode: "plan", "database-url": "postgres://app@127.0.0.1:5/untracked" },
  });
  assert.equal(run.code, 1);
  assert.match(run.summary, /### ❌ tide: planning failed/);
});

Deno.test("apply passes the settings of tide.json to the engine, inputs overriding them", async () => {
  const config = {
    dir: "db",
    table: "schema_migrations",
    lockTimeoutMs: 2000,
    allowOutOfOrder: true,
    environments: { production: { schema: "app", statementTimeoutMs: 60_000 } },
  };
  await using repo = await testRepo({
    "tide.json": JSON.stringify(config),
    "db/001_init.up.sql": "CREATE TABLE init (id int);\n",
  }, {});
  const run = await runAction({
    repo,
    inputs: { mode: "apply", "database-url": URL, environment: "production", "lock-timeout": "5s" },
  });
  assert.equal(run.code, 0, run.everything);
  const options = logged(run.stdout, "migrate");
  assert.equal(options.dir, `${repo.dir}/db`);
  assert.equal(options.table, "schema_migrations");
  assert.equal(options.schema, "app");
  assert.equal(options.lockTimeoutMs, 5000);
  assert.equal(options.statementTimeoutMs, 60_000);
  assert.equal(options.allowOutOfOrder, true);
  assert.deepEqual(logged(run.stdout, "plan"), options);
  assert.equal(run.outputs.applied, "1");
});

Deno.test("apply takes DATABASE_URL from the job's environment when no input gives one", async () => {
  await using repo = await testRepo(INIT, {});
  const run = await runAction({ repo, env: { DATABASE_URL: URL }, inputs: { mode: "apply" } });
  assert.equal(run.code, 0, run.everything);
  assert.ok(run.stdout.includes("::add-mask::s3cret"), "the password is masked");
  assert.ok(!run.everything.includes("s3cret"));
});

Deno.test("the check mode reads the migrations directory from the project's config", async () => {
  await using repo = await testRepo(
    { "tide.json": JSON.stringify({ dir: "sql" }), "sql/001_init.up.sql": "CREATE TABLE a ();\n" },
    { "sql/002_b.up.sql": "CREATE TABLE b ();\n", "sql/002_b.down.sql": "DROP TABLE b;\n" },
  );
  const run = await runAction({ repo, inputs: { mode: "check", comment: "false" } });
  assert.equal(run.code, 0, run.everything);
  const versions = JSON.parse(run.outputs.migrations).map((m: { version: string }) => m.version);
  assert.deepEqual(versions, ["002"]);
});
