/**
 * Creating a new migration: the next version, in the format and naming the directory already
 * uses (each format's `scaffold`).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { MigrationError } from "../errors.ts";
import { type LoadOptions, resolveFormat } from "./load.ts";
import type { Migration } from "./migration.ts";
import { readTree, type SourceTree, treeFromBytes } from "./formats/tree.ts";

/** What {@linkcode createMigration} wrote. */
export interface CreatedMigration {
  /** The new version. */
  version: string;
  /** The sanitized name. */
  name: string;
  /** Paths written, up first. */
  files: string[];
}

/**
 * A name as it may appear in a file name: lowercase `[a-z0-9_]`, runs of anything else turned
 * into one `_`. Empty when nothing is left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sanitizeName } from "./scaffold.ts";
 *
 * assert.equal(sanitizeName("Add Users' e-mail!"), "add_users_e_mail");
 * ```
 */
export function sanitizeName(name: string): string {
  return name.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/** Options of {@linkcode createMigration}. */
export interface CreateOptions extends LoadOptions {
  /** Now, for timestamp versions. */
  now?: Date;
  /** The up SQL to write, instead of the scaffold's comments. */
  up?: string;
  /** The down SQL to write; refused by formats without downs (Prisma, plain). */
  down?: string;
  /**
   * Write a TypeScript migration, `<version>_<name>.ts` (tide's format only): `up` and `down`
   * are then code for the bodies of its functions.
   */
  typescript?: boolean;
}

/**
 * Writes a new migration in `dir` (created when missing) with the next version, in the
 * directory's format and naming (`options.format`, detected when `auto`); for tide's own, as
 * most existing migrations are named: `.up.sql` + `.down.sql`, one file with `-- migrate:up`
 * and `-- migrate:down`, or Flyway's `V`/`U` files. With `options.up` and `options.down`, their
 * SQL is written where the format keeps each direction, instead of the scaffold's comments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { createMigration } from "./scaffold.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(join(dir, "009_init.up.sql"), "CREATE TABLE t ();\n");
 * const { version, files } = await createMigration(dir, "add users");
 * assert.equal(version, "010");
 * assert.deepEqual(files, [
 *   join(dir, "010_add_users.up.sql"),
 *   join(dir, "010_add_users.down.sql"),
 * ]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example With content
 * ```ts
 * import assert from "node:assert/strict";
 * import { createMigration } from "./scaffold.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const up = "CREATE TABLE users (id int);";
 * const { files } = await createMigration(dir, "users", { up, down: "DROP TABLE users;" });
 * assert.equal(await Deno.readTextFile(files[0]), "CREATE TABLE users (id int);\n");
 * assert.equal(await Deno.readTextFile(files[1]), "DROP TABLE users;\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function createMigration(
  dir: string,
  rawName: string,
  options: CreateOptions | Date = {},
): Promise<CreatedMigration> {
  const { now = new Date(), up, down, typescript, ...load } = options instanceof Date
    ? { now: options }
    : options;
  const name = sanitizeName(rawName);
  if (name === "") {
    throw new MigrationError(
      "INVALID_FILE_NAME",
      `Cannot create a migration named "${rawName}": nothing is left of it after keeping only ` +
        "letters, digits and underscores. Use a name such as add_users.",
    );
  }
  const tree = existingTree(dir);
  const format = resolveFormat(tree, load);
  let migrations: Migration[] = [];
  try {
    migrations = format.read(tree, load);
  } catch (error) {
    // A directory that does not load still gets its next migration; `validate` reports it.
    if (!(error instanceof MigrationError)) throw error;
  }
  const content = up === undefined && down === undefined ? undefined : { up, down };
  if (typescript && format.name !== "tide") {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Cannot create a TypeScript migration in ${dir}: its migrations are in ${format.name}'s ` +
        "format, and TypeScript migrations are tide's own. Use --format tide (a tide directory " +
        "may mix .sql and .ts migrations), or write SQL.",
    );
  }
  const code = typescript ? "typescript" as const : undefined;
  const written = format.scaffold({ tree, migrations, name, now, content, code });
  await Deno.mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const file of written) {
    const path = join(dir, ...file.path.split("/"));
    await Deno.mkdir(dirname(path), { recursive: true });
    // createNew: never overwrite a file someone else just wrote.
    await Deno.writeTextFile(path, file.text, file.append ? { append: true } : { createNew: true });
    files.push(path);
  }
  return { version: newVersion(dir, load, migrations, written[0]?.path ?? ""), name, files };
}

function existingTree(dir: string): SourceTree {
  try {
    return readTree(dir);
  } catch (error) {
    if (error instanceof MigrationError && error.code === "MISSING_DIRECTORY") {
      return treeFromBytes(dir, []);
    }
    throw error;
  }
}

/** The version of the migration `tide new` added: the one not among `before`. */
function newVersion(dir: string, load: LoadOptions, before: readonly Migration[], first: string) {
  const known = new Set(before.map((m) => `${m.version}\0${m.up.path}`));
  try {
    const after = resolveFormat(readTree(dir), load).read(readTree(dir), load);
    const added = after.find((m) => !known.has(`${m.version}\0${m.up.path}`));
    if (added) return added.version;
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
  }
  // The directory does not load: the version is in the new file's name.
  const base = first.slice(first.lastIndexOf("/") + 1);
  return base.match(/\d+(?:[._]\d+)*/)?.[0].replace(/^(\d{4})-/, "$1") ?? "";
}
