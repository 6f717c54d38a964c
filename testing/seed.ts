/**
 * Seed data for test databases: a SQL file, applied after the migrations and cached with them
 * (keyed by its content), or a function, cached only under a `seedKey` the caller bumps.
 *
 * @module
 */
import { type Driver, errorMessage, MigrationError, SqlError } from "../mod.ts";
import { extensionsIn, offsetOfServerPosition, positionAt, sha256Hex } from "../src/internal.ts";
import { pathOf } from "./migrations_input.ts";

/** Fills a new test database, through tide's driver on it. */
export type SeedFunction = (db: Driver) => Promise<void>;

/** Seed options, shared by both kinds of test database. */
export interface SeedInput {
  /**
   * Data to add after the migrations: a SQL file (a path relative to the working directory or
   * a `file:` URL), cached with the migrations and keyed by its content; or a function, run on
   * every new database unless `seedKey` is given.
   */
  seed?: string | URL | SeedFunction;
  /**
   * Caches the result of a function `seed` with the migrations under this key: change the key
   * whenever the function changes what it writes. Ignored for a file seed.
   */
  seedKey?: string;
}

/** A resolved seed: what the cached state holds, and what runs on each new database. */
export interface Seed {
  /** Part of the cache key: `null` when nothing of the seed is cached. */
  readonly identity: readonly string[] | null;
  /** Extensions the seed file creates, for PGlite to load. */
  readonly extensions: readonly string[];
  /** Runs once, before the state is cached. */
  readonly cached?: SeedFunction;
  /** Runs on every new database, after it is copied. */
  readonly each?: SeedFunction;
}

/**
 * Reads a seed file, or sorts a seed function into cached or per-database. A missing file
 * rejects with a `CONFIG_ERROR` naming it.
 *
 * @example
 * ```ts ignore
 * const seed = await resolveSeed({ seed: "testdata/seed.sql" });
 * console.log(seed.identity); // ["file", "<sha-256 of the file>"]
 * ```
 */
export async function resolveSeed(input: SeedInput): Promise<Seed> {
  const { seed, seedKey } = input;
  if (seed === undefined) return { identity: null, extensions: [] };
  if (typeof seed === "function") {
    return seedKey === undefined
      ? { identity: null, extensions: [], each: seed }
      : { identity: ["function", seedKey], extensions: [], cached: seed };
  }
  const path = pathOf(seed);
  let sql: string;
  try {
    sql = await Deno.readTextFile(path);
  } catch (error) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Reading the seed file ${path} failed: ${errorMessage(error)}. Pass a path relative to ` +
        `the working directory (${Deno.cwd()}) or a file: URL, e.g. ` +
        `new URL("./seed.sql", import.meta.url).`,
      { file: path, cause: error },
    );
  }
  return {
    identity: ["file", sha256Hex(sql)],
    extensions: extensionsIn(sql),
    cached: (db) => runSeedFile(db, path, sql),
  };
}

async function runSeedFile(db: Driver, path: string, sql: string): Promise<void> {
  try {
    await db.exec(sql);
  } catch (error) {
    if (!(error instanceof SqlError)) throw error;
    const at = error.position === undefined
      ? undefined
      : positionAt(sql, offsetOfServerPosition(sql, error.position));
    const where = at ? `${path}:${at.line}:${at.column}` : path;
    throw new MigrationError(
      "SQL_ERROR",
      `Seeding the test database from ${path} failed at ${where}: ${error.message}. Fix the ` +
        "seed file (it runs after every migration, as one transaction).",
      { file: path, line: at?.line, column: at?.column, cause: error },
    );
  }
}
