/**
 * dbmate's format, as dbmate reads it: files directly in the directory whose name is digits
 * then anything, ending in `.sql` (`^(\d+).*\.sql$`; others are not migrations); one file per
 * migration with a `-- migrate:up` block and a `-- migrate:down` block (both required, up
 * first, nothing but comments before the up); `transaction:false` among the `key:value`
 * options on a marker line runs it outside a transaction (other options are ignored, as dbmate
 * does).
 *
 * @module
 */
import type { Migration } from "../migration.ts";
import {
  foreignScript,
  nextLine,
  problemAt,
  Problems,
  scaffoldSql,
  sortedUnique,
  timestampAfter,
  toMigration,
} from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

const FILE = /^(\d+)_?(.*)\.sql$/;
const UP = /^--\s*migrate:up(?=\s|$)(.*)$/gm;
const DOWN = /^--\s*migrate:down(?=\s|$)(.*)$/gm;

/** dbmate's format. */
export const dbmateFormat: MigrationFormat = {
  name: "dbmate",
  reads: ["dbmate"],
  files: "<version>_<name>.sql with -- migrate:up and -- migrate:down",
  read(tree) {
    const problems = new Problems();
    const migrations: Migration[] = [];
    for (const file of tree.topLevel()) {
      const match = FILE.exec(file.rel);
      if (match === null) continue;
      const migration = problems.attempt(() => readFile(tree, file, match[1], match[2]));
      if (migration) migrations.push(migration);
    }
    const sorted = sortedUnique(migrations, problems);
    problems.throwIfAny();
    return sorted;
  },
  scaffold: (input: ScaffoldInput) => [{
    path: `${timestampAfter(input.migrations.map((m) => m.version), input.now)}_${input.name}.sql`,
    text: `-- migrate:up\n${scaffoldSql(input, "up", "\n")}\n-- migrate:down\n${
      scaffoldSql(input, "down", "\n")
    }`,
  }],
};

function readFile(tree: SourceTree, file: SourceFile, version: string, name: string): Migration {
  const text = tree.text(file);
  const ups = [...text.matchAll(UP)];
  const downs = [...text.matchAll(DOWN)];
  const fail = (offset: number, why: string) =>
    problemAt("INVALID_SECTIONS", text, file.path, offset, why);
  if (ups.length === 0) {
    throw fail(
      0,
      'dbmate requires an up block: put "-- migrate:up" on its own line before the up SQL.',
    );
  }
  if (downs.length === 0) {
    // An indented marker is SQL comment to dbmate: name it where it is.
    const indented = /^[ \t]+--\s*migrate:down(?=\s|$)/m.exec(text);
    if (indented) {
      throw fail(
        indented.index + indented[0].indexOf("-"),
        'dbmate reads "-- migrate:down" only at the start of a line: this one is indented, so ' +
          "the file has no down block. Remove the indentation.",
      );
    }
    throw fail(
      text.length,
      'dbmate requires a down block: add a "-- migrate:down" line after the up SQL (it may ' +
        "stay empty).",
    );
  }
  const [up, down] = [ups[0], downs[0]];
  if (ups.length > 1 || downs.length > 1) {
    throw fail(
      (ups[1] ?? downs[1]).index,
      "this file holds several migrate:up/migrate:down blocks; tide reads one of each per " +
        "file. Split it into one migration per block.",
    );
  }
  if (down.index < up.index) {
    throw fail(down.index, 'dbmate requires "-- migrate:up" to appear before "-- migrate:down".');
  }
  const before = text.slice(0, up.index).split("\n").findIndex((line) =>
    !/^\s*(--.*)?$/.test(line)
  );
  if (before !== -1) {
    const offset = text.split("\n").slice(0, before).join("\n").length + (before > 0 ? 1 : 0);
    throw fail(offset, 'dbmate does not allow statements before the "-- migrate:up" block.');
  }
  const upStart = nextLine(text, up.index);
  const downStart = nextLine(text, down.index);
  return toMigration({
    version,
    name,
    up: foreignScript(file.path, text, upStart, down.index),
    down: foreignScript(file.path, text, downStart),
    // As dbmate: each block has its own options. The checksum covers all but the down block.
    noTransaction: noTransaction(up[1]),
    downNoTransaction: noTransaction(down[1]),
    checksumOf: text.slice(0, down.index),
  });
}

/** dbmate's options: whitespace-separated `key:value` pairs; `transaction:false` counts. */
function noTransaction(options: string): boolean {
  return options.trim().split(/\s+/).some((pair) => {
    const parts = pair.split(":");
    return parts.length === 2 && parts[0] === "transaction" && parts[1] === "false";
  });
}
