/**
 * maragudk/migrate's format: `<name>.up.sql` and `<name>.down.sql` directly in the directory,
 * `<name>` made of letters, digits, `_` and `-`. The tool has no versions: it applies the ups
 * in file name order and records the last name. Its patterns are `^([\w-]+).up.sql$` and
 * `^([\w-]+).down.sql`, whose unescaped `.` takes any one character, so `x_up.sql` is an up of
 * `x` too; tide reads what those patterns match. Names may share a numeric prefix
 * (`0001_create_a.up.sql`, `0001_create_b.up.sql`). As for sqitch, a migration's version is its
 * 1-based position in that order, its name the file's `<name>`. Each runs in a transaction.
 * The down of `<name>` is `<name>.down.sql`; a down file no up shares a name with (a typo) is
 * not read but named as unread: the tool would run it only when rolling back past its name.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../migration.ts";
import { foreignScript, Problems, toMigration } from "./common.ts";
import type { MigrationFormat, ScaffoldInput } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

// The tool's own patterns, as written in its source (the dots unescaped, the down unanchored).
const UP = /^([\w-]+).up.sql$/;
const DOWN = /^([\w-]+).down.sql/;

/** maragudk/migrate's format. */
export const maragudkFormat: MigrationFormat = {
  name: "maragudk",
  // Never detected: names sharing a version are duplicates everywhere else, an error to show.
  reads: [],
  files: "<name>.up.sql and <name>.down.sql, applied in file name order",
  read: readMaragudk,
  scaffold: (input: ScaffoldInput) => {
    const names = input.migrations.map((m) => m.name);
    const last = names.at(-1) ?? "";
    const digits = /^\d+/.exec(last)?.[0];
    const next = digits === undefined
      ? input.now.toISOString().replace(/\D/g, "").slice(0, 14)
      : (BigInt(digits) + 1n).toString().padStart(digits.length, "0");
    const name = `${next}_${input.name}`;
    return [
      { path: `${name}.up.sql`, text: "-- Write the change here.\n" },
      { path: `${name}.down.sql`, text: "-- Write how to undo it here.\n" },
    ];
  },
};

function readMaragudk(tree: SourceTree): Migration[] {
  const problems = new Problems();
  const ups: [string, SourceFile][] = [];
  const downs = new Map<string, SourceFile>();
  for (const file of tree.topLevel()) {
    const up = UP.exec(file.rel);
    if (up !== null) ups.push([up[1], file]);
    const down = DOWN.exec(file.rel);
    // The tool lists the downs in name order too; the first file of a name is the one it runs.
    if (down !== null && !downs.has(down[1])) downs.set(down[1], file);
  }
  const migrations: Migration[] = [];
  const seen = new Set<string>();
  for (const [name, file] of ups) {
    if (seen.has(name)) {
      problems.add(duplicate(name, file));
      continue;
    }
    seen.add(name);
    const down = downs.get(name);
    downs.delete(name);
    const m = problems.attempt(() => {
      const text = tree.text(file);
      return toMigration({
        version: String(migrations.length + 1),
        name,
        up: foreignScript(file.path, text),
        down: down && foreignScript(down.path, tree.text(down)),
        noTransaction: false,
        checksumOf: text,
      });
    });
    if (m) migrations.push(m);
  }
  problems.throwIfAny();
  return migrations;
}

function duplicate(name: string, file: SourceFile): MigrationError {
  return new MigrationError(
    "DUPLICATE_VERSION",
    `Cannot load ${file.path}: another up file is also named "${name}" (maragudk/migrate reads ` +
      `"${name}.up.sql" and "${name}_up.sql" alike). Rename or delete one of them.`,
    { file: file.path, version: name },
  );
}
