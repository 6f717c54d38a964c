/**
 * A cache of loaded migrations, for the CLI and every format: one JSON file per migrations
 * directory and load options in tide's cache directory, holding the `Migration[]` (and the
 * files reported unread) with what it was read from: every file of the directory's tree with
 * its size, mtime, ctime, inode and device. When nothing changed, `tide status` stats the files
 * and parses one JSON file instead of reading, detecting, parsing and hashing them all (and
 * loading the formats and `node:crypto`). Any difference is a full load, which rewrites the
 * entry; an unreadable, corrupt or unwritable cache only costs speed.
 *
 * A file's stamp proves nothing while it is fresh. File times are coarse (Deno gives ctime in
 * whole seconds, the kernel stamps files from a clock a tick behind), so an edit just after a
 * load may change no stat field: the entry then also holds the text of each file read whose
 * times are less than {@linkcode SETTLED_MS} older than the load's start (git's "racily clean"
 * rule), compared on the next run; a later run that finds them settled drops those texts.
 * Stamps are taken before the contents are read, so an edit during a load is a difference next
 * time, never a stale entry. What else a load depends on is in the key or recorded: tide's
 * version, the working directory and `dir` (the paths), the load options, the environment
 * variables a format read (goose's ENVSUB); a load that read the time (Flyway's
 * `${flyway:timestamp}`) is not cached.
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };
import type { LoadOptions, UnreadFile } from "./load.ts";
import type { Migration } from "./migration.ts";
import { processEnv } from "./formats/envsub.ts";
import { listTree, SourceTree, type TreeListing, treeOf } from "./formats/tree.ts";
import { join, resolve } from "./paths.ts"; // not node:path: see paths.ts

/** Bump when what an entry holds changes shape; tide's version is part of the key too. */
const LAYOUT = 1;
/** Entries kept, one per directory and options: the least recently written go first. */
const KEEP = 50;
const ENTRY = /^migrations-[0-9a-f]{8}\.json$/;
const TEMPORARY = /^migrations-[0-9a-f]{8}\.json\..+\.tmp$/;

/** Files stamped per turn of the event loop (see `stampsOf`). */
const STAMPS_PER_TURN = 100;

/** How old a file's mtime and ctime must be for its stamp to stand for its text. */
export const SETTLED_MS = 3000;

/** Where and when {@linkcode loadMigrationsCached} caches. */
export interface LoadCacheOptions {
  /** The cache directory; unset: no cache, a plain load. */
  cacheDir?: string;
  /** Milliseconds since the epoch (tests move it on, as fresh files are never settled). */
  now?: () => number;
}

/** A file of the tree as stat saw it: path, size, mtime, ctime, inode, device. */
type Stamp = [string, number, number, number, number, number];

interface Entry {
  key: string;
  files: string;
  /** The text of each file read that was not settled, by relative path. */
  texts: [string, string][];
  env: [string, string | null][];
  unread: UnreadFile[];
  code: string[];
  migrations: Migration[];
}

/**
 * Loads the migrations of `dir` like `loadMigrations`, from the cache entry of `dir` and
 * `options` when no file changed since it was written, else by reading every file (and then
 * writing the entry, once the files are settled). `options.onUnread` and
 * `options.onCodeMigration` are told the same files either way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMigrationsCached } from "./load_cache.ts";
 * import { loadMigrations } from "./load.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const cacheDir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/001_t.up.sql`, "CREATE TABLE t ();\n");
 * const later = () => Date.now() + 60_000; // fresh files are cached only once settled
 * const fresh = await loadMigrationsCached(dir, {}, { cacheDir, now: later });
 * assert.deepEqual(fresh, await loadMigrations(dir));
 * assert.deepEqual(await loadMigrationsCached(dir, {}, { cacheDir, now: later }), fresh);
 * await Deno.remove(dir, { recursive: true });
 * await Deno.remove(cacheDir, { recursive: true });
 * ```
 */
