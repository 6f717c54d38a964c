import { deepEqual, equal, match } from "node:assert/strict";
import { connect } from "../drivers/connect.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import {
  assertGolden,
  makeProject,
  normalize,
  runCli,
  withoutDatabaseLine,
} from "../_test_support/cli_harness.ts";

/** A project golang-migrate ran: its layout, its table at version 2. */
const FILES = {
  "000001_create_users.up.sql": "create table users (id bigint primary key);\n",
  "000001_create_users.down.sql": "drop table users;\n",
  "000002_add_email.up.sql": "alter table users add column email text;\n",
  "000002_add_email.down.sql": "alter table users drop column email;\n",
  "000003_create_posts.up.sql": "create table posts (id bigint primary key);\n",
  "000003_create_posts.down.sql": "drop table posts;\n",
};

const SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations
  (version bigint not null primary key, dirty boolean not null)`;

async function golangMigrateProject() {
  const cwd = await makeProject(FILES);
  const env = { DATABASE_URL: await testDatabaseUrl() };
  await using db = await connect(env.DATABASE_URL);
  await db.exec(`${SCHEMA_MIGRATIONS}; INSERT INTO schema_migrations VALUES (2, false);
    CREATE TABLE users (id bigint primary key, email text)`);
  return { cwd, env, tide: (...args: string[]) => runCli(args, { cwd, env }) };
}

Deno.test("tide adopt --from golang-migrate records what golang-migrate applied, and status shows it", async (t) => {
  const { cwd, env, tide } = await golangMigrateProject();
  try {
    await t.step("--dry-run prints what it would record and writes nothing", async () => {
      const run = await tide("adopt", "--from", "golang-migrate", "--dry-run");
      equal(run.code, 0, run.stderr);
      await assertGolden("adopt_dry_run.txt", normalize(run.stdout));
      const status = JSON.parse((await tide("status", "--json")).stdout);
      deepEqual(status.applied, []);
    });

    await t.step("it prints each migration it records", async () => {
      const run = await tide("adopt", "--from", "golang-migrate");
      equal(run.code, 0, run.stderr);
      equal(withoutDatabaseLine(run.stderr), "");
      await assertGolden("adopt.txt", normalize(run.stdout));
    });

    await t.step("status then shows golang-migrate's applied set, and up the rest", async () => {
      const status = JSON.parse((await tide("status", "--json")).stdout);
      deepEqual(status.applied.map((m: { version: string }) => m.version), ["000001", "000002"]);
      deepEqual(status.pending.map((m: { version: string }) => m.version), ["000003"]);
      const up = await tide("up");
      equal(up.code, 0, up.stderr);
      match(up.stdout, /^Applied: 000003_create_posts in \d+ms$/m);
      const history = JSON.parse((await tide("history", "--json")).stdout);
      deepEqual(
        history.entries.map((e: { action: string; version: string }) => `${e.action} ${e.version}`),
        ["adopt 000001", "adopt 000002", "up 000003"],
      );
    });

    await t.step("--json run again: nothing new, and what tide applied since is kept", async () => {
      const run = await tide("adopt", "--from", "golang-migrate", "--json");
      equal(run.code, 0, run.stderr);
      await assertGolden("adopt.json", normalize(run.stdout));
      const text = await tide("adopt", "--from", "golang-migrate");
      equal(
        text.stdout,
        "Nothing to adopt: every migration golang-migrate applied is already in tide's ledger.",
      );
      equal(
        withoutDatabaseLine(text.stderr),
        "warning: 000003_create_posts is in tide's ledger but not applied according to golang-migrate; kept.",
      );
      await using db = await connect(env.DATABASE_URL);
      deepEqual(await db.query("SELECT version::text, dirty FROM schema_migrations"), [
        { version: "2", dirty: false },
      ]);
    });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("tide adopt --json on a fresh ledger lists each migration with its file", async () => {
  const { cwd, tide } = await golangMigrateProject();
  try {
    const run = await tide("adopt", "--from", "golang-migrate", "--dry-run", "--json");
    equal(run.code, 0, run.stderr);
    await assertGolden("adopt_dry_run.json", normalize(run.stdout));
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("tide adopt refuses a dirty golang-migrate table and an unknown tool", async () => {
  const { cwd, env, tide } = await golangMigrateProject();
  try {
    await using db = await connect(env.DATABASE_URL);
    await db.exec("UPDATE schema_migrations SET version = 3, dirty = true");
    const dirty = await tide("adopt", "--from", "golang-migrate");
    equal(dirty.code, 1);
    match(
      withoutDatabaseLine(dirty.stderr),
      /^error: Cannot adopt from golang-migrate: its table shows version 3 dirty/,
    );
    const json = JSON.parse((await tide("adopt", "--from", "golang-migrate", "--json")).stdout);
    equal(json.error.code, "ADOPT_DIRTY");
    const unknown = await tide("adopt", "--from", "rails");
    equal(unknown.code, 2);
    match(
      unknown.stderr,
      /^error: tide adopt needs --from TOOL, one of golang-migrate, goose, .*, got "rails"\./,
    );
    equal((await tide("adopt")).code, 2);
    deepEqual(JSON.parse((await tide("history", "--json")).stdout).entries, []);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("tide adopt warns of a file changed since Flyway applied it, by Flyway's checksum", async () => {
  const cwd = await makeProject({
    "V1__create_users.sql": "create table users (id bigint primary key);\n",
    "V2__add_email.sql": "alter table users add column email text;\n-- and an index, later\n",
  });
  const env = { DATABASE_URL: await testDatabaseUrl() };
  try {
    await using db = await connect(env.DATABASE_URL);
    // Flyway's CRC-32 of both files as it applied them: V2 had no comment then.
    await db.exec(`CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY,
        version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,
        script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,
        installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL,
        success boolean NOT NULL);
      INSERT INTO flyway_schema_history VALUES
        (1, '1', 'create users', 'SQL', 'V1__create_users.sql', -2060162605, 'app', now(), 5, true),
        (2, '2', 'add email', 'SQL', 'V2__add_email.sql', -1929901731, 'app', now(), 3, true)`);
    const run = await runCli(["adopt", "--from", "flyway", "--dry-run"], { cwd, env });
    equal(run.code, 0, run.stderr);
    match(
      withoutDatabaseLine(run.stderr),
      /^warning: \S*migrations\/V2__add_email\.sql changed since flyway applied it \(flyway's checksum -1929901731, the file's now -?\d+\): the database holds the version flyway ran/,
    );
    const json = JSON.parse(
      (await runCli(["adopt", "--from", "flyway", "--json"], { cwd, env })).stdout,
    );
    deepEqual(json.changed.map((m: { file: string }) => m.file), ["V2__add_email.sql"]);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
