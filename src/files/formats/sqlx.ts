/**
 * sqlx's format, as sqlx reads it: files directly in the directory named
 * `<version>_<description>.sql` (up only) or `<version>_<description>.up.sql` +
 * `.down.sql` (reversible); a name without `_` or not ending in `.sql` is not a migration, a
 * version that is not an integer is an error. A file whose text starts with `-- no-transaction`
 * runs outside a transaction.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../migration.ts";
import {
  fileProblem,
  foreignScript,
  Problems,
  refuseDown,
  scaffoldSql,
  sortedUnique,
  timestampAfter,
  toMigration,
} from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

/** sqlx's format. */
export const sqlxFormat: MigrationFormat = {
  name: "sqlx",
  reads: ["pair", "bare", "sqlx-directive"],
  files: "<version>_<description>.sql, or .up.sql + .down.sql",
  read(tree) {
    const problems = new Problems();
    const ups: { file: SourceFile; version: string; name: string }[] = [];
    const downs = new Map<string, SourceFile>();
    for (const file of tree.topLevel()) {
      const at = file.rel.indexOf("_");
      if (at === -1 || !file.rel.endsWith(".sql")) continue;
      const version = file.rel.slice(0, at);
      if (!/^\d+$/.test(version)) {
        problems.add(
          fileProblem(
            "INVALID_FILE_NAME",
            file.path,
            "sqlx expects an integer version prefix (e.g. 01_foo.sql). Rename it, or move it " +
              "out of the directory.",
          ),
        );
        continue;
      }
      const rest = file.rel.slice(at + 1);
      if (rest.endsWith(".down.sql")) downs.set(BigInt(version).toString(), file);
      else ups.push({ file, version, name: rest.replace(/(\.up)?\.sql$/, "") });
    }
    const migrations: Migration[] = [];
    for (const up of ups) {
      const key = BigInt(up.version).toString();
      const down = downs.get(key);
      downs.delete(key);
      const m = problems.attempt(() => readMigration(tree, up, down));
      if (m) migrations.push(m);
    }
    for (const orphan of downs.values()) {
      problems.add(
        new MigrationError(
          "DOWN_WITHOUT_UP",
          `Cannot load ${orphan.path}: there is no up migration with its version. Add the ` +
            ".up.sql file, or delete this one.",
          { file: orphan.path },
        ),
      );
    }
    const sorted = sortedUnique(migrations, problems);
    problems.throwIfAny();
    return sorted;
  },
  scaffold: (input: ScaffoldInput) => {
    const version = timestampAfter(input.migrations.map((m) => m.version), input.now);
    // A down asked for in a new directory makes it reversible, as `sqlx migrate add -r` does.
    const reversible = input.migrations.some((m) => m.up.path.endsWith(".up.sql")) ||
      (input.migrations.length === 0 && input.content?.down !== undefined);
    if (!reversible) {
      refuseDown(input, "this sqlx directory holds up-only migrations (<version>_<name>.sql)");
      const text = scaffoldSql(input, "up", "-- Add migration script here\n");
      return [{ path: `${version}_${input.name}.sql`, text }];
    }
    const up = scaffoldSql(input, "up", "-- Add up migration script here\n");
    const down = scaffoldSql(input, "down", "-- Add down migration script here\n");
    return [
      { path: `${version}_${input.name}.up.sql`, text: up },
      { path: `${version}_${input.name}.down.sql`, text: down },
    ];
  },
};

function readMigration(
  tree: SourceTree,
  up: { file: SourceFile; version: string; name: string },
  down: SourceFile | undefined,
): Migration {
  const text = tree.text(up.file);
  const downText = down && tree.text(down);
  return toMigration({
    version: up.version,
    name: up.name,
    up: foreignScript(up.file.path, text),
    down: down && foreignScript(down.path, downText!),
    noTransaction: text.startsWith("-- no-transaction"),
    checksumOf: text,
  });
}
