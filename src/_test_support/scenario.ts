/**
 * Test support: a migrations directory written from a table of files, and a test body run once
 * on PGlite and once on real PostgreSQL.
 *
 * @module
 */
import { join } from "node:path";
import { connect } from "../drivers/connect.ts";
import type { Driver } from "../drivers/driver.ts";
import { testDatabaseUrl } from "./postgres_server.ts";

/**
 * A TypeScript migration whose up leaves an interval running, as a forgotten client or metrics
 * flush does: it keeps an event loop alive forever, so whatever ran it must exit on its own.
 */
export const LEAKY_TS_MIGRATION: string =
  "export async function up(ctx) {\n  setInterval(() => {}, 1_000);\n" +
  "  await ctx.sql`CREATE TABLE leaky (id int)`;\n}\n" +
  "export async function down(ctx) {\n  await ctx.sql`DROP TABLE leaky`;\n}\n";

/**
 * Writes `files` (name to SQL text) into a new temporary directory and returns its path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeMigrations } from "./scenario.ts";
 *
 * const dir = await writeMigrations({ "001_a.up.sql": "create table a ();" });
 * assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["001_a.up.sql"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeMigrations(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tide_migrations_" });
  for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(join(dir, name), text);
  return dir;
}

/** Where a scenario runs. */
export type DatabaseKind = "pglite" | "postgres";

/**
 * Runs `body` as two steps, on an in-memory PGlite and on a fresh PostgreSQL database; `body`
 * gets its step, for steps of its own.
 *
 * @example
 * ```ts ignore
 * // Not run as a doc test: the second step starts a throwaway PostgreSQL server.
 * import assert from "node:assert/strict";
 * import { onEachDatabase } from "./scenario.ts";
 *
 * Deno.test("a table can be created", (t) =>
 *   onEachDatabase(t, async (driver) => {
 *     await driver.exec("create table t (id int)");
 *     assert.deepEqual(await driver.query("select count(*)::int as n from t"), [{ n: 0 }]);
 *   }));
 * ```
 */
export async function onEachDatabase(
  t: Deno.TestContext,
  body: (driver: Driver, kind: DatabaseKind, url: string, t: Deno.TestContext) => Promise<void>,
  kinds: readonly DatabaseKind[] = ["pglite", "postgres"],
): Promise<void> {
  for (const kind of kinds) {
    await t.step(kind, async (step) => {
      const url = kind === "pglite" ? "memory://" : await testDatabaseUrl();
      await using driver = await connect(url);
      await body(driver, kind, url, step);
    });
  }
}
