/**
 * Test support for CLI tests that need the database to outlive one `tide` run: the body gets a
 * project and a `tide` function bound to a PGlite directory (`pglite://`) or to a fresh
 * PostgreSQL database.
 *
 * @module
 */
import { join } from "node:path";
import type { DatabaseKind } from "./scenario.ts";
import { testDatabaseUrl } from "./postgres_server.ts";
import { type CliRun, makeProject, runCli } from "./cli_harness.ts";

/** What a CLI scenario gets: its project directory, its database URL and `tide`. */
export interface CliScenario {
  /** The project (its migrations in `migrations/`). */
  cwd: string;
  /** The database's URL. */
  url: string;
  /** Where it runs. */
  kind: DatabaseKind;
  /** Runs `tide <args>` in the project, on the database (`DATABASE_URL`). */
  tide(...args: string[]): Promise<CliRun>;
}

/**
 * Runs `body` as two steps, on a PGlite directory and on a fresh PostgreSQL database, each with
 * its own project holding `files` in `migrations/`; the project is removed afterwards.
 *
 * @example
 * ```ts ignore
 * // Not run as a doc test: the second step starts a throwaway PostgreSQL server.
 * import assert from "node:assert/strict";
 * import { onEachCliDatabase } from "./cli_databases.ts";
 *
 * Deno.test("up applies the migrations", (t) =>
 *   onEachCliDatabase(t, { "001_a.up.sql": "create table a ();\n" }, async ({ tide }) => {
 *     assert.equal((await tide("up")).code, 0);
 *   }));
 * ```
 */
export async function onEachCliDatabase(
  t: Deno.TestContext,
  files: Record<string, string>,
  body: (scenario: CliScenario, t: Deno.TestContext) => Promise<void>,
  kinds: readonly DatabaseKind[] = ["pglite", "postgres"],
): Promise<void> {
  for (const kind of kinds) {
    await t.step(kind, async (step) => {
      const cwd = await makeProject(files);
      try {
        const url = kind === "pglite"
          ? `pglite://${join(cwd, ".tide", "db")}`
          : await testDatabaseUrl();
        const env = { DATABASE_URL: url };
        await body({ cwd, url, kind, tide: (...args) => runCli(args, { cwd, env }) }, step);
      } finally {
        await Deno.remove(cwd, { recursive: true });
      }
    });
  }
}
