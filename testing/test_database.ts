/**
 * Databases for application tests: every call a fresh database with every migration applied
 * the way production gets them (tracking tables included), started from a cached copy. An
 * in-memory PGlite (served on 127.0.0.1 when the app's own client needs a URL), or a
 * throwaway database on a PostgreSQL server.
 *
 * @module
 */
import { resolve } from "node:path";
import {
  type LedgerLocation,
  type Migration,
  MigrationError,
  Migrator,
  redactUrl,
} from "../mod.ts";
import {
  bootPglite,
  extensionsIn,
  type PgliteDriver,
  type PgliteSocket,
  servePglite,
  sha256Hex,
} from "../src/internal.ts";
import { type MigrationsInput, resolveMigrations } from "./migrations_input.ts";
import { resolveSeed, type Seed, type SeedInput } from "./seed.ts";
import {
  createServerTestDatabase,
  type ServerTestDatabase,
  type TemplateSpec,
} from "./server_database.ts";

export type { ServerTestDatabase } from "./server_database.ts";
export type { SeedFunction } from "./seed.ts";

/** Options of {@linkcode createTestDatabase}. */
export interface TestDatabaseOptions
  extends MigrationsInput, SeedInput, Partial<Pick<LedgerLocation, "schema">> {
  /**
   * Where the database lives: `"memory://"`, an in-memory PGlite; or a PostgreSQL server
   * (`postgres://user:password@host:5432/postgres`, a role with `CREATEDB`), where a throwaway
   * database is copied from a migrated template. Default: `$TIDE_TEST_DATABASE_URL`, else
   * `"memory://"`.
   */
  databaseUrl?: string;
  /** PGlite's cache directory. Default: `$TIDE_CACHE_DIR`, else the user's cache dir + `/tide`. */
  cacheDir?: string;
}

/** An in-memory PGlite test database: a {@linkcode PgliteDriver} that can also serve a URL. */
export interface PgliteTestDatabase extends PgliteDriver {
  /**
   * Serves the database on 127.0.0.1 (started on the first call, stopped on close) and returns
   * its `postgres://` URL, for the app's own client. One connection at a time: use `max: 1`.
   */
  url(): Promise<string>;
}

/** What {@linkcode createTestDatabase} returns: tell the kinds apart by `kind`. */
export type TestDatabase = PgliteTestDatabase | ServerTestDatabase;

/** The environment variable that points a whole suite at a PostgreSQL server. */
export const TEST_DATABASE_URL_ENV = "TIDE_TEST_DATABASE_URL";

/** Bump when what `prepare` leaves in a database changes, so old cache entries are not used. */
const CACHE_FORMAT = "tide-test-database-3";

/** Test databases are small and short-lived: 16 MB of buffers start ~100 ms faster than 128. */
const PGLITE_SETTINGS = { shared_buffers: "16MB" };

/**
 * A PGlite session only ever reaches `postgres`, and the two template databases were half of
 * every copy to load (~60 ms a test database). Each DROP DATABASE runs on its own.
 */
const WITHOUT_TEMPLATE_DATABASES = [
  "ALTER DATABASE template0 IS_TEMPLATE false",
  "ALTER DATABASE template1 IS_TEMPLATE false",
  "DROP DATABASE template0",
  "DROP DATABASE template1",
];

/**
 * Returns a new database with all migrations applied by tide's `Migrator` (so it also holds
 * `tide_migrations` and `tide_migration_log`, like production), then the seed. It is a `Driver`
 * (`exec`, `query`, `transaction`, `close`) plus `url()`, the `postgres://` URL the app's own
 * client connects to; a PGlite one also has `pglite`, the instance, for drizzle's and kysely's
 * PGlite adapters. Every call returns an independent database; close it, or use `await using`.
 *
 * The migrated state is built once per migration set and reused while the migrations, `schema`
 * and the seed are unchanged: on PGlite as a file in the cache directory, on a server as a
 * template database. A call that finds it takes well under 150 ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import postgres from "postgres";
 * import { createTestDatabase } from "@tide/tide/testing";
 *
 * const dir = new URL("../migrations", import.meta.url);
 * await using db = await createTestDatabase({ dir, databaseUrl: "memory://" });
 * await db.exec("insert into organizations (name, slug) values ('Acme', 'acme')");
 * const sql = postgres(await db.url(), { max: 1 });
 * const [row] = await sql`select count(*)::int as n from organizations`;
 * await sql.end();
 * assert.equal(row.n, 1);
 * ```
 */
