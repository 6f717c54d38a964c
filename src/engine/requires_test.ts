import assert from "node:assert/strict";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import { Migrator } from "./migrator.ts";

const AUTH = {
  "001_users.up.sql": "create table users (id int primary key);\n",
  "001_users.down.sql": "drop table users;\n",
  "002_tokens.up.sql": "create table tokens (user_id int references users);\n",
  "002_tokens.down.sql": "drop table tokens;\n",
};
const APP = {
  "001_orders.up.sql": "-- tide:requires auth:001\n" +
    "create table orders (user_id int references users);\n",
  "001_orders.down.sql": "drop table orders;\n",
  "002_sessions.ts": 'export const requires = ["auth:2"];\n' +
    "export async function up(ctx) {\n" +
    "  await ctx.sql`CREATE VIEW sessions AS SELECT user_id FROM tokens`;\n}\n" +
    "export async function down(ctx) {\n  await ctx.sql`DROP VIEW sessions`;\n}\n",
};

async function setUp(driver: Driver) {
  const dirs = { auth: await writeMigrations(AUTH), app: await writeMigrations(APP) };
  const auth = await loadMigrations(dirs.auth);
  const app = await loadMigrations(dirs.app);
  const migrator = (module: string) =>
    new Migrator({ driver, module, migrations: module === "auth" ? auth : app });
  const cleanUp = async () => {
    for (const dir of Object.values(dirs)) await Deno.remove(dir, { recursive: true });
  };
  return { auth, app, migrator, cleanUp };
}

Deno.test("up refuses a migration whose required migration of another module is not applied", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const { migrator, cleanUp } = await setUp(driver);
    try {
      await assert.rejects(migrator("app").up(), (error) => {
        assert.ok(error instanceof MigrationError && error.code === "UNMET_REQUIREMENT");
        assert.match(
          error.message,
          /001_orders\.up\.sql: it requires auth:001, which is not applied\. Apply module auth first: `tide up --module auth`/,
        );
        return true;
      });
      await migrator("auth").up({ to: "001" });
      await assert.rejects(migrator("app").up(), (error) => {
        assert.ok(error instanceof MigrationError && error.code === "UNMET_REQUIREMENT");
        assert.match(error.message, /002_sessions\.ts: it requires auth:2, which is not applied/);
        return true;
      });
      assert.deepEqual((await migrator("app").status()).applied, [], "refused before running");
      await migrator("auth").up();
      const { steps } = await migrator("app").up();
      assert.deepEqual(steps.map((s) => s.version), ["001", "002"]);
    } finally {
      await cleanUp();
    }
  });
});

Deno.test("up with modules applies several modules in one run, in an order meeting every requirement", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const { auth, migrator, cleanUp } = await setUp(driver);
    try {
      const app = migrator("app");
      const dry = await app.up({ dryRun: true, modules: [{ module: "auth", migrations: auth }] });
      assert.deepEqual(dry.steps.map((s) => `${s.module}:${s.version}`), [
        "auth:001",
        "app:001",
        "auth:002",
        "app:002",
      ]);
      const { steps } = await app.up({ modules: [{ module: "auth", migrations: auth }] });
      assert.deepEqual(steps.map((s) => `${s.module}:${s.version}`), [
        "auth:001",
        "app:001",
        "auth:002",
        "app:002",
      ]);
      assert.deepEqual((await migrator("auth").status()).applied.map((e) => e.version), [
        "001",
        "002",
      ]);
      const rows = await driver.query<{ module: string; version: string; requires: string }>(
        "select module, version, requires from tide_migrations where requires is not null order by 2",
      );
      assert.deepEqual(rows, [
        { module: "app", version: "001", requires: '["auth:001"]' },
        { module: "app", version: "002", requires: '["auth:2"]' },
      ]);
    } finally {
      await cleanUp();
    }
  });
});

Deno.test("down refuses to roll back what another module's applied migration requires, naming it", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const { auth, migrator, cleanUp } = await setUp(driver);
    try {
      await migrator("app").up({ modules: [{ module: "auth", migrations: auth }] });
      for (const run of [() => migrator("auth").down(), () => migrator("auth").reset()]) {
        await assert.rejects(run(), (error) => {
          assert.ok(error instanceof MigrationError && error.code === "STILL_REQUIRED");
          assert.match(error.message, /app's applied 00[12]_\w+ requires it\. Roll that one back/);
          return true;
        });
      }
      await assert.rejects(migrator("auth").down({ dryRun: true }), { code: "STILL_REQUIRED" });
      await migrator("app").down();
      await assert.rejects(migrator("auth").down({ all: true }), /app's applied 001_orders/);
      assert.deepEqual((await migrator("auth").down()).steps.map((s) => s.version), ["002"]);
      await migrator("app").down();
      assert.deepEqual((await migrator("auth").down()).steps.map((s) => s.version), ["001"]);
    } finally {
      await cleanUp();
    }
  });
});
