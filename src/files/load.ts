/**
 * Loading a migrations directory (or a set of files from elsewhere, such as a git revision)
 * into sorted {@linkcode Migration}s. Every problem is found before any database is touched,
 * and all of them are reported at once.
 *
 * @module
 */

import { basename } from "./paths.ts"; // not node:path: see paths.ts
import { MigrationError, MigrationSourceError } from "../errors.ts";
import type { Migration, MigrationScript } from "./migration.ts";
import {
  type MigrationFileName,
  type ParsedMigrationFile,
  parseFileName,
  parseMigration,
} from "./parse.ts";
import { positionAt } from "../sql/position.ts";
import { canonicalVersion, compareVersions } from "./version.ts";
import { readMigrationFiles } from "./read_dir.ts";

export { readMigrationFiles };

/** The migrations directory when none is given. */
export const DEFAULT_MIGRATIONS_DIR = "migrations";

/** A file to read as a migration: its path (only the base name is parsed) and its bytes. */
export interface MigrationFileInput {
  /** Path of the file; becomes `MigrationScript.path`. */
  path: string;
  /** The raw file content, expected to be UTF-8. */
  bytes: Uint8Array;
}

/** What parsing one file gives, and its checksum once computed: what a cache can keep. */
export interface ParsedFile extends ParsedMigrationFile {
  /** `checksumText` of the file's text, for files holding an up. */
  checksum?: string;
}

/**
 * A store of {@linkcode ParsedFile}s by path and exact text, so unchanged files are not parsed
 * (nor hashed) again. `get` must return a result only for that very text.
 */
export interface ParsedFileCache {
  /** The result cached for the file at `path` when its text is `text`. */
  get(path: string, text: string): ParsedFile | undefined;
  /** Keeps the result for the file at `path` with `text`. */
  set(path: string, text: string, parsed: ParsedFile): void;
}

/** One file read and parsed. */
interface ReadFile extends ParsedFile {
  path: string;
  fileName: MigrationFileName;
  text: string;
}

/**
 * Reads the migrations of `dir`, sorted by version. Only the top level of `dir` is read (no
 * recursion); files not ending in `.sql`, and files whose name starts with `_` or `.`, are
 * skipped. Throws `MigrationError` `MISSING_DIRECTORY` when `dir` does not exist, and a
 * {@linkcode MigrationSourceError} listing every problem in the files.
 *
 * @example
 * ```ts ignore
 * import { loadMigrations } from "./load.ts";
 *
 * for (const migration of await loadMigrations("migrations")) {
 *   console.log(migration.version, migration.name, migration.up.path);
 * }
 * ```
 */
export async function loadMigrations(dir: string): Promise<Migration[]> {
  return await parseMigrationFiles(await readMigrationFiles(dir));
}

/**
 * Parses migration files given as bytes (from disk, or from a git revision as the GitHub Action
 * does) into migrations sorted by version. Files that are not migrations are skipped, like
 * {@linkcode loadMigrations} does. Throws a {@linkcode MigrationSourceError} listing every
 * problem: `INVALID_FILE_NAME`, `INVALID_UTF8`, `INVALID_SECTIONS`, `INVALID_DIRECTIVE`,
 * `EMPTY_UP`, `UNKNOWN_TEMPLATE`, `INVALID_IDENTIFIER`, `DUPLICATE_VERSION`, `DOWN_WITHOUT_UP`.
 *
 * @example
 * ```ts
 * import { parseMigrationFiles } from "./load.ts";
 *
 * const bytes = new TextEncoder().encode("CREATE TABLE t ();\n");
 * const [migration] = await parseMigrationFiles([{ path: "db/001_t.up.sql", bytes }]);
 * console.log(migration.version, migration.down); // "001" undefined
 * ```
 */
export function parseMigrationFiles(files: readonly MigrationFileInput[]): Promise<Migration[]> {
  return parseMigrationFilesWith(files);
}

/**
 * {@linkcode parseMigrationFiles} with a cache of each file's result: a file whose text the
 * cache holds is neither parsed nor hashed again. The checksum module (and `node:crypto`) is
 * loaded only when a file must be hashed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ParsedFile, parseMigrationFilesWith } from "./load.ts";
 *
 * const store = new Map<string, ParsedFile>();
 * const cache = {
 *   get: (path: string, text: string) => store.get(path + "\0" + text),
 *   set: (path: string, text: string, parsed: ParsedFile) => store.set(path + "\0" + text, parsed),
 * };
 * const files = [{ path: "001_t.up.sql", bytes: new TextEncoder().encode("CREATE TABLE t ();\n") }];
 * const first = await parseMigrationFilesWith(files, cache);
 * assert.deepEqual(await parseMigrationFilesWith(files, cache), first);
 * assert.equal(store.size, 1);
 * ```
 */
export async function parseMigrationFilesWith(
  files: readonly MigrationFileInput[],
  cache?: ParsedFileCache,
): Promise<Migration[]> {
  const read = parseEach(files, cache);
  const unhashed = read.files.filter((file) => file.fileName.kind !== "down" && !file.checksum);
  if (unhashed.length > 0) {
    const { checksumText } = await import("./checksum.ts");
    for (const file of unhashed) {
      file.checksum = checksumText(file.text);
      cache?.set(file.path, file.text, parsedOf(file));
    }
  }
  const migrations = pairUp(read.files, read.brokenUps, read.problems);
  if (read.problems.length > 0) throw new MigrationSourceError(read.problems);
  return migrations.sort((a, b) => compareVersions(a.version, b.version));
}

