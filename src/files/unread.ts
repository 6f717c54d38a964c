/**
 * Files of a migrations directory that look like migrations but that its format does not read
 * (`002_b.cql`, `003_c.up.SQL`, a migration in a sub-folder, a dangling link): each is named,
 * so nothing is skipped silently.
 *
 * @module
 */
import type { Migration } from "./migration.ts";
import type { MigrationFormat } from "./formats/format.ts";
import type { SourceTree } from "./formats/tree.ts";
import { isBlankSql } from "./parse.ts";

/** A file that looks like a migration and is not read. */
export interface UnreadFile {
  /** Its path, as tide names files. */
  path: string;
  /** Why it is not read, as a clause: "only .sql files are read". */
  why: string;
}

/** A name that starts like a migration's: a version, or a Flyway prefix. */
const LOOKS_LIKE = /^(?:\d+[_.-]|[VU]\d+(?:[._]\d+)*__|R__)/;
/** Files formats read as settings, never as migrations. */
const CONFIG = /\.(?:conf|toml|plan)$/;

/**
 * The files of `tree` that look like migrations and that `format` did not read into
 * `migrations`, with why. Names starting with `_` or `.` are left out on purpose (tide's way to
 * keep a file in the directory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treeFromBytes } from "./formats/tree.ts";
 * import { formatByName } from "./formats/registry.ts";
 * import { unreadFiles } from "./unread.ts";
 *
 * const bytes = new TextEncoder().encode("SELECT 1;");
 * const tree = treeFromBytes("m", [{ path: "m/001_a.up.sql", bytes }, { path: "m/002_b.cql", bytes }]);
 * const format = formatByName("tide");
 * const unread = unreadFiles(tree, format, format.read(tree, {}));
 * assert.deepEqual(unread.map((u) => u.path), ["m/002_b.cql"]);
 * ```
 */
export function unreadFiles(
  tree: SourceTree,
  format: MigrationFormat,
  migrations: readonly Migration[],
): UnreadFile[] {
  const read = new Set(migrations.flatMap((m) => [m.up.path, m.down?.path]));
  const unread: UnreadFile[] = tree.skipped.map(({ path, why }) => ({ path, why }));
  for (const file of tree.files) {
    const base = file.rel.slice(file.rel.lastIndexOf("/") + 1);
    if (read.has(file.path) || /^[_.]/.test(base) || CONFIG.test(base)) continue;
    if (format.ignores?.(file.rel)) continue;
    const sqlInOtherCase = /\.sql$/i.test(base) && !base.endsWith(".sql");
    if (!sqlInOtherCase && !LOOKS_LIKE.test(base)) continue;
    if (base.endsWith(".sql") && blank(tree, file)) continue; // an empty down, dropped as none
    unread.push({ path: file.path, why: reason(base, format, sqlInOtherCase) });
  }
  return unread;
}

function blank(tree: SourceTree, file: SourceTree["files"][number]): boolean {
  try {
    return isBlankSql(tree.text(file));
  } catch {
    return false;
  }
}

function reason(base: string, format: MigrationFormat, sqlInOtherCase: boolean): string {
  if (sqlInOtherCase) return 'its name does not end in lowercase ".sql"; rename it';
  if (!base.endsWith(".sql")) {
    return "only .sql files are read; rename it to end in .sql if it is a migration, or start " +
      'its name with "_" to keep it here';
  }
  return `the ${format.name} format does not read it (it reads ${format.files})`;
}

/**
 * The warning (or `validate` note) about a file that looks like a migration and is not read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unreadMessage } from "./unread.ts";
 *
 * assert.equal(
 *   unreadMessage({ path: "m/002_b.cql", why: "only .sql files are read" }),
 *   "m/002_b.cql looks like a migration but is not read: only .sql files are read.",
 * );
 * ```
 */
export function unreadMessage(file: UnreadFile): string {
  return `${file.path} looks like a migration but is not read: ${file.why}.`;
}