export async function loadMigrationsCached(
  dir: string,
  options: LoadOptions = {},
  cache: LoadCacheOptions = {},
): Promise<Migration[]> {
  const start = (cache.now ?? Date.now)();
  if (cache.cacheDir === undefined) {
    return (await loadRecorded(listTree(dir), options)).entry.migrations;
  }
  const key = keyOf(dir, options);
  const file = join(cache.cacheDir, `migrations-${fnv1a(key)}.json`);
  const text = await Deno.readTextFile(file).catch(() => undefined); // async: see `stampsOf`
  // As listed, not sorted into a tree: a hit needs neither the sort nor the tree.
  const listing = listTree(dir);
  const stamps = await stampsOf(listing);
  if (stamps === undefined) return (await loadRecorded(listing, options)).entry.migrations;
  const files = JSON.stringify(stamps);
  const fresh = freshFiles(stamps, start);
  const stored = parseEntry(text, key, files);
  if (stored && sameEnv(stored.env, options) && sameTexts(listing, stored.texts)) {
    const settled = stored.texts.length > 0 && fresh.size === 0;
    if (settled || stored.files !== files) {
      writeEntry(file, { ...stored, files, texts: settled ? [] : stored.texts });
    }
    for (const unread of stored.unread) options.onUnread?.(unread);
    for (const path of stored.code) options.onCodeMigration?.(path);
    return stored.migrations;
  }
  const { entry, cacheable } = await loadRecorded(listing, options, fresh);
  if (cacheable) writeEntry(file, { key, files, ...entry });
  return entry.migrations;
}

/** What the results depend on besides the files and the environment. */
function keyOf(dir: string, options: LoadOptions): string {
  const { format, pattern, placeholders, schema, user, database, onCodeMigration } = options;
  return JSON.stringify([
    LAYOUT,
    denoJson.version,
    Deno.cwd(), // paths are `dir` joined, relative to it; Flyway's `${flyway:workingDirectory}`
    dir,
    { format, pattern, placeholders, schema, user, database },
    onCodeMigration !== undefined, // code migrations left out rather than refused
  ]);
}

/**
 * Every file of `listing`, as listed, with its stat fields, or `undefined` when one cannot be
 * told apart. One file in {@linkcode STAMPS_PER_TURN} is stat'ed asynchronously: work started
 * alongside (`tide status` connects and queries meanwhile) gets its turns while a thousand files
 * are stamped.
 */
async function stampsOf(listing: TreeListing): Promise<(Stamp | string)[] | undefined> {
  const stamps: (Stamp | string)[] = listing.skipped.map((skipped) => skipped.path);
  // Absolute: Deno resolves a relative path with a getcwd call per stat.
  const base = join(resolve(listing.dir), "x").slice(0, -1);
  for (let i = 0; i < listing.files.length; i++) {
    const file = listing.files[i];
    let info: Deno.FileInfo;
    try {
      const path = base + file.rel;
      info = i % STAMPS_PER_TURN === 0 ? await Deno.stat(path) : Deno.statSync(path);
    } catch {
      return undefined; // gone since it was listed: a plain load says what is wrong
    }
    const mtime = info.mtime?.getTime();
    const ctime = info.ctime?.getTime();
    if (mtime === undefined || ctime === undefined || info.ino === null) return undefined;
    stamps.push([file.rel, info.size, mtime, ctime, info.ino, info.dev]);
  }
  return stamps;
}

/** The files whose times are too recent for their stamps to stand for their texts. */
function freshFiles(stamps: (Stamp | string)[], start: number): Set<string> {
  const fresh = new Set<string>();
  for (const s of stamps) {
    if (typeof s !== "string" && Math.max(s[2], s[3]) > start - SETTLED_MS) fresh.add(s[0]);
  }
  return fresh;
}

function sameTexts(listing: TreeListing, texts: readonly [string, string][]): boolean {
  if (texts.length === 0) return true;
  const tree = treeOf(listing);
  return texts.every(([rel, text]) => {
    const file = tree.get(rel);
    try {
      return file !== undefined && tree.text(file) === text;
    } catch {
      return false; // unreadable now: a full load says why
    }
  });
}

function parseEntry(text: string | undefined, key: string, files: string): Entry | undefined {
  if (text === undefined) return undefined; // missing or unreadable: a full load rewrites it
  try {
    const entry = JSON.parse(text) as Entry;
    const complete = Array.isArray(entry.migrations) && Array.isArray(entry.texts);
    const same = entry.files === files || sameStampSet(entry.files, files);
    return entry.key === key && same && complete ? entry : undefined;
  } catch {
    return undefined; // corrupt: a full load rewrites it
  }
}

/**
 * Whether two stamp lists (JSON) hold the same stamps in another order: a directory whose
 * entries were moved around on disk lists them anew. Same stamps have the same length of JSON,
 * so anything else costs one comparison.
 */
function sameStampSet(stored: string, files: string): boolean {
  if (typeof stored !== "string" || stored.length !== files.length) return false;
  const sorted = (json: string) =>
    (JSON.parse(json) as unknown[]).map((stamp) => JSON.stringify(stamp)).sort().join("\n");
  return sorted(stored) === sorted(files);
}

