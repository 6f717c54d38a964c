/**
 * The `plain` format: `<version>_<name>.sql` directly in the directory, each file one up-only
 * migration with no markers (pgdbm and many in-house runners). Other files are not migrations.
 *
 * @module
 */
import { readUpOnly, refuseDown, scaffoldSql } from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";
import { nextVersion } from "../version.ts";

const FILE = /^(\d+)_(.+)\.sql$/;

/** The plain format. */
export const plainFormat: MigrationFormat = {
  name: "plain",
  reads: ["bare"],
  files: "<version>_<name>.sql (up only, no markers)",
  read: (tree) => readUpOnly(tree, tree.topLevel(), FILE),
  scaffold: (input: ScaffoldInput) => {
    refuseDown(input, "plain migrations are up only");
    return [{
      path: `${nextVersion(input.migrations.map((m) => m.version), input.now)}_${input.name}.sql`,
      text: scaffoldSql(input, "up", "-- Write the change here.\n\n"),
    }];
  },
};
