/**
 * The `pattern` format, for an in-house runner: a regular expression (`--pattern`, config
 * `pattern`) matched against each file's path relative to the directory (`/`-separated, the
 * whole path must match), with named groups `version` (required), `name` and `direction`
 * (`up` or `down`; without it every matching file is an up-only migration). Files that do not
 * match are not migrations. The SQL is run as written, in a transaction.
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

function readPattern(tree: SourceTree, options: FormatOptions): Migration[] {
  const re = compilePattern(options.pattern);
  const problems = new Problems();
  const ups = new Map<string, { file: SourceFile; version: string; name: string }>();
  const downs = new Map<string, SourceFile>();
  for (const file of tree.files) {
    const groups = re.exec(file.rel)?.groups;
    if (groups === undefined) continue;
    const version = groups.version ?? "";
    if (!isValidVersion(version)) {
      problems.add(
        fileProblem(
          "INVALID_FILE_NAME",
          file.path,
          `its version "${version}" is not digits (optionally split by "." or "_").`,
        ),
      );
      continue;
    }
    const direction = (groups.direction ?? "up").toLowerCase();
    if (direction === "down") downs.set(version, file);
    else ups.set(version, { file, version, name: groups.name ?? "" });
  }
  const migrations: Migration[] = [];
  for (const up of ups.values()) {
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
  const sorted = sortedUnique(migrations, problems);
  problems.throwIfAny();
  return sorted;
}
