/**
 * Reading a migrations directory's files (top level, `.sql`) as bytes, for `load.ts` and its
 * cache; every problem with their content is found when they are parsed.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import type { MigrationFileInput } from "./load.ts";
import { parseFileName } from "./parse.ts";
import { join } from "./paths.ts"; // not node:path: see paths.ts

/**
 * The migration files of `dir` (top level, `.sql`), as bytes; what {@linkcode loadMigrations}
 * parses. Throws `MISSING_DIRECTORY` like it.
 *
 * @example
 * ```ts ignore
 * const files = await readMigrationFiles("migrations");
 * ```
 */
export function readMigrationFiles(dir: string): Promise<MigrationFileInput[]> {
  try {
    return Promise.resolve(readFiles(dir, listSqlFiles(dir)));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The files named `names` in `dir`, as bytes.
 *
 * @example
 * ```ts ignore
 * const files = readFiles("migrations", ["001_a.up.sql"]);
 * ```
 */
export function readFiles(dir: string, names: readonly string[]): MigrationFileInput[] {
  // Synchronous reads: for hundreds of small files they beat as many promises.
  return names.map((fileName) => {
    const path = join(dir, fileName);
    return { path, bytes: Deno.readFileSync(path) };
  });
}

/**
 * Whether a file name names a down file (`.down.sql`, Flyway's `U...`), which commands that only
 * compare the ups with a database need not read. A bad name is not a down: it is read, and
 * reported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isDownFileName } from "./load.ts";
 *
 * assert.equal(isDownFileName("001_a.down.sql"), true);
 * assert.equal(isDownFileName("002_b.sql"), false);
 * ```
 */
export function isDownFileName(name: string): boolean {
  try {
    return parseFileName(name)?.kind === "down";
  } catch {
    return false;
  }
}

/**
 * The `.sql` files at the top of `dir`; `MISSING_DIRECTORY` when it does not exist.
 *
 * @example
 * ```ts ignore
 * const names = listSqlFiles("migrations");
 * ```
 */
export function listSqlFiles(dir: string): string[] {
  const names: string[] = [];
  try {
    // Synchronous: iterating a directory of a thousand files asynchronously costs ~10 ms.
    for (const entry of Deno.readDirSync(dir)) {
      if (!entry.name.toLowerCase().endsWith(".sql") || entry.isDirectory) continue;
      if (entry.isFile || Deno.statSync(join(dir, entry.name)).isFile) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
      throw error;
    }
    throw new MigrationError(
      "MISSING_DIRECTORY",
      `Cannot load migrations from ${dir}: ${
        error instanceof Deno.errors.NotFound
          ? "there is no such directory"
          : "it is not a directory"
      }. Create the first migration with \`tide new <name>\`, or point at your migrations ` +
        "directory with --dir.",
      { file: dir, cause: error },
    );
  }
  return names;
}
