/**
 * node-pg-migrate's SQL migrations, as node-pg-migrate reads them: every file directly in the
 * directory (names starting with `.` left out), ordered by the number its name starts with;
 * in a `.sql` file, the up is what follows `-- Up Migration` and the down what follows
 * `-- Down Migration` (either may come first; matched without regard to case, and dashes or
 * spaces may follow the `--`); with no up marker the whole file is the up, down part
 * included, as node-pg-migrate has it. Each runs in a
 * transaction. JavaScript and TypeScript migrations cannot run here: they are refused by name.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../migration.ts";
import {
  fileProblem,
  foreignScript,
  nextLine,
  Problems,
  scaffoldSql,
  sortedUnique,
  toMigration,
} from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

const UP = /^\s*--[\s-]*up\s+migration/im;
const DOWN = /^\s*--[\s-]*down\s+migration/im;
const CODE = /\.(js|cjs|mjs|ts|cts|mts)$/;

/** node-pg-migrate's format. */
export const nodePgMigrateFormat: MigrationFormat = {
  name: "node-pg-migrate",
  reads: ["node-pg-migrate", "bare"],
  files: "<timestamp>_<name>.sql with -- Up Migration / -- Down Migration",
  ignores: (rel) => !rel.includes("/") && CODE.test(rel) && !rel.endsWith(".d.ts"),
  read(tree, options) {
    const problems = new Problems();
    const migrations: Migration[] = [];
    const code: string[] = [];
    for (const file of tree.topLevel()) {
      if (CODE.test(file.rel) && !file.rel.endsWith(".d.ts")) code.push(file.path);
      if (!file.rel.endsWith(".sql")) continue;
      const m = problems.attempt(() => readFile(tree, file));
      if (m) migrations.push(m);
    }
    if (code.length > 0 && options.onCodeMigration) code.forEach(options.onCodeMigration);
    else if (code.length > 0) problems.add(codeMigrations(code));
    const sorted = sortedUnique(migrations, problems);
    problems.throwIfAny();
    return sorted;
  },
  scaffold: (input: ScaffoldInput) => {
    const utc = input.migrations.some((m) => m.version.length === 17);
    const iso = input.now.toISOString().replace(/\D/g, "");
    const version = utc ? iso.slice(0, 17) : String(input.now.getTime());
    return [{
      path: `${version}_${input.name}.sql`,
      text: `-- Up Migration\n${scaffoldSql(input, "up", "")}\n-- Down Migration\n${
        scaffoldSql(input, "down", "")
      }`,
    }];
  },
};

function codeMigrations(paths: string[]): MigrationError {
  return new MigrationError(
    "INVALID_FILE_NAME",
    `Cannot read ${paths.join(", ")}: node-pg-migrate JavaScript/TypeScript migrations are ` +
      "code, which tide cannot run. Rewrite each as a .sql migration (-- Up Migration / -- Down " +
      "Migration), or check the SQL ones alone by moving the code ones out of the directory.",
    { file: paths[0] },
  );
}

function readFile(tree: SourceTree, file: SourceFile): Migration {
  const match = /^(\d+)_?(.*)\.sql$/.exec(file.rel);
  if (match === null) {
    throw fileProblem(
      "INVALID_FILE_NAME",
      file.path,
      "node-pg-migrate cannot tell its numeric prefix: name it <timestamp>_<name>.sql.",
    );
  }
  const text = tree.text(file);
  const up = text.search(UP);
  const down = text.search(DOWN);
  const upEnd = down > up ? down : text.length;
  const downEnd = up > down ? up : text.length;
  return toMigration({
    version: match[1],
    name: match[2],
    // As node-pg-migrate does: with no up marker, the whole file (down part too) is the up.
    up: up === -1
      ? foreignScript(file.path, text)
      : foreignScript(file.path, text, nextLine(text, up), upEnd),
    down: down === -1 ? undefined : foreignScript(file.path, text, nextLine(text, down), downEnd),
    noTransaction: false,
    checksumOf: text,
  });
}
