/**
 * Fast PGlite boots: a data directory saved with `dumpDataDir()` loads in a fraction of a cold
 * `initdb`. Saved under the user's cache directory, keyed by the PGlite version and a caller's key.
 *
 * @module
 */
import { join } from "node:path";
import { cacheDirectory } from "../config/cache_dir.ts";
import { createPgliteDriver, type PgliteDriver } from "./pglite.ts";

/** The PGlite release tide is built with; part of every cache key (a test keeps it honest). */
export const PGLITE_VERSION = "0.5.16";

/** Options of {@linkcode bootPglite}. */
export interface BootPgliteOptions {
  /** Extensions to load, named as in `CREATE EXTENSION`. */
  extensions?: readonly string[];
  /**
   * Cache entry to start from; when absent, `prepare` runs on a fresh database and the result
   * is saved under this key. Default: the fresh database itself.
   */
  key?: string;
  /** Brings a fresh database to the state cached under `key`. */
  prepare?: (driver: PgliteDriver) => Promise<void>;
  /** Cache directory. Default: `$TIDE_CACHE_DIR`, else the user's cache dir + `/tide`. */
  cacheDir?: string;
}

/**
 * Starts an in-memory PGlite from a cached data directory, creating the cache entry on a miss.
 *
 * @example
 * ```ts ignore
 * await using db = await bootPglite({
 *   key: "migrated-abc123",
 *   prepare: (fresh) => fresh.exec("create table t (id int)"),
 * });
 * ```
 */
export async function bootPglite(options: BootPgliteOptions = {}): Promise<PgliteDriver> {
  const dir = options.cacheDir ?? cacheDirectory();
  const file = join(dir, `pglite-${PGLITE_VERSION}-${safeName(options.key ?? "initdb")}.tar`);
  const extensions = options.extensions ?? [];
  const cached = await readIfPresent(file);
  if (cached) return await createPgliteDriver({ loadDataDir: new Blob([cached]), extensions });
  const driver = options.key === undefined
    ? await createPgliteDriver({ extensions })
    : await bootPglite({ extensions, cacheDir: dir });
  try {
    await options.prepare?.(driver);
    await save(file, new Uint8Array(await (await driver.dumpDataDir()).arrayBuffer()));
    return driver;
  } catch (error) {
    await driver.close();
    throw error;
  }
}

export { cacheDirectory } from "../config/cache_dir.ts";

async function readIfPresent(file: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    return await Deno.readFile(file);
  } catch {
    return undefined; // a missing or unreadable entry is rebuilt
  }
}

/** Writes atomically, so a concurrent reader never loads half a tarball. */
async function save(file: string, bytes: Uint8Array): Promise<void> {
  try {
    await Deno.mkdir(join(file, ".."), { recursive: true });
    const temporary = `${file}.${crypto.randomUUID()}.tmp`;
    await Deno.writeFile(temporary, bytes);
    await Deno.rename(temporary, file);
  } catch {
    // A read-only or missing cache only costs speed.
  }
}

function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/** What {@linkcode clearCache} removed. */
export interface ClearedCache {
  /** The cache directory. */
  dir: string;
  /** Entries removed. */
  removed: number;
  /** Their total size, in bytes. */
  bytes: number;
}

/**
 * Removes tide's entries (`pglite-*`, `migrations-*`, leftover `*.tmp`) from the cache directory,
 * `dir` or {@linkcode cacheDirectory}; anything else there is left alone. A missing directory
 * is an empty cache.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clearCache } from "./pglite_cache.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/pglite-0.5.16-initdb.tar`, "tar");
 * await Deno.writeTextFile(`${dir}/notes.txt`, "mine");
 * assert.deepEqual(await clearCache(dir), { dir, removed: 1, bytes: 3 });
 * assert.equal(await Deno.readTextFile(`${dir}/notes.txt`), "mine");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function clearCache(dir: string = cacheDirectory()): Promise<ClearedCache> {
  const cleared = { dir, removed: 0, bytes: 0 };
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !/^(pglite-|migrations-)|\.tmp$/.test(entry.name)) continue;
      const path = join(dir, entry.name);
      const { size } = await Deno.stat(path);
      await Deno.remove(path);
      cleared.removed++;
      cleared.bytes += size;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return cleared;
}
