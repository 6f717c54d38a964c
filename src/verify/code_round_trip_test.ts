import assert from "node:assert/strict";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import { verifyMigrations } from "./round_trip.ts";

const FILES = {
  "001_users.up.sql": "create table users (id int primary key, email text);\n",
  "001_users.down.sql": "drop table users;\n",
  "002_index.ts": "export async function up(ctx) {\n" +
    "  await ctx.sql`CREATE INDEX users_email ON ${ctx.table('users')} (email)`;\n}\n" +
    "export async function down(ctx) {\n  await ctx.sql`DROP INDEX users_email`;\n}\n",
  "003_lossy.ts": "export async function up(ctx) {\n" +
    "  await ctx.sql`ALTER TABLE users ADD COLUMN note text`;\n}\n" +
    "export async function down(ctx) {\n  await ctx.sql`SELECT ${1}::int`;\n}\n",
  "004_no_down.ts": "export async function up(ctx) {\n" +
    "  await ctx.sql`ALTER TABLE users ADD COLUMN extra int`;\n}\n",
  // Changes no schema: data only, which passes without a down, as a SQL one does.
  "005_backfill.ts": "export async function up(ctx) {\n  await ctx.sql`SELECT 1`;\n}\n",
};

Deno.test("verify runs TypeScript ups and downs in its workspace, like SQL ones", async (t) => {
  await onEachDatabase(t, async (_driver, kind, url) => {
    const dir = await writeMigrations(FILES);
    try {
      const migrations = await loadMigrations(dir);
      const report = await verifyMigrations({
        migrations,
        ...(kind === "postgres" ? { databaseUrl: url } : {}),
      });
      assert.deepEqual(report.migrations.map((m) => [m.version, m.ok, m.failure]), [
        ["001", true, undefined],
        ["002", true, undefined],
        ["003", false, "down-differs"],
        ["004", false, "no-down"],
        ["005", true, undefined],
      ]);
      assert.match(report.migrations[2].problems[0], /column public\.users\.note/);
      assert.match(report.migrations[3].problems[0], /Export a down\(ctx\) function/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
