import assert from "node:assert/strict";
import { join } from "node:path";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError, ScriptError } from "../errors.ts";
import { checksumText } from "../files/checksum.ts";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import { Migrator } from "./migrator.ts";
import type { ProgressEvent } from "./migrator_options.ts";

/** A TypeScript migration using every part of its context. */
const SEED = `import type { MigrationContext } from "@tide/tide";

// Description: Seeds the plans
export async function up(ctx: MigrationContext): Promise<void> {
  await ctx.sql\`CREATE TABLE \${ctx.table("plans")} (name text, price int)\`;
  const name = "it's \\"odd\\" $1 {{schema}}";
  await ctx.sql\`INSERT INTO \${ctx.table("plans")} VALUES (\${name}, \${42})\`;
  await ctx.db.exec(\`INSERT INTO \${ctx.table("plans")} VALUES ('free', 0)\`);
  const rows = await ctx.sql<{ n: number }>\`SELECT count(*)::int AS n FROM \${ctx.table("plans")}\`;
  ctx.log("seeded", rows[0].n, "plans into", ctx.schema, ctx.migration.direction);
}

export async function down(ctx: MigrationContext): Promise<void> {
  await ctx.sql\`DROP TABLE \${ctx.table("plans")}\`;
}
`;

const USERS = {
  "001_users.up.sql": "create table {{tables.users}} (id int);\n",
  "001_users.down.sql": "drop table {{tables.users}};\n",
};

async function tables(driver: Driver, schema: string): Promise<string[]> {
  const rows = await driver.query<{ name: string }>(
    "select tablename::text as name from pg_tables where schemaname = $1 order by 1",
    [schema],
  );
  return rows.map((row) => row.name);
}

