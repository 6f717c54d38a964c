/**
 * Prisma Migrate's format: a folder per migration, `<timestamp>_<name>/migration.sql`, up only,
 * in folder name order, beside `migration_lock.toml`. Each script runs as Prisma runs it: in
 * one transaction on PostgreSQL.
 *
 * @module
 */
import { readUpOnly, refuseDown, scaffoldSql, timestampAfter } from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";

const FOLDER = /^(\d+)_?([^/]*)\/migration\.sql$/;

/** Prisma's format. */
export const prismaFormat: MigrationFormat = {
  name: "prisma",
  reads: ["prisma"],
  files: "<timestamp>_<name>/migration.sql",
  read: (tree) => readUpOnly(tree, tree.files, FOLDER),
  scaffold: (input: ScaffoldInput) => {
    refuseDown(input, "Prisma migrations have no down (migration.sql is the up)");
    return [{
      path: `${timestampAfter(input.migrations.map((m) => m.version), input.now)}_${input.name}` +
        "/migration.sql",
      text: scaffoldSql(input, "up", "-- Write the change here.\n\n"),
    }];
  },
};
