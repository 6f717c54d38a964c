/**
 * Fast PGlite boots: a data directory saved with `dumpDataDir()` loads in a fraction of a cold
 * `initdb`. Saved under the user's cache directory, keyed by the PGlite version and a caller's key.
 *
 * @module
 */
import { join } from "node:path";
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootPglite, type BootPgliteOptions } from "./pglite_cache.ts";
 *
 * const cacheDir = await Deno.makeTempDir();
 * const options: BootPgliteOptions = {
 *   cacheDir,
 *   key: "with-table-t",
 *   prepare: (fresh) => fresh.exec("create table t (id int)"),
 * };
 * await (await bootPglite(options)).close(); // a miss: prepares a fresh database, then saves it
 * await using db = await bootPglite(options); // a hit: loads the saved copy
 * assert.deepEqual(await db.query("select count(*)::int as n from t"), [{ n: 0 }]);
 * await Deno.remove(cacheDir, { recursive: true });
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

/**
 * The user's cache directory for tide: `$TIDE_CACHE_DIR`, `$XDG_CACHE_HOME/tide`,
 * `~/.cache/tide` (`%LOCALAPPDATA%\tide` on Windows), else a temporary directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheDirectory } from "./pglite_cache.ts";
 *
 * const saved = Deno.env.get("TIDE_CACHE_DIR");
 * Deno.env.set("TIDE_CACHE_DIR", "/var/cache/ci/tide");
 * try {
 *   assert.equal(cacheDirectory(), "/var/cache/ci/tide");
 * } finally {
 *   if (saved === undefined) Deno.env.delete("TIDE_CACHE_DIR");
 *   else Deno.env.set("TIDE_CACHE_DIR", saved);
 * }
 * ```
 */
export function cacheDirectory(): string {
  const env = (name: string) => {
    try {
      return Deno.env.get(name) || undefined;
    } catch {
      return undefined;
    }
  };
  const explicit = env("TIDE_CACHE_DIR");
  if (explicit) return explicit;
  const base = env("XDG_CACHE_HOME") ?? env("LOCALAPPDATA") ??
    (env("HOME") ? join(env("HOME")!, ".cache") : undefined);
  return join(base ?? Deno.makeTempDirSync({ prefix: "tide_cache_" }), "tide");
}

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