export function createTestDatabase(
  options: TestDatabaseOptions & { databaseUrl: "memory://" },
): Promise<PgliteTestDatabase>;
/** A throwaway database on the PostgreSQL server of `databaseUrl`. */
export function createTestDatabase(
  options: TestDatabaseOptions & { databaseUrl: `postgres://${string}` | `postgresql://${string}` },
): Promise<ServerTestDatabase>;
/** A PGlite, or a database on the server of `$TIDE_TEST_DATABASE_URL` when that is set. */
export function createTestDatabase(options?: TestDatabaseOptions): Promise<TestDatabase>;
export async function createTestDatabase(
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const where = locate(options.databaseUrl);
  const migrations = await resolveMigrations(options);
  const seed = await resolveSeed(options);
  const state: TemplateSpec = {
    family: familyOf(migrations),
    hash: stateHash(migrations, options.schema, seed),
    build: async (db) => {
      await new Migrator({ driver: db, migrations, schema: options.schema }).up();
      await seed.cached?.(db);
    },
    each: seed.each,
  };
  if (where !== "memory") return await createServerTestDatabase(where, state);
  const sql = migrations.map((m) => m.up.sql).join("\n");
  const extensions = [...new Set([...extensionsIn(sql), ...seed.extensions])];
  return await createPgliteTestDatabase(state, extensions, options.cacheDir);
}

async function createPgliteTestDatabase(
  state: TemplateSpec,
  extensions: readonly string[],
  cacheDir: string | undefined,
): Promise<PgliteTestDatabase> {
  const driver = await bootPglite({
    key: `migrated-${state.family}-${state.hash}`,
    extensions,
    cacheDir,
    settings: PGLITE_SETTINGS,
    prepare: async (db) => {
      for (const statement of WITHOUT_TEMPLATE_DATABASES) await db.exec(statement);
      await state.build(db);
    },
  });
  const db = servable(driver);
  try {
    await state.each?.(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** `"memory"`, or the server URL to create the database on. */
function locate(databaseUrl: string | undefined): string {
  let url = databaseUrl;
  if (url === undefined) {
    try {
      url = Deno.env.get(TEST_DATABASE_URL_ENV) || undefined;
    } catch {
      url = undefined; // no --allow-env: PGlite
    }
  }
  if (url === undefined || /^memory:(\/\/)?$/i.test(url)) return "memory";
  if (/^postgres(ql)?:\/\//i.test(url)) return url;
  throw new MigrationError(
    "UNSUPPORTED_URL",
    `Creating a test database on ${redactUrl(url)} failed: test databases live in memory ` +
      `(memory://) or on a PostgreSQL server (postgres://...). Pass one of those as ` +
      `databaseUrl or in ${TEST_DATABASE_URL_ENV}.`,
  );
}

function servable(driver: PgliteDriver): PgliteTestDatabase {
  let socket: Promise<PgliteSocket> | undefined;
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      try {
        await (await socket?.catch(() => undefined))?.close();
      } finally {
        await driver.close();
      }
    })();
  return {
    ...driver,
    url: async () => (await (socket ??= servePglite(driver.pglite))).url,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Everything the migrated state depends on; the PGlite version is added by `bootPglite`. */
function stateHash(migrations: readonly Migration[], schema: string | undefined, seed: Seed) {
  const input = JSON.stringify([
    CACHE_FORMAT,
    schema ?? "public",
    // The ledger stores each down's SQL, so downs are part of the state too.
    migrations.map((m) => [
      m.version,
      m.name,
      m.checksum,
      m.noTransaction,
      m.downNoTransaction,
      m.down?.sql ?? null,
    ]),
    seed.identity,
  ]);
  return sha256Hex(input);
}

/** The project, as the directory of its migrations: its cache entries replace each other. */
function familyOf(migrations: readonly Migration[]): string {
  const first = migrations[0]?.up.path;
  return sha256Hex(first === undefined ? "none" : resolve(first, "..")).slice(0, 12);
}
