/**
 * A migrations directory as the formats see it: every file under it, by its `/`-separated path
 * relative to the directory, read only when a format asks (and then once). Built from disk
 * (synchronous reads: for hundreds of small files they beat as many promises) or from bytes
 * (files read from a git revision).
 *
 * @module
 */
import { join, relative } from "../paths.ts"; // not node:path: see paths.ts
import { MigrationError } from "../../errors.ts";
import { positionAt } from "../../sql/position.ts";

/** How deep `readTree` lists: sqitch change names may hold a few `/`. */
const MAX_DEPTH = 6;

/** One file of a tree. */
export interface SourceFile {
  /** `/`-separated path relative to the tree's directory. */
  readonly rel: string;
  /** Path as tide names it in messages: the directory joined with `rel`. */
  readonly path: string;
}

/**
 * The files of a migrations directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treeFromBytes } from "./tree.ts";
 *
 * const bytes = new TextEncoder().encode("create table t ();\n");
 * const tree = treeFromBytes("db", [{ path: "db/001_t.up.sql", bytes }]);
 * assert.deepEqual(tree.files.map((f) => f.rel), ["001_t.up.sql"]);
 * assert.equal(tree.text(tree.files[0]), "create table t ();\n");
 * ```
 */
export class SourceTree {
  /** The directory, as given. */
  readonly dir: string;
  /** Every file, sorted by `rel` (code unit order). */
  readonly files: readonly SourceFile[];
  /** Entries that are not files to read, with why: dangling symbolic links. */
  readonly skipped: readonly { path: string; why: string }[] = [];
  readonly #read: (file: SourceFile) => Uint8Array;
  #byRel?: Map<string, SourceFile>;
  readonly #texts = new Map<string, string>();

  /** A tree of `files` under `dir`, whose bytes `read` gives. */
  constructor(
    dir: string,
    files: SourceFile[],
    read: (file: SourceFile) => Uint8Array,
    skipped: { path: string; why: string }[] = [],
  ) {
    this.dir = dir;
    this.skipped = skipped;
    this.#read = read;
    this.files = sortedByRel(files);
  }

  /** The file at `rel`, if any. */
  get(rel: string): SourceFile | undefined {
    // Indexed on first use: a cache hit of `tide status` never asks.
    this.#byRel ??= new Map(this.files.map((file) => [file.rel, file]));
    return this.#byRel.get(rel);
  }

  /** Files directly in the directory (no `/` in `rel`). */
  topLevel(): SourceFile[] {
    return this.files.filter((file) => !file.rel.includes("/"));
  }

  /** The file's raw bytes. */
  bytes(file: SourceFile): Uint8Array {
    return this.#read(file);
  }

