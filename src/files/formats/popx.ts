/**
 * Ory popx's format, as popx reads it for PostgreSQL: every `.sql` file under the directory
 * (sub-folders included) named `<version>_<name>[.<dialect>][.autocommit].(up|down).sql`; of the
 * files of one version and direction, the `postgres` one (`postgresql`, `pg`), else the
 * dialect-free one. Other dialects' files (`cockroach`, `mysql`, `sqlite3`, ...) are not read; a
 * `.sql` file of another name is an error. Every up needs a down file. An empty file is a no-op.
 * `.autocommit.` runs it outside a transaction. Versions are ordered as numbers (popx
 * compares them as text: the same order for versions of one width).
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../migration.ts";
import {
  fileProblem,
  foreignScript,
  Problems,
  scaffoldSql,
  sortedUnique,
  toMigration,
} from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";
import type { SourceFile } from "./tree.ts";
import { nextVersion } from "../version.ts";

const FILE = /^(\d+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.sql$/;
const POSTGRES = new Set(["postgres", "postgresql", "pg"]);

/** One file popx takes for PostgreSQL. */
interface Picked {
  file: SourceFile;
  version: string;
  name: string;
  specific: boolean;
  autocommit: boolean;
}

/** popx's format. */
export const popxFormat: MigrationFormat = {
  name: "popx",
  reads: ["pair", "popx"],
  files: "<version>_<name>[.<dialect>][.autocommit].(up|down).sql",
  // Other dialects' files, and the dialect-free one beside a postgres one, are left on purpose.
  ignores: (rel) => FILE.test(rel.slice(rel.lastIndexOf("/") + 1)),
  read(tree) {
    const problems = new Problems();
    const picked = { up: new Map<string, Picked>(), down: new Map<string, Picked>() };
    for (const file of tree.files) {
      const base = file.rel.slice(file.rel.lastIndexOf("/") + 1);
      if (!base.endsWith(".sql")) continue;
      const match = FILE.exec(base);
      if (match === null) {
        problems.add(
          fileProblem(
            "INVALID_FILE_NAME",
            file.path,
            "popx expects <version>_<name>[.<dialect>][.autocommit].(up|down).sql. Rename it, " +
              "or move it out of the directory.",
          ),
        );
        continue;
      }
      const [, version, name, dialect, autocommit, direction] = match;
      const isAutocommit = dialect === ".autocommit" || autocommit !== undefined;
      const specific = dialect !== undefined && dialect !== ".autocommit";
      if (specific && !POSTGRES.has(dialect.slice(1))) continue;
      const into = picked[direction as "up" | "down"];
      const earlier = into.get(version);
      if (earlier && earlier.specific && !specific) continue;
      into.set(version, { file, version, name, specific, autocommit: isAutocommit });
    }
    const migrations: Migration[] = [];
    for (const [version, up] of picked.up) {
      const down = picked.down.get(version);
      if (down === undefined) {
        problems.add(
          new MigrationError(
            "NO_DOWN",
            `Cannot load ${up.file.path}: popx requires a down file for every up. Add ` +
              `${version}_${up.name}.down.sql (it may be empty).`,
            { file: up.file.path, version },
          ),
        );
        continue;
      }
      const m = problems.attempt(() => {
        const text = tree.text(up.file);
        return toMigration({
          version,
          name: up.name,
          up: foreignScript(up.file.path, text),
          down: foreignScript(down.file.path, tree.text(down.file)),
          noTransaction: up.autocommit,
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
    const version = nextVersion(input.migrations.map((m) => m.version), input.now);
    return [
      { path: `${version}_${input.name}.up.sql`, text: scaffoldSql(input, "up", "") },
      { path: `${version}_${input.name}.down.sql`, text: scaffoldSql(input, "down", "") },
    ];
  },
};