function parsedOf(file: ReadFile): ParsedFile {
  const { up, down, noTransaction, checksum } = file;
  return {
    noTransaction,
    ...(up === undefined ? {} : { up }),
    ...(down === undefined ? {} : { down }),
    ...(checksum === undefined ? {} : { checksum }),
  };
}

/** Every file decoded and parsed (or found in the cache), with the problems met. */
function parseEach(files: readonly MigrationFileInput[], cache?: ParsedFileCache): {
  files: ReadFile[];
  brokenUps: Set<string>;
  problems: MigrationError[];
} {
  const problems: MigrationError[] = [];
  const read: ReadFile[] = [];
  /** Versions whose up file failed to parse: their down files are not reported as orphans. */
  const brokenUps = new Set<string>();
  const sorted = [...files].sort((a, b) => compareText(basename(a.path), basename(b.path)));
  for (const file of sorted) {
    let fileName: MigrationFileName | undefined;
    try {
      fileName = parseFileName(basename(file.path), file.path);
      if (fileName === undefined) continue;
      const text = decode(file);
      const cached = cache?.get(file.path, text);
      const parsed = cached ?? parseMigration(text, file.path, fileName.kind);
      if (cached === undefined && fileName.kind === "down") cache?.set(file.path, text, parsed);
      read.push({ path: file.path, fileName, text, ...parsed });
    } catch (error) {
      if (!(error instanceof MigrationError)) throw error;
      problems.push(error);
      if (fileName !== undefined && fileName.kind !== "down") {
        brokenUps.add(canonicalVersion(fileName.version));
      }
    }
  }
  return { files: read, brokenUps, problems };
}

/** Matches down files to up files by version; pushes what does not match to `problems`. */
function pairUp(
  files: readonly ReadFile[],
  brokenUps: ReadonlySet<string>,
  problems: MigrationError[],
): Migration[] {
  const ups = new Map<string, ReadFile>();
  for (const file of files.filter((file) => file.fileName.kind !== "down")) {
    const key = canonicalVersion(file.fileName.version);
    const earlier = ups.get(key);
    if (earlier === undefined) ups.set(key, file);
    else problems.push(duplicateVersion(earlier, file, "Give one of them another version."));
  }
  const downs = new Map<string, ReadFile>();
  for (const file of files.filter((file) => file.fileName.kind === "down")) {
    const key = canonicalVersion(file.fileName.version);
    if (brokenUps.has(key)) continue;
    const problem = downProblem(file, ups.get(key), downs.get(key));
    if (problem === undefined) downs.set(key, file);
    else problems.push(problem);
  }
  return [...ups].map(([key, up]) => toMigration(up, downs.get(key)));
}

function downProblem(
  down: ReadFile,
  up: ReadFile | undefined,
  earlierDown: ReadFile | undefined,
): MigrationError | undefined {
  const { version, name } = down.fileName;
  const flyway = basename(down.path).startsWith("U");
  const expected = flyway ? `V${version}__${name}.sql` : `${version}_${name}.up.sql`;
  if (earlierDown !== undefined) {
    return duplicateVersion(earlierDown, down, "Keep one down file per migration.");
  }
  if (up?.fileName.kind === "single") {
    return duplicateVersion(
      up,
      down,
      `${up.path} holds both directions: move this SQL under its "-- migrate:down" line and ` +
        "delete this file.",
    );
  }
  if (up !== undefined && up.fileName.version === version && up.fileName.name === name) return;
  const why = up === undefined
    ? `there is no up migration with version ${version}. Add ${expected}, or delete this file.`
    : `its up migration is ${up.path}, whose version or name is written differently. ` +
      "Rename one so that both match.";
  return new MigrationError("DOWN_WITHOUT_UP", `Cannot load ${down.path}: ${why}`, {
    file: down.path,
    version,
  });
}

function duplicateVersion(first: ReadFile, second: ReadFile, fix: string): MigrationError {
  const [a, b] = [first.fileName.version, second.fileName.version];
  const versions = a === b
    ? `both have version ${a}`
    : `have the same version (${a} and ${b} are equal as numbers)`;
  return new MigrationError(
    "DUPLICATE_VERSION",
    `Cannot load migrations: ${first.path} and ${second.path} ${versions}. ${fix}`,
    { file: second.path, version: b },
  );
}

function toMigration(up: ReadFile, down: ReadFile | undefined): Migration {
  const downScript = up.down ?? down?.down;
  return {
    version: up.fileName.version,
    name: up.fileName.name,
    up: up.up as MigrationScript,
    ...(downScript === undefined ? {} : { down: downScript }),
    noTransaction: up.noTransaction || (down?.noTransaction ?? false),
    checksum: up.checksum!,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One decoder for every file: making one per file costs more than the decoding. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function decode(file: MigrationFileInput): string {
  try {
    return UTF8.decode(file.bytes);
  } catch (error) {
    const lossy = new TextDecoder("utf-8").decode(file.bytes);
    const { line, column } = positionAt(lossy, Math.max(0, lossy.indexOf("\uFFFD")));
    throw new MigrationError(
      "INVALID_UTF8",
      `Cannot read ${file.path}:${line}:${column}: the file is not valid UTF-8. Save it as ` +
        "UTF-8 (for example with iconv -f latin1 -t utf-8).",
      { file: file.path, line, column, cause: error },
    );
  }
}
