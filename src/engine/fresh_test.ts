import assert from "node:assert/strict";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import { Migrator } from "./migrator.ts";

// No downs: fresh needs none.
const FILES = {
  "001_users.up.sql": "create table users (id int);\ninsert into users values (1);\n",
  "002_billing.up.sql": "create schema billing;\ncreate table billing.invoices (id int);\n",
};

async function found(driver: Driver, name: string): Promise<boolean> {
  const [{ found }] = await driver.query<{ found: boolean }>(
    "select to_regclass($1) is not null as found",
    [name],
  );
  return found;
}

Deno.test("fresh() drops the managed schemas' objects and applies every migration again", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations(FILES);
    try {
      const migrator = new Migrator({ driver, migrations: await loadMigrations(dir) });
      await migrator.up();
      await driver.exec(
        "insert into users values (2); create table scratch (id int);" +
          "create table billing.notes (id int); comment on schema public is 'kept';",
      );
      const result = await migrator.fresh();
      assert.deepEqual(result.schemas, ["public", "billing"]);
      assert.deepEqual(result.steps.map((s) => s.version), ["001", "002"]);
      assert.equal(await found(driver, "scratch"), false, "objects no migration made go too");
      assert.equal(await found(driver, "billing.notes"), false);
      assert.equal(await found(driver, "billing.invoices"), true);
      assert.deepEqual(await driver.query("select id from users"), [{ id: 1 }]);
      const [{ comment }] = await driver.query<{ comment: string }>(
        "select obj_description('public'::regnamespace, 'pg_namespace') as comment",
      );
      assert.equal(comment, "kept", "public is created again as it was");
      const status = await migrator.status();
      assert.deepEqual(status.applied.map((e) => e.version), ["001", "002"]);
      // The log starts again with the schema: the old tables were dropped with it.
      const history = await migrator.history();
      assert.deepEqual(history.map((e) => `${e.action} ${e.version}`), ["up 001", "up 002"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("fresh() in a dry run drops nothing and lists every migration", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations(FILES);
    try {
      const migrator = new Migrator({ driver, migrations: await loadMigrations(dir) });
      await migrator.up({ to: "001" });
      await driver.exec("create table scratch (id int)");
      const result = await migrator.fresh({ dryRun: true });
      assert.equal(result.dryRun, true);
      assert.deepEqual(result.steps.map((s) => s.version), ["001", "002"]);
      assert.equal(await found(driver, "scratch"), true);
      assert.deepEqual((await migrator.status()).pending.map((e) => e.version), ["002"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }, ["pglite"]);
});

Deno.test("fresh() refuses when the tracking table holds another module's rows it would drop", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations(FILES);
    const auth = await writeMigrations({ "001_auth.up.sql": "create table auth (id int);\n" });
    try {
      const migrations = await loadMigrations(dir);
      const other = await loadMigrations(auth);
      await new Migrator({ driver, migrations: other, module: "auth" }).up();
      const migrator = new Migrator({ driver, migrations });
      await assert.rejects(migrator.fresh(), (error) => {
        assert.ok(error instanceof MigrationError && error.code === "MISSING_FILE");
        assert.match(error.message, /migrations of "auth"/);
        return true;
      });
      assert.equal(await found(driver, "auth"), true, "nothing was dropped");
      const both = await migrator.fresh({ modules: [{ module: "auth", migrations: other }] });
      assert.deepEqual(both.steps.map((s) => `${s.module}:${s.version}`).sort(), [
        ":001",
        ":002",
        "auth:001",
      ]);
      assert.equal(await found(driver, "auth"), true);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(auth, { recursive: true });
    }
  });
});
