/**
 * Fast PGlite boots: a data directory saved with `dumpDataDir()` loads in a fraction of a cold
 * `initdb`. Saved in the cache directory ({@linkcode cacheDirectory}: `$TIDE_CACHE_DIR`, else
 * `~/.cache/tide`), keyed by the PGlite version and a caller's key, and bounded: saving an entry
 * deletes the older ones of its family beyond the newest few, and entries of other PGlite
 * versions unused for a week.
 *
 * @module
 */
import { join } from "node:path";
import { cacheDirectory } from "../config/cache_dir.ts";
import { createPgliteDriver, type PgliteDriver } from "./pglite.ts";

/** The PGlite release tide is built with; part of every cache key (a test keeps it honest). */
export const PGLITE_VERSION = "0.5.16";

/**
 * Bump when what is saved changes, so older entries are neither loaded nor kept. v2: a
 * checkpoint before the dump (a loaded copy has no WAL to replay), 1 MB WAL segments (a 41 MB
 * entry became 30 MB).
 */
const LAYOUT = "v2";
const PREFIX = `pglite-${PGLITE_VERSION}-${LAYOUT}-`;
const INITDB_ARGS = ["--wal-segsize=1"];

/** How many entries of one family {@linkcode pruneCache} keeps by default. */
export const DEFAULT_CACHE_KEEP = 3;

/** Options of {@linkcode bootPglite}. */
export interface BootPgliteOptions {
  /** Extensions to load, named as in `CREATE EXTENSION`. */
  extensions?: readonly string[];
  /**
   * Cache entry to start from; when absent, `prepare` runs on a fresh database and the result
   * is saved under this key. The part before the last `-` names the entry's family
   * (`migrated-<project>-<hash>`: one project's migration sets), of which the newest
   * `keep` entries are kept. Default: the fresh database itself.
   */
  key?: string;
  /** Brings a fresh database to the state cached under `key`. */
  prepare?: (driver: PgliteDriver) => Promise<void>;
  /** Cache directory. Default: {@linkcode cacheDirectory}. */
  cacheDir?: string;
  /** Server settings for this start (not part of the key), e.g. `{ shared_buffers: "16MB" }`. */
  settings?: Readonly<Record<string, string>>;
  /** Entries of the key's family to keep when a new one is saved. Default 3. */
  keep?: number;
}

/** Entries read in this process, so a suite of test databases reads each file once. */
const loaded = new Map<string, Blob>();

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
  const name = safeName(options.key ?? "initdb");
  const file = join(dir, `${PREFIX}${name}.tar`);
  const start = { extensions: options.extensions ?? [], settings: options.settings };
  const cached = await readEntry(file);
  if (cached) return await createPgliteDriver({ ...start, loadDataDir: cached });
  const driver = options.key === undefined
    ? await createPgliteDriver({ ...start, initdbArgs: INITDB_ARGS })
    : await bootPglite({ ...start, cacheDir: dir });
  try {
    await options.prepare?.(driver);
    await saveEntry(file, driver);
    await pruneCache({ cacheDir: dir, keep: options.keep, family: familyOf(name) });
    return driver;
  } catch (error) {
    await driver.close();
    throw error;
  }
}

/** Options of {@linkcode pruneCache} and {@linkcode clearCache}. */
export interface CacheCleanOptions {
  /** Cache directory. Default: {@linkcode cacheDirectory}. */
  cacheDir?: string;
  /** Entries to keep per family, newest (last used) first. Default 3. */
  keep?: number;
  /** Prune only this family (e.g. `migrated-1a2b3c4d5e6f`); default every family. */
  family?: string;
}

/** What {@linkcode pruneCache} or {@linkcode clearCache} deleted. */
export interface CacheCleanResult {
  /** Paths of the deleted files. */
  removed: string[];
  /** Their total size in bytes. */
  freedBytes: number;
}

/**
 * Deletes cache entries tide will not load again: those of other PGlite versions or cache
 * layouts unused for a week (another tide version may still use them), temporary files of
 * interrupted writes, and in each family all but the `keep` entries used last. Files that are
 * not tide's are left alone. Never throws for a missing or read-only cache.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pruneCache } from "./pglite_cache.ts";
 *
 * const cacheDir = await Deno.makeTempDir();
 * const old = `${cacheDir}/pglite-0.0.1-initdb.tar`;
 * await Deno.writeTextFile(old, "from an old PGlite");
 * const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
 * await Deno.utime(old, eightDaysAgo, eightDaysAgo); // unused for more than a week
 * await Deno.writeTextFile(`${cacheDir}/notes.txt`, "not tide's");
 * const { removed } = await pruneCache({ cacheDir });
 * assert.deepEqual(removed, [old]);
 * await Deno.remove(cacheDir, { recursive: true });
 * ```
 */
