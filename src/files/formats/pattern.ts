/**
 * The `pattern` format, for an in-house runner: a regular expression (`--pattern`, config
 * `pattern`) matched against each file's path relative to the directory (`/`-separated, the
 * whole path must match), with named groups `version` (required), `name` and `direction`
 * (`up` or `down`, or the words other runners use for them: `do`/`undo` (postgrator),
 * `apply`/`revert`, `rollback`; without it every matching file is an up-only migration). Files
 * that do not match are not migrations. The SQL is run as written, in a transaction.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../migration.ts";
import { isValidVersion } from "../version.ts";
import { fileProblem, foreignScript, Problems, sortedUnique, toMigration } from "./common.ts";
import type { FormatOptions, MigrationFormat } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

/** The pattern format. */
export const patternFormat: MigrationFormat = {
  name: "pattern",
  reads: [],
  files: "files matching --pattern",
  read: readPattern,
  scaffold: () => {
    throw new MigrationError(
      "CONFIG_ERROR",
      "Cannot create a migration in the pattern format: tide cannot write a file name from a " +
        "regular expression. Create the files by hand, as your runner names them.",
    );
  },
};

/**
 * `pattern` compiled; throws `MigrationError` `CONFIG_ERROR` when it is missing, invalid, or
 * lacks a `version` group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compilePattern } from "./pattern.ts";
 *
 * const re = compilePattern(String.raw`V(?<version>\d+)\.(?<name>[^.]+)\.(?<direction>up|down)\.sql`);
 * assert.equal(re.exec("V12.add_users.up.sql")?.groups?.version, "12");
 * ```
 */
export function compilePattern(pattern: string | undefined): RegExp {
  const fail = (why: string) =>
    new MigrationError(
      "CONFIG_ERROR",
      `The migration file pattern ${
        JSON.stringify(pattern ?? "")
      } ${why}. Give --pattern (config ` +
        '"pattern") a regular expression with named groups, e.g. ' +
        String.raw`V(?<version>\d+)\.(?<name>[^.]+)\.(?<direction>up|down)\.sql.`,
    );
  if (pattern === undefined || pattern === "") throw fail("is missing");
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw fail(`is not a valid regular expression (${(error as Error).message})`);
  }
  if (!pattern.includes("(?<version>")) throw fail('has no "version" group');
  return re;
}

/** What runners call the two directions in their file names. */
const UP_WORDS = ["up", "do", "apply"];
const DOWN_WORDS = ["down", "undo", "revert", "rollback"];

function directionOf(word: string): "up" | "down" | undefined {
  const lower = word.toLowerCase();
  if (UP_WORDS.includes(lower)) return "up";
  if (DOWN_WORDS.includes(lower)) return "down";
  return undefined;
}

interface Matched {
  file: SourceFile;
  version: string;
  name: string;
  direction: "up" | "down";
}

function readPattern(tree: SourceTree, options: FormatOptions): Migration[] {
  const re = compilePattern(options.pattern);
  const problems = new Problems();
  const matched = tree.files.map((file) => problems.attempt(() => matchFile(re, file)))
    .filter((m): m is Matched => m !== undefined && m !== null);
  const downs = new Map<string, SourceFile>();
  for (const m of matched) if (m.direction === "down") downs.set(m.version, m.file);
  const migrations: Migration[] = [];
  for (const up of matched.filter((m) => m.direction === "up")) {
    const down = downs.get(up.version);
    downs.delete(up.version);
    const m = problems.attempt(() => {
      const text = tree.text(up.file);
      return toMigration({
        version: up.version,
        name: up.name,
        up: foreignScript(up.file.path, text),
        down: down && foreignScript(down.path, tree.text(down)),
        noTransaction: false,
        checksumOf: text,
      });
    });
    if (m) migrations.push(m);
  }
  for (const orphan of downs.values()) {
    problems.add(
      new MigrationError(
        "DOWN_WITHOUT_UP",
        `Cannot load ${orphan.path}: no up file has its version. Add the up file, or delete this.`,
        { file: orphan.path },
      ),
    );
  }
  // Two ups of one version are reported here, not silently reduced to one.
  const sorted = sortedUnique(migrations, problems);
  problems.throwIfAny();
  return sorted;
}

/** What `re` reads in `file`'s path: `null` when it does not match; throws when it is wrong. */
function matchFile(re: RegExp, file: SourceFile): Matched | null {
  const groups = re.exec(file.rel)?.groups;
  if (groups === undefined) return null;
  const version = groups.version ?? "";
  if (!isValidVersion(version)) {
    throw fileProblem(
      "INVALID_FILE_NAME",
      file.path,
      `its version "${version}" is not digits (optionally split by "." or "_").`,
    );
  }
  const direction = directionOf(groups.direction ?? "up");
  if (direction === undefined) {
    throw fileProblem(
      "INVALID_FILE_NAME",
      file.path,
      `its direction "${groups.direction}" is neither up (${UP_WORDS.join(", ")}) nor ` +
        `down (${DOWN_WORDS.join(", ")}). Make the pattern's direction group match only those.`,
    );
  }
  return { file, version, name: groups.name ?? "", direction };
}
