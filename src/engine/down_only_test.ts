import assert from "node:assert/strict";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import { Migrator } from "./migrator.ts";

const BASE = {
  "001_users.up.sql": "create table users (id int primary key);\n",
  "001_users.down.sql": "drop table users;\n",
  "002_accounts.up.sql":
    "create table accounts (id int);\ncreate index accounts_id on accounts (id);\n",
  "002_accounts.down.sql": "drop table accounts;\n",
};

async function tables(driver: Driver): Promise<string[]> {
  const rows = await driver.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' " +
      "and table_name not like 'tide_%' order by 1",
  );
  return rows.map((row) => row.name);
}

async function migrator(driver: Driver, later: Record<string, string>) {
  const dir = await writeMigrations({ ...BASE, ...later });
  const m = new Migrator({ driver, migrations: await loadMigrations(dir) });
  await m.up();
  return { m, done: () => Deno.remove(dir, { recursive: true }) };
}

function unsafe(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof MigrationError && error.code === "UNSAFE_ROLLBACK", String(error));
    assert.match(error.message, /^Refusing to roll back 002 alone: on a PGlite copy/);
    assert.match(error.message, pattern);
    assert.match(error.message, /--force/);
    return true;
  };
}

Deno.test("down({ only }) rolls back one older migration and leaves the later ones applied", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const { m, done } = await migrator(driver, {
      "003_posts.up.sql": "create table posts (user_id int references users (id));\n",
    });
    try {
      const dry = await m.down({ only: "002", dryRun: true });
      assert.deepEqual(dry.steps.map((s) => `${s.direction} ${s.version}`), ["down 002"]);
      assert.deepEqual(await tables(driver), ["accounts", "posts", "users"]);
      const run = await m.down({ only: "2" });
      assert.deepEqual(run.steps.map((s) => `${s.direction} ${s.version}`), ["down 002"]);
      assert.deepEqual(await tables(driver), ["posts", "users"]);
      const status = await m.status();
      assert.deepEqual(status.applied.map((e) => e.version), ["001", "003"]);
      assert.deepEqual(status.pending.map((e) => [e.version, e.outOfOrder]), [["002", true]]);
      const last = (await m.history()).at(-1);
      assert.deepEqual([last?.action, last?.version, last?.outcome], ["down", "002", "success"]);
      await assert.rejects(m.down({ only: "002" }), { code: "UNKNOWN_VERSION" });
    } finally {
      await done();
    }
  });
});

Deno.test("down({ only }) refuses with UNSAFE_ROLLBACK what would take a later migration's objects", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const { m, done } = await migrator(driver, {
      "003_email.up.sql": "alter table accounts add column email text;\n",
      "003_email.down.sql": "alter table accounts drop column email;\n",
    });
    try {
      await assert.rejects(
        m.down({ only: "002" }),
        unsafe(
          /table public\.accounts removed \(which later migrations changed: column public\.accounts\.email added\)/,
        ),
      );
      await assert.rejects(m.down({ only: "002", dryRun: true }), unsafe(/accounts/));
      assert.deepEqual(await tables(driver), ["accounts", "users"], "nothing was rolled back");
      await m.down({ only: "002", force: true });
      assert.deepEqual(await tables(driver), ["users"]);
      assert.deepEqual((await m.status()).applied.map((e) => e.version), ["001", "003"]);
    } finally {
      await done();
    }
  });
});

Deno.test("down({ only }) refuses a down that fails once the later migrations are applied", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const { m, done } = await migrator(driver, {
      "003_view.up.sql": "create view account_ids as select id from accounts;\n",
    });
    try {
      await assert.rejects(
        m.down({ only: "002" }),
        unsafe(/its down fails once the later migrations are applied: .*account_ids/s),
      );
      assert.deepEqual((await m.status()).applied.map((e) => e.version), ["001", "002", "003"]);
    } finally {
      await done();
    }
  }, ["pglite"]);
});

Deno.test("down({ only }) accepts a down that changes only what the migration itself made", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const { m, done } = await migrator(driver, {
      "003_index.up.sql": "create index users_id on users (id);\n",
      "003_index.down.sql": "drop index users_id;\n",
      "004_column.up.sql": "alter table users add column name text;\n",
      "004_column.down.sql": "alter table users drop column name;\n",
    });
    try {
      // 003's index is on 001's table, which 004 changed too: dropping the index touches
      // neither 004's column nor anything else.
      await m.down({ only: "003" });
      assert.deepEqual((await m.status()).pending.map((e) => e.version), ["003"]);
    } finally {
      await done();
    }
  }, ["pglite"]);
});

Deno.test("down({ only }) refuses a down that drops what an earlier migration made", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations({
      ...BASE,
      "002_accounts.down.sql": "drop table accounts;\ndrop table users;\n",
      "003_other.up.sql": "create table other (id int);\n",
    });
    try {
      const m = new Migrator({ driver, migrations: await loadMigrations(dir) });
      await m.up();
      await assert.rejects(
        m.down({ only: "002" }),
        unsafe(/table public\.users removed \(not made or changed by its up\)/),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }, ["pglite"]);
});