export async function pruneCache(options: CacheCleanOptions = {}): Promise<CacheCleanResult> {
  const entries = await listEntries(options.cacheDir ?? cacheDirectory());
  const doomed = entries.filter((e) => e.stale);
  const families = new Map<string, Entry[]>();
  for (const entry of entries) {
    if (entry.family === undefined) continue;
    if (options.family !== undefined && entry.family !== options.family) continue;
    families.set(entry.family, [...(families.get(entry.family) ?? []), entry]);
  }
  const keep = Math.max(1, options.keep ?? DEFAULT_CACHE_KEEP);
  for (const members of families.values()) {
    members.sort((a, b) => b.mtime - a.mtime);
    doomed.push(...members.slice(keep));
  }
  return await removeAll(doomed);
}

/**
 * Deletes every cache entry of tide (all versions, families and temporary files), leaving
 * other files and the directory itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clearCache } from "./pglite_cache.ts";
 *
 * const cacheDir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${cacheDir}/pglite-0.5.16-v2-initdb.tar`, "an entry");
 * const { removed, freedBytes } = await clearCache({ cacheDir });
 * assert.equal(removed.length, 1);
 * assert.equal(freedBytes, 8);
 * await Deno.remove(cacheDir, { recursive: true });
 * ```
 */
export async function clearCache(
  options: Pick<CacheCleanOptions, "cacheDir"> = {},
): Promise<CacheCleanResult> {
  return await removeAll(await listEntries(options.cacheDir ?? cacheDirectory()));
}

export { cacheDirectory } from "../config/cache_dir.ts";

async function readEntry(file: string): Promise<Blob | undefined> {
  const memo = loaded.get(file);
  if (memo) return memo;
  try {
    const blob = new Blob([await Deno.readFile(file)]);
    loaded.set(file, blob);
    const now = new Date();
    await Deno.utime(file, now, now).catch(() => {}); // last use orders the family for pruning
    return blob;
  } catch {
    return undefined; // a missing or unreadable entry is rebuilt
  }
}

/**
 * Checkpoints, so a copy starts with no WAL to replay, then writes atomically, so a
 * concurrent reader never loads half a tarball.
 */
async function saveEntry(file: string, driver: PgliteDriver): Promise<void> {
  await driver.exec("CHECKPOINT");
  const blob = await driver.dumpDataDir();
  loaded.set(file, blob);
  try {
    await Deno.mkdir(join(file, ".."), { recursive: true });
    const temporary = `${file}.${crypto.randomUUID()}.tmp`;
    await Deno.writeFile(temporary, new Uint8Array(await blob.arrayBuffer()));
    await Deno.rename(temporary, file);
  } catch {
    // A read-only or missing cache only costs speed.
  }
}

interface Entry {
  path: string;
  size: number;
  mtime: number;
  /** Of an entry of this PGlite version and layout. */
  family?: string;
  /** Another PGlite version's or layout's unused for a week, or an abandoned temporary file. */
  stale: boolean;
}

/** A temporary file this old belongs to a write that will not finish. */
const ABANDONED_MS = 60 * 60 * 1000;
/**
 * Entries of other PGlite versions or layouts are deleted once unused this long: another
 * tide version on this machine may still use them (each would delete the other's at once).
 */
const FOREIGN_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

async function listEntries(dir: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  try {
    for await (const item of Deno.readDir(dir)) {
      const tmp = item.name.endsWith(".tmp");
      if (!item.isFile || !item.name.startsWith("pglite-")) continue;
      if (!tmp && !item.name.endsWith(".tar")) continue;
      const path = join(dir, item.name);
      const info = await Deno.stat(path).catch(() => undefined);
      if (!info) continue;
      const mtime = info.mtime?.getTime() ?? 0;
      const current = !tmp && item.name.startsWith(PREFIX);
      entries.push({
        path,
        size: info.size,
        mtime,
        family: current ? familyOf(item.name.slice(PREFIX.length, -".tar".length)) : undefined,
        stale: Date.now() - mtime > (tmp ? ABANDONED_MS : current ? Infinity : FOREIGN_KEPT_MS),
      });
    }
  } catch {
    // No cache directory yet, or one we may not read: nothing to clean.
  }
  return entries;
}

async function removeAll(entries: readonly Entry[]): Promise<CacheCleanResult> {
  const result: CacheCleanResult = { removed: [], freedBytes: 0 };
  for (const entry of entries) {
    try {
      await Deno.remove(entry.path);
      loaded.delete(entry.path);
      result.removed.push(entry.path);
      result.freedBytes += entry.size;
    } catch {
      // Gone already (another process pruned it), or not ours to delete.
    }
  }
  result.removed.sort();
  return result;
}

function familyOf(name: string): string {
  const dash = name.lastIndexOf("-");
  return dash > 0 ? name.slice(0, dash) : name;
}

function safeName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.-]/g, "_");
}