Deno.test("a TypeScript migration runs in order with SQL ones, its ctx bound to its transaction", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations({ ...USERS, "002_seed.ts": SEED });
    try {
      await driver.exec(`create schema "ten ant"`);
      const events: ProgressEvent[] = [];
      const migrations = await loadMigrations(dir);
      const migrator = new Migrator({
        driver,
        migrations,
        schema: "ten ant",
        onProgress: (event) => events.push(event),
      });
      const { steps } = await migrator.up();
      assert.deepEqual(steps.map((s) => [s.version, s.code]), [["001", undefined], [
        "002",
        "typescript",
      ]]);
      const plans = await driver.query(`select * from "ten ant".plans order by price desc`);
      assert.deepEqual(plans, [{ name: `it's "odd" $1 {{schema}}`, price: 42 }, {
        name: "free",
        price: 0,
      }]);
      const logged = events.filter((e) => e.type === "log").map((e) => e.type === "log" && e.line);
      assert.deepEqual(logged, ["seeded 2 plans into ten ant up"]);

      const [row] = (await migrator.status()).applied.filter((e) => e.version === "002");
      assert.deepEqual([row.description, row.codeFile], [
        "Seeds the plans",
        join(dir, "002_seed.ts"),
      ]);
      const [stored] = await driver.query<{ checksum: string; down_sql: string | null }>(
        `select checksum, down_sql from "ten ant".tide_migrations where version = '002'`,
      );
      assert.deepEqual(stored, { checksum: checksumText(SEED), down_sql: null });

      await migrator.down();
      assert.deepEqual(await tables(driver, "ten ant"), [
        "tide_migration_log",
        "tide_migrations",
        "users",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("a failing TypeScript migration leaves nothing, and its error points at the ctx.sql call", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations({
      "001_bad.ts": "export async function up(ctx) {\n" +
        "  await ctx.sql`CREATE TABLE kept_if_committed (id int)`;\n" +
        "  await ctx.sql`INSERT INTO missing VALUES (${1})`;\n}\n",
      "002_throws.ts": "export async function up(ctx) {\n" +
        "  await ctx.sql`CREATE TABLE t2 (id int)`;\n  throw new Error('the graph is down');\n}\n",
    });
    try {
      const migrations = await loadMigrations(dir);
      const migrator = new Migrator({ driver, migrations });
      await assert.rejects(migrator.up(), (error) => {
        assert.ok(error instanceof ScriptError && error.code === "SQL_ERROR");
        assert.equal(`${error.file}:${error.line}:${error.column}`, `${dir}/001_bad.ts:3:16`);
        assert.match(error.message, /^Cannot apply .*001_bad\.ts:3:16: relation "missing"/);
        return true;
      });
      assert.deepEqual(await tables(driver, "public"), ["tide_migration_log", "tide_migrations"]);
      assert.deepEqual((await migrator.status()).applied, []);

      const second = new Migrator({ driver, migrations: migrations.slice(1) });
      await assert.rejects(second.up(), (error) => {
        assert.ok(error instanceof MigrationError && error.code === "CODE_MIGRATION_FAILED");
        assert.match(error.message, /002_throws\.ts:3:\d+: up\(\) threw after 1 statement/);
        assert.match(error.message, /the graph is down/);
        return true;
      });
      assert.equal((await tables(driver, "public")).includes("t2"), false);
      const log = await second.history();
      assert.deepEqual(log.map((e) => [e.version, e.outcome]), [["001", "failure"], [
        "002",
        "failure",
      ]]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("a TypeScript migration with transaction = false runs outside a transaction, recorded as under way", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations({
      "001_t.up.sql": "create table t (id int);\n",
      "002_index.ts": "export const transaction = false;\n" +
        "export async function up(ctx) {\n" +
        "  await ctx.sql`CREATE INDEX CONCURRENTLY t_id ON t (id)`;\n" +
        "  await ctx.sql`SELECT * FROM nowhere`;\n}\n",
      "003_nothing.ts": "export const transaction = false;\n" +
        "export async function up() {\n  throw new Error('before any statement');\n}\n",
    });
    try {
      const migrations = await loadMigrations(dir);
      assert.deepEqual(migrations.map((m) => m.noTransaction), [false, true, true]);
      const migrator = new Migrator({ driver, migrations: migrations.slice(0, 2) });
      await assert.rejects(migrator.up(), /nowhere/);
      const { failed } = await migrator.status();
      assert.deepEqual(failed.map((e) => e.version), ["002"], "statement 1 stays applied");
      const indexes = await driver.query(`select indexname from pg_indexes where tablename = 't'`);
      assert.deepEqual(indexes, [{ indexname: "t_id" }]);

      await migrator.repair({ markApplied: "002" });
      const third = new Migrator({ driver, migrations });
      await assert.rejects(third.up(), /before any statement/);
      assert.deepEqual((await third.status()).failed, [], "nothing ran: nothing recorded");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("loading and dry runs never import a TypeScript migration; running checks it is the file loaded", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations({
      "001_a.ts": "throw new Error('imported at load');\nexport async function up(ctx) {}\n",
    });
    try {
      const migrations = await loadMigrations(dir);
      const migrator = new Migrator({ driver, migrations });
      assert.deepEqual((await migrator.status()).pending.map((e) => e.version), ["001"]);
      const dry = await migrator.up({ dryRun: true });
      assert.deepEqual(dry.steps.map((s) => [s.version, s.code, s.sql]), [
        ["001", "typescript", ""],
      ]);
      await assert.rejects(migrator.up(), (error) => {
        assert.ok(error instanceof MigrationError && error.code === "INVALID_CODE_MIGRATION");
        assert.match(error.message, /Cannot import .*001_a\.ts: .*imported at load/);
        return true;
      });

      await Deno.writeTextFile(join(dir, "001_a.ts"), "export async function up(ctx) {}\n");
      await assert.rejects(migrator.up(), /changed since tide loaded it/);
      const fresh = new Migrator({ driver, migrations: await loadMigrations(dir) });
      assert.deepEqual((await fresh.up()).steps.map((s) => s.version), ["001"]);
      await Deno.writeTextFile(join(dir, "001_a.ts"), "export async function up(ctx) { }\n");
      const edited = new Migrator({ driver, migrations: await loadMigrations(dir) });
      await assert.rejects(edited.up(), (error) => {
        assert.ok(error instanceof MigrationError && error.code === "CHECKSUM_MISMATCH");
        return true;
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("rolling back a TypeScript migration needs its file", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations({
      "001_a.ts": "export async function up(ctx) { await ctx.sql`CREATE TABLE a (id int)`; }\n" +
        "export async function down(ctx) { await ctx.sql`DROP TABLE a`; }\n",
    });
    try {
      await new Migrator({ driver, migrations: await loadMigrations(dir) }).up();
      await Deno.remove(join(dir, "001_a.ts"));
      const migrator = new Migrator({ driver, migrations: [] });
      const { missing } = await migrator.status();
      assert.deepEqual(missing.map((e) => e.codeFile), [join(dir, "001_a.ts")]);
      await assert.rejects(migrator.down(), (error) => {
        assert.ok(error instanceof MigrationError && error.code === "NO_DOWN");
        assert.match(error.message, /down\(\) of .*001_a\.ts, which is gone/);
        return true;
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
