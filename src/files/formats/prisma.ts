/**
 * Prisma Migrate's format: a folder per migration, `<timestamp>_<name>/migration.sql`, up only,
 * in folder name order, beside `migration_lock.toml`. Each script runs as Prisma runs it: in
 * one transaction on PostgreSQL.
 *
 * @module
 */
import type { Migration } from "../migration.ts";
import {
  foreignScript,
  Problems,
  refuseDown,
  scaffoldSql,
  sortedUnique,
  timestampAfter,
  toMigration,
} from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";

const FOLDER = /^(\d+)_?([^/]*)\/migration\.sql$/;

/** Prisma's format. */
export const prismaFormat: MigrationFormat = {
  name: "prisma",
  reads: ["prisma"],
  files: "<timestamp>_<name>/migration.sql",
  read(tree) {
    const problems = new Problems();
    const migrations: Migration[] = [];
    for (const file of tree.files) {
      const match = FOLDER.exec(file.rel);
      if (match === null) continue;
      const m = problems.attempt(() => {
        const text = tree.text(file);
        return toMigration({
          version: match[1],
          name: match[2],
          up: foreignScript(file.path, text),
          noTransaction: false,
          checksumOf: text,
        });
      });
      if (m) migrations.push(m);
    }
    const sorted = sortedUnique(migrations, problems);
    problems.throwIfAny();
    return sorted;
  },
  scaffold: (input: ScaffoldInput) => {
    refuseDown(input, "Prisma migrations have no down (migration.sql is the up)");
    return [{
      path: `${timestampAfter(input.migrations.map((m) => m.version), input.now)}_${input.name}` +
        "/migration.sql",
      text: scaffoldSql(input, "up", "-- Write the change here.\n\n"),
    }];
  },
};
