/**
 * Diesel's format, as diesel_migrations reads it: a folder per migration directly in the
 * directory, `<version>_<name>/up.sql` with an optional `down.sql`; the version is the folder
 * name up to the first `_` with its `-` dropped (`2019-11-11-162609` is `20191111162609`).
 * A folder without `up.sql` is not a migration. `metadata.toml` with
 * `run_in_transaction = false` runs it outside a transaction.
 *
 * @module
 */
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
import type { SourceTree } from "./tree.ts";

const UP = /^([^/]+)\/up\.sql$/;

/** Diesel's format. */
export const dieselFormat: MigrationFormat = {
  name: "diesel",
  reads: ["diesel"],
  files: "<version>_<name>/up.sql + down.sql",
  read(tree) {
    const problems = new Problems();
    const migrations: Migration[] = [];
    for (const file of tree.files) {
      const folder = UP.exec(file.rel)?.[1];
      if (folder === undefined) continue;
      const m = problems.attempt(() => readFolder(tree, folder));
      if (m) migrations.push(m);
    }
    const sorted = sortedUnique(migrations, problems);
    problems.throwIfAny();
    return sorted;
  },
  scaffold: (input: ScaffoldInput) => {
    const folder = `${dieselStamp(input)}_${input.name}`;
    return [
      { path: `${folder}/up.sql`, text: scaffoldSql(input, "up", "-- Your SQL goes here\n") },
      {
        path: `${folder}/down.sql`,
        text: scaffoldSql(input, "down", "-- This file should undo anything in `up.sql`\n"),
      },
    ];
  },
};

function readFolder(tree: SourceTree, folder: string): Migration {
  const at = folder.indexOf("_");
  const written = at === -1 ? folder : folder.slice(0, at);
  const version = written.replaceAll("-", "");
  const up = tree.get(`${folder}/up.sql`)!;
  if (!/^\d+$/.test(version)) {
    throw fileProblem(
      "INVALID_FILE_NAME",
      up.path,
      `the folder's version "${written}" is not digits (with "-" allowed, as in ` +
        "2019-11-11-162609). Rename the folder.",
    );
  }
  const down = tree.get(`${folder}/down.sql`);
  const metadata = tree.get(`${folder}/metadata.toml`);
  const text = tree.text(up);
  const downText = down && tree.text(down);
  return toMigration({
    version,
    name: at === -1 ? "" : folder.slice(at + 1),
    up: foreignScript(up.path, text),
    down: down && foreignScript(down.path, downText!),
    noTransaction: metadata !== undefined &&
      /^\s*run_in_transaction\s*=\s*false\s*(#.*)?$/m.test(tree.text(metadata)),
    checksumOf: text,
  });
}

/** Diesel's `%Y-%m-%d-%H%M%S`, later than every existing version. */
function dieselStamp(input: ScaffoldInput): string {
  const newest = input.migrations.map((m) => BigInt(m.version)).reduce((a, b) => a > b ? a : b, 0n);
  let date = input.now;
  const digits = (d: Date) => BigInt(d.toISOString().replace(/\D/g, "").slice(0, 14));
  while (digits(date) <= newest) date = new Date(date.getTime() + 1000);
  const iso = date.toISOString();
  return `${iso.slice(0, 10)}-${iso.slice(11, 19).replaceAll(":", "")}`;
}
