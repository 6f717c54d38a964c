/**
 * tide run by a role that may do only what its migrations need: the tracking tables are created
 * only when missing, and a missing privilege is named with the GRANT that gives it.
 */
import assert from "node:assert/strict";
import { connect } from "../drivers/connect.ts";
import type { Driver } from "../drivers/driver.ts";
import { loadMigrations } from "../files/load.ts";
import { Migrator } from "./migrator.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { writeMigrations } from "../_test_support/scenario.ts";

/** A new login role on the test server, and a URL of `url`'s database that logs in as it. */
async function newRole(admin: Driver, url: string): Promise<{ role: string; url: string }> {
  const role = `tide_app_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await admin.exec(`create role ${role} login`);
  const asRole = new URL(url);
  asRole.username = role;
  return { role, url: asRole.href };
}

async function upAs(url: string, files: Record<string, string>) {
  await using driver = await connect(url);
  const migrator = new Migrator({
    driver,
    migrations: await loadMigrations(await writeMigrations(files)),
  });
  return await migrator.up();
}

Deno.test("a role with USAGE and CREATE on the schema, but not CREATE on the database, can run up", async () => {
  const url = await testDatabaseUrl();
  await using admin = await connect(url);
  const app = await newRole(admin, url);
  await admin.exec(`grant usage, create on schema public to ${app.role}`);
  const result = await upAs(app.url, { "001_items.up.sql": "create table items (id int);" });
  assert.deepEqual(result.steps.map((s) => s.version), ["001"]);
  const owner = await admin.query(
    "select tableowner::text as o from pg_tables where tablename = 'tide_migrations'",
  );
  assert.deepEqual(owner, [{ o: app.role }]);
});

Deno.test("a role with only USAGE on the schema runs up on tracking tables created for it", async () => {
  const url = await testDatabaseUrl();
  await using admin = await connect(url);
  await upAs(url, { "001_items.up.sql": "create table items (id int);" });
  const app = await newRole(admin, url);
  await admin.exec(`grant usage on schema public to ${app.role};
    grant all on tide_migrations, tide_migration_log, items to ${app.role}`);
  const result = await upAs(app.url, {
    "001_items.up.sql": "create table items (id int);",
    "002_seed.up.sql": "insert into items values (1);",
  });
  assert.deepEqual(result.steps.map((s) => s.version), ["002"]);
});

Deno.test("a missing privilege on the tracking tables is named, with the GRANT that gives it", async (t) => {
  const url = await testDatabaseUrl();
  await using admin = await connect(url);
  const files = { "001_items.up.sql": "select 1;" };
  await t.step("no CREATE on the schema for missing tables", async () => {
    const app = await newRole(admin, url);
    await admin.exec(`grant usage on schema public to ${app.role}`);
    await assert.rejects(() => upAs(app.url, files), (error: Error & { code?: string }) => {
      assert.equal(error.code, "INSUFFICIENT_PRIVILEGE", error.message);
      assert.match(error.message, /CREATE on schema public/);
      assert.match(error.message, new RegExp(`GRANT CREATE ON SCHEMA "public" TO "${app.role}";`));
      return true;
    });
  });
  await t.step("no CREATE on the database for a missing schema", async () => {
    const app = await newRole(admin, url);
    await using driver = await connect(app.url);
    const migrator = new Migrator({
      driver,
      migrations: await loadMigrations(await writeMigrations(files)),
      schema: "tide_meta",
    });
    await assert.rejects(() => migrator.up(), (error: Error & { code?: string }) => {
      assert.equal(error.code, "INSUFFICIENT_PRIVILEGE", error.message);
      assert.match(error.message, /GRANT CREATE ON DATABASE "tide_test_\w+" TO "tide_app_\w+";/);
      assert.match(error.message, /CREATE SCHEMA "tide_meta" AUTHORIZATION/);
      return true;
    });
  });
  await t.step("no UPDATE and DELETE on the tracking table", async () => {
    await upAs(url, files);
    const app = await newRole(admin, url);
    await admin.exec(`grant usage on schema public to ${app.role};
      grant select, insert on tide_migrations, tide_migration_log to ${app.role}`);
    await assert.rejects(() => upAs(app.url, { ...files, "002_b.up.sql": "select 2;" }), (
      error: Error & { code?: string },
    ) => {
      assert.equal(error.code, "INSUFFICIENT_PRIVILEGE", error.message);
      assert.match(error.message, /UPDATE, DELETE on table public\.tide_migrations/);
      assert.match(
        error.message,
        new RegExp(`GRANT UPDATE, DELETE ON "public"."tide_migrations" TO "${app.role}";`),
      );
      return true;
    });
  });
});
