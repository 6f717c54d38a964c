/**
 * The `plain` format: `<version>_<name>.sql` directly in the directory, each file one up-only
 * migration with no markers (pgdbm and many in-house runners). Other files are not migrations.
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
  toMigration,
} from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";
import { nextVersion } from "../version.ts";

const FILE = /^(\d+)_(.+)\.sql$/;

/** The plain format. */
export const plainFormat: MigrationFormat = {
  name: "plain",
  reads: ["bare"],
  files: "<version>_<name>.sql (up only, no markers)",
  read(tree) {
    const problems = new Problems();
    const migrations: Migration[] = [];
    for (const file of tree.topLevel()) {
      const match = FILE.exec(file.rel);
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
    refuseDown(input, "plain migrations are up only");
    return [{
      path: `${nextVersion(input.migrations.map((m) => m.version), input.now)}_${input.name}.sql`,
      text: scaffoldSql(input, "up", "-- Write the change here.\n\n"),
    }];
  },
};