  /** The file's text, UTF-8 decoded; throws `MigrationError` `INVALID_UTF8`. */
  text(file: SourceFile): string {
    let text = this.#texts.get(file.rel);
    if (text === undefined) {
      text = decode(file.path, this.#read(file));
      this.#texts.set(file.rel, text);
    }
    return text;
  }
}

/**
 * `files` in code unit order of `rel`, by the default sort (no call per comparison: 1000 files at
 * each start): each key is `rel`, a NUL (below every character, and in no file name), its index.
 */
function sortedByRel(files: readonly SourceFile[]): SourceFile[] {
  const keys = files.map((file, i) => `${file.rel}\0${i}`).sort();
  return keys.map((key) => files[Number(key.slice(key.lastIndexOf("\0") + 1))]);
}

/** A file given as bytes: its path (joined to the directory) and its content. */
export interface FileBytes {
  /** Path of the file. */
  path: string;
  /** The raw content. */
  bytes: Uint8Array;
}

/**
 * A tree of files given as bytes. `dir` is the migrations directory their paths start with;
 * when it is undefined, their deepest common folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treeFromBytes } from "./tree.ts";
 *
 * const bytes = new Uint8Array();
 * const tree = treeFromBytes(undefined, [
 *   { path: "m/2019-11-11-162609_a/up.sql", bytes },
 *   { path: "m/2020-01-01-000000_b/up.sql", bytes },
 * ]);
 * assert.equal(tree.dir, "m");
 * ```
 */
export function treeFromBytes(dir: string | undefined, files: readonly FileBytes[]): SourceTree {
  const base = dir ?? commonFolder(files.map((file) => file.path));
  const bytes = new Map<string, Uint8Array>();
  const entries = files.map((file) => {
    const rel = relativeRel(base, file.path);
    bytes.set(rel, file.bytes);
    return { rel, path: file.path };
  });
  return new SourceTree(base, entries, (file) => bytes.get(file.rel)!);
}

/** The files of a directory on disk as listed, before {@linkcode treeOf} sorts them. */
export interface TreeListing {
  /** The directory, as given. */
  readonly dir: string;
  /** Every file, in the order the directory gave them. */
  readonly files: readonly SourceFile[];
  /** Entries that are not files to read, with why: dangling symbolic links. */
  readonly skipped: readonly { path: string; why: string }[];
}

/**
 * The files of `dir` on disk: every regular file down to a few folders deep, leaving out names
 * starting with `.` and `node_modules`, unsorted (the load cache compares them as listed).
 * Throws `MigrationError` `MISSING_DIRECTORY`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listTree, treeOf } from "./tree.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/002_b.up.sql`, "");
 * await Deno.writeTextFile(`${dir}/001_a.up.sql`, "");
 * const listing = listTree(dir);
 * assert.equal(listing.files.length, 2);
 * assert.deepEqual(treeOf(listing).files.map((f) => f.rel), ["001_a.up.sql", "002_b.up.sql"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function listTree(dir: string): TreeListing {
  const files: SourceFile[] = [];
  const skipped: { path: string; why: string }[] = [];
  listInto(dir, "", 0, files, skipped);
  return { dir, files, skipped };
}

/** The tree of a listing, its files read from disk when a format asks. */
export function treeOf(listing: TreeListing): SourceTree {
  const { dir, files, skipped } = listing;
  return new SourceTree(dir, [...files], (file) => Deno.readFileSync(file.path), [...skipped]);
}

/** `treeOf(listTree(dir))`: the tree of `dir` on disk, sorted. */
export function readTree(dir: string): SourceTree {
  return treeOf(listTree(dir));
}

function listInto(
  dir: string,
  prefix: string,
  depth: number,
  files: SourceFile[],
  skipped: { path: string; why: string }[],
): void {
  const folder = prefix === "" ? dir : join(dir, prefix);
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync(folder);
  } catch (error) {
    if (depth > 0) return; // an unreadable subfolder is not the user's migrations
    throw missingDirectory(dir, error);
  }
  // join(dir, rel) for every entry, the folder normalized once: names hold no separator.
  const base = join(dir, prefix, "x").slice(0, -1);
  try {
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      const path = base + entry.name;
      const kind = entry.isSymlink ? statKind(path) : entry.isDirectory ? "dir" : "file";
      if (kind === "file" && (entry.isFile || entry.isSymlink)) files.push({ rel, path });
      else if (kind === "dir" && depth < MAX_DEPTH) listInto(dir, rel, depth + 1, files, skipped);
      else if (kind === "dangling") skipped.push({ path, why: danglingLink(path) });
    }
  } catch (error) {
    if (depth === 0) throw missingDirectory(dir, error);
  }
}

function statKind(path: string): "file" | "dir" | "other" | "dangling" {
  try {
    const info = Deno.statSync(path);
    return info.isFile ? "file" : info.isDirectory ? "dir" : "other";
  } catch {
    return "dangling"; // no migration, but worth naming
  }
}

/** Why a dangling symbolic link is not read. */
function danglingLink(path: string): string {
  let target = "a path";
  try {
    target = Deno.readLinkSync(path);
  } catch {
    // unreadable link: named without its target
  }
  return `it is a symbolic link to ${target}, which does not exist`;
}

function missingDirectory(dir: string, error: unknown): unknown {
  if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
    return error;
  }
  let link: string | undefined;
  try {
    if (Deno.lstatSync(dir).isSymlink) link = danglingLink(dir);
  } catch {
    // not there at all
  }
  return new MigrationError(
    "MISSING_DIRECTORY",
    `Cannot load migrations from ${dir}: ${
      link ??
        (error instanceof Deno.errors.NotFound
          ? "there is no such directory"
          : "it is not a directory")
    }. Create the first migration with \`tide new <name>\`, or point at your migrations ` +
      "directory with --dir.",
    { file: dir, cause: error },
  );
}

function relativeRel(base: string, path: string): string {
  const rel = base === "" ? path : relative(base, path);
  return rel.replaceAll("\\", "/");
}

function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return "";
  const split = paths.map((path) => path.replaceAll("\\", "/").split("/").slice(0, -1));
  let common = split[0];
  for (const parts of split.slice(1)) {
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join("/");
}

function decode(path: string, bytes: Uint8Array): string {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const nul = text.indexOf("\0");
    if (nul !== -1) {
      const { line, column } = positionAt(text, nul);
      throw new MigrationError(
        "INVALID_UTF8",
        `Cannot read ${path}:${line}:${column}: the file holds a NUL byte, which PostgreSQL ` +
          "accepts nowhere in SQL text. Remove it (the file may have been saved as UTF-16).",
        { file: path, line, column },
      );
    }
    return text;
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    const lossy = new TextDecoder("utf-8").decode(bytes);
    const { line, column } = positionAt(lossy, Math.max(0, lossy.indexOf("\uFFFD")));
    throw new MigrationError(
      "INVALID_UTF8",
      `Cannot read ${path}:${line}:${column}: the file is not valid UTF-8. Save it as ` +
        "UTF-8 (for example with iconv -f latin1 -t utf-8).",
      { file: path, line, column, cause: error },
    );
  }
}
