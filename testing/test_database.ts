/**
 * Databases for application tests: a fresh in-memory PGlite with every migration applied, the
 * way production gets them (tracking tables included), started from a cached copy.
 *
 * @module
 */
import { type LedgerLocation, type Migration, Migrator } from "../mod.ts";
import { bootPglite, extensionsIn, type PgliteDriver, sha256Hex } from "../src/internal.ts";
import { type MigrationsInput, resolveMigrations } from "./migrations_input.ts";

/** Options of {@linkcode createTestDatabase}. */
export interface TestDatabaseOptions
  extends MigrationsInput, Partial<Pick<LedgerLocation, "schema">> {
  /** Cache directory. Default: `$TIDE_CACHE_DIR`, else the user's cache dir + `/tide`. */
  cacheDir?: string;
}

/** Bump when what `prepare` leaves in a database changes, so old cache entries are not used. */
const CACHE_FORMAT = "tide-test-database-1";

/**
 * Returns a new in-memory PGlite database with all migrations applied by tide's `Migrator`, so
 * it also holds `tide_migrations` and `tide_migration_log` like production. It is a `Driver`
 * (`exec`, `query`, `transaction`, `close`), plus `dumpDataDir()`. Every call returns an
 * independent database. The migrated state is cached on disk, keyed by the migrations'
 * contents, `schema` and the PGlite version: the first call runs the migrations (about 2 s),
 * later ones load the copy (well under a second). Close it, or use `await using`.
 *
 * @example
 * ```ts ignore
 * import { createTestDatabase } from "@tide/tide/testing";
 *
 * Deno.test("a user can be created", async () => {
 *   await using db = await createTestDatabase({ dir: new URL("../migrations", import.meta.url) });
 *   await db.exec("insert into users (email) values ('ada@example.com')");
 *   const rows = await db.query<{ n: number }>("select count(*)::int as n from users");
 *   console.log(rows[0].n); // 1
 * });
 * ```
 */
export async function createTestDatabase(
  options: TestDatabaseOptions = {},
): Promise<PgliteDriver> {
  const migrations = await resolveMigrations(options);
  const extensions = [...new Set(extensionsIn(migrations.map((m) => m.up.sql).join("\n")))];
  return await bootPglite({
    key: `migrated-${cacheKey(migrations, options.schema, extensions)}`,
    extensions,
    cacheDir: options.cacheDir,
    prepare: async (driver) => {
      await new Migrator({ driver, migrations, schema: options.schema }).up();
    },
  });
}

/** Everything the migrated state depends on; the PGlite version is added by `bootPglite`. */
function cacheKey(
  migrations: readonly Migration[],
  schema: string | undefined,
  extensions: readonly string[],
): string {
  const input = JSON.stringify([
    CACHE_FORMAT,
    schema ?? "public",
    extensions,
    // The ledger stores each down's SQL, so downs are part of the state too.
    migrations.map((
      m,
    ) => [
      m.version,
      m.name,
      m.checksum,
      m.noTransaction,
      m.downNoTransaction,
      m.down?.sql ?? null,
    ]),
  ]);
  return sha256Hex(input);
}
