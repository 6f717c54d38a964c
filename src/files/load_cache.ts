/**
 * A parse cache for the CLI: each migration file's parse result and checksum, kept by path and
 * exact text in one JSON file per migrations directory under tide's cache directory. A run
 * where nothing changed reads the files but neither parses nor hashes them (nor loads
 * `node:crypto`): `tide status` at 500 migrations spends ~2 ms here instead of ~40.
 *
 * @module
 */
import { join, resolve } from "./paths.ts"; // not node:path: see paths.ts
import denoJson from "../../deno.json" with { type: "json" };
import type { Migration, MigrationScript } from "./migration.ts";
import { type ParsedFile, type ParsedFileCache, parseMigrationFilesWith } from "./load.ts";
import { isDownFileName, listSqlFiles, readFiles } from "./read_dir.ts";

/** Options of {@linkcode loadMigrationsCached}. */
export interface LoadCachedOptions {
  /**
   * `false`: leave down files unread (`status` and `current` compare only the ups with the
   * database): the migrations come without their separate down files, and problems in those
   * files go unreported.
   */
  downs?: boolean;
}

/** Bump when what parsing produces changes shape; tide's version is part of the key too. */
const FORMAT = 1;

/** Cache files kept, one per migrations directory: the least recently written go first. */
const KEEP = 50;

/** A script as stored: its SQL left out when it is the whole text of its file. */
interface StoredScript {
  sql?: string;
  line: number;
  column: number;
}

interface StoredFile {
  text: string;
  noTransaction: boolean;
  checksum?: string;
  up?: StoredScript;
  down?: StoredScript;
}

interface CacheFile {
  format: number;
  tide: string;
  dir: string;
  files: Record<string, StoredFile>;
}

/**
 * Loads the migrations of `dir` like `loadMigrations` (or only their ups), reusing the results cached under
 * `cacheDir` for files whose text is unchanged, and updating the cache when anything changed
 * (no cache without `cacheDir`). A cache that cannot be read or written only costs speed.
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
 * const fresh = await loadMigrationsCached(dir, cacheDir);
 * assert.deepEqual(fresh, await loadMigrations(dir));
 * assert.deepEqual(await loadMigrationsCached(dir, cacheDir), fresh);
 * await Deno.remove(dir, { recursive: true });
 * await Deno.remove(cacheDir, { recursive: true });
 * ```
 */
export async function loadMigrationsCached(
  dir: string,
  cacheDir: string | undefined,
  options: LoadCachedOptions = {},
): Promise<Migration[]> {
  const absolute = resolve(dir);
  const file = cacheDir && join(cacheDir, `migrations-${fnv1a(absolute)}.json`);
  const stored = file ? readCache(file, absolute) : {};
  const names = listSqlFiles(dir);
  const skipped = new Set(options.downs === false ? names.filter(isDownFileName) : []);
  const files = readFiles(dir, names.filter((name) => !skipped.has(name)));
  const kept: Record<string, StoredFile> = {};
  for (const name of skipped) {
    const path = join(dir, name);
    if (stored[path]) kept[path] = stored[path]; // not read this time: keep what was known
  }
  let changed = false;
  const cache: ParsedFileCache = {
    get(path, text) {
      const entry = stored[path];
      if (entry === undefined || entry.text !== text) return undefined;
      kept[path] = entry;
      return parsedFrom(path, entry);
    },
    set(path, text, parsed) {
      kept[path] = storedFrom(text, parsed);
      changed = true;
    },
  };
  const migrations = await parseMigrationFilesWith(files, cache);
  changed ||= Object.keys(kept).length !== Object.keys(stored).length;
  if (changed && file) {
    writeCache(file, { format: FORMAT, tide: denoJson.version, dir: absolute, files: kept });
  }
  return migrations;
}

function readCache(file: string, dir: string): Record<string, StoredFile> {
  try {
    const cache = JSON.parse(Deno.readTextFileSync(file)) as CacheFile;
    const current = cache.format === FORMAT && cache.tide === denoJson.version && cache.dir === dir;
    return current && typeof cache.files === "object" ? cache.files : {};
  } catch {
    return {}; // missing, unreadable or corrupt: parse everything
  }
}

function writeCache(file: string, cache: CacheFile): void {
  try {
    Deno.mkdirSync(join(file, ".."), { recursive: true });
    const temporary = `${file}.${crypto.randomUUID()}.tmp`;
    Deno.writeTextFileSync(temporary, JSON.stringify(cache));
    Deno.renameSync(temporary, file); // atomic: a concurrent reader never sees half a file
    prune(join(file, ".."));
  } catch {
    // A read-only or missing cache directory only costs speed.
  }
}

/** Keeps the {@linkcode KEEP} most recently written cache files: test runs make many. */
function prune(dir: string): void {
  const files = [...Deno.readDirSync(dir)]
    .filter((entry) => entry.isFile && /^migrations-[0-9a-f]{8}\.json$/.test(entry.name))
    .map((entry) => ({
      path: join(dir, entry.name),
      at: Deno.statSync(join(dir, entry.name)).mtime,
    }))
    .sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0));
  for (const { path } of files.slice(KEEP)) Deno.removeSync(path);
}

function storedFrom(text: string, parsed: ParsedFile): StoredFile {
  const script = (s: MigrationScript | undefined): StoredScript | undefined =>
    s && { ...(s.sql === text ? {} : { sql: s.sql }), line: s.line, column: s.column };
  return {
    text,
    noTransaction: parsed.noTransaction,
    ...(parsed.checksum === undefined ? {} : { checksum: parsed.checksum }),
    ...(parsed.up ? { up: script(parsed.up) } : {}),
    ...(parsed.down ? { down: script(parsed.down) } : {}),
  };
}

function parsedFrom(path: string, entry: StoredFile): ParsedFile {
  const script = (s: StoredScript): MigrationScript => ({
    path,
    sql: s.sql ?? entry.text,
    line: s.line,
    column: s.column,
  });
  return {
    noTransaction: entry.noTransaction,
    ...(entry.checksum === undefined ? {} : { checksum: entry.checksum }),
    ...(entry.up ? { up: script(entry.up) } : {}),
    ...(entry.down ? { down: script(entry.down) } : {}),
  };
}

/** FNV-1a of a path, as 8 hex digits: a file name, not a security boundary. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