function sameEnv(env: readonly [string, string | null][], options: LoadOptions): boolean {
  const read = options.env ?? processEnv;
  return env.every(([name, value]) => (read(name) ?? null) === value);
}

/**
 * A full load, recording what it depended on: the variables read, whether it read the time, and
 * the texts of the `fresh` files it read.
 */
async function loadRecorded(
  listing: TreeListing,
  options: LoadOptions,
  fresh = new Set<string>(),
) {
  const { readMigrationTree } = await import("./load.ts");
  const read = new Set<string>();
  const recorded = new SourceTree(listing.dir, [...listing.files], (file) => {
    if (fresh.has(file.rel)) read.add(file.rel);
    return Deno.readFileSync(file.path);
  }, [...listing.skipped]);
  const env = new Map<string, string | null>();
  const unread: UnreadFile[] = [];
  const code: string[] = [];
  let readTime = false;
  const getEnv = options.env ?? processEnv;
  const recording: LoadOptions = {
    ...options,
    env: (name) => {
      const value = getEnv(name);
      env.set(name, value ?? null);
      return value;
    },
    onUnread: (file) => {
      unread.push(file);
      options.onUnread?.(file);
    },
    ...(options.onCodeMigration && {
      onCodeMigration: (path: string) => {
        code.push(path);
        options.onCodeMigration!(path);
      },
    }),
  };
  Object.defineProperty(recording, "now", {
    get: () => {
      readTime = true;
      return options.now;
    },
  });
  const migrations = readMigrationTree(recorded, recording);
  const texts = [...read].map((rel): [string, string] => [rel, recorded.text(recorded.get(rel)!)]);
  const entry = { texts, env: [...env], unread, code, migrations };
  return { entry, cacheable: !readTime };
}

function writeEntry(file: string, entry: Entry): void {
  const dir = join(file, "..");
  try {
    Deno.mkdirSync(dir, { recursive: true });
    const temporary = `${file}.${crypto.randomUUID()}.tmp`;
    // Owner only: Flyway placeholders and goose's variables may be secrets.
    Deno.writeTextFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
    Deno.renameSync(temporary, file); // atomic: a concurrent reader never sees half an entry
    prune(dir);
  } catch {
    // A read-only or missing cache directory only costs speed.
  }
}

/** Keeps the {@linkcode KEEP} entries written last (test runs make many) and no stray `.tmp`. */
function prune(dir: string): void {
  const entries: { path: string; at: number }[] = [];
  for (const item of Deno.readDirSync(dir)) {
    const entry = ENTRY.test(item.name);
    if (!item.isFile || !(entry || TEMPORARY.test(item.name))) continue;
    const path = join(dir, item.name);
    const at = Deno.statSync(path).mtime?.getTime() ?? 0;
    if (entry) entries.push({ path, at });
    else if (Date.now() - at > 60 * 60 * 1000) Deno.removeSync(path); // an interrupted write
  }
  entries.sort((a, b) => b.at - a.at);
  for (const { path } of entries.slice(KEEP)) Deno.removeSync(path);
}

/**
 * Deletes every entry (and stray temporary file) of this cache in `cacheDir`, for `tide cache
 * clean`; the paths removed and their total size. Never throws for a missing directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clearLoadCache } from "./load_cache.ts";
 *
 * const cacheDir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${cacheDir}/migrations-0123abcd.json`, "{}");
 * await Deno.writeTextFile(`${cacheDir}/notes.txt`, "not tide's");
 * assert.deepEqual(clearLoadCache(cacheDir), {
 *   removed: [`${cacheDir}/migrations-0123abcd.json`],
 *   freedBytes: 2,
 * });
 * await Deno.remove(cacheDir, { recursive: true });
 * ```
 */
export function clearLoadCache(cacheDir: string): { removed: string[]; freedBytes: number } {
  const result = { removed: [] as string[], freedBytes: 0 };
  try {
    for (const item of Deno.readDirSync(cacheDir)) {
      if (!item.isFile || !(ENTRY.test(item.name) || TEMPORARY.test(item.name))) continue;
      const path = join(cacheDir, item.name);
      const { size } = Deno.statSync(path);
      Deno.removeSync(path);
      result.removed.push(path);
      result.freedBytes += size;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return result;
}

/** 32-bit FNV-1a, in hex: names an entry; the entry holds its whole key, so a clash only misses. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
