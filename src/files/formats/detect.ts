/**
 * `--format auto`: which format a directory is in. Its files show layouts (up/down pairs,
 * `-- +goose` annotations, `V1__x.sql` names, a `sqitch.plan`, ...); the format is the one that
 * reads every layout found, the first of `FORMATS` when several do (they read those files
 * alike). When no one format reads them all, the directory mixes tools: it is refused with
 * what each part looks like, and `--format` settles it.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Layout, MigrationFormat } from "./format.ts";
import { FORMATS } from "./registry.ts";
import { tideFormat } from "./tide.ts";
import { codeFileName } from "../code_file.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

const FLYWAY_NAME = /^(?:[VU]\d+(?:[._]\d+)*__.*|R__.+)\.sql$/;
const PAIR = /^\d+_.+\.(?:up|down)\.sql$/;
const POPX = /^\d+_[^.]+(?:\.[a-z0-9]+)?(?:\.autocommit)?\.(?:up|down)\.sql$/;
const POPX_SPECIFIC = /^\d+_[^.]+\.(?!up\.|down\.)[a-z0-9]+(?:\.autocommit)?\.(?:up|down)\.sql$/;
const SINGLE = /^\d+_?[^/]*\.sql$/;
const MARKERS: [RegExp, Layout][] = [
  [/^--.*\+goose\s+(?:up|down)\b/im, "goose"],
  [/^--\s*migrate:(?:up|down)\b/m, "dbmate"],
  [/^\s*--[\s-]*(?:up|down)\s+migration/im, "node-pg-migrate"],
];

/**
 * The layouts `tree` shows, each with the first file that shows it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { observeLayouts } from "./detect.ts";
 * import { treeFromBytes } from "./tree.ts";
 *
 * const bytes = new TextEncoder().encode("-- +goose Up\nselect 1;\n");
 * const tree = treeFromBytes("db", [{ path: "db/00001_init.sql", bytes }]);
 * assert.deepEqual([...observeLayouts(tree).keys()], ["goose"]);
 * ```
 */
export function observeLayouts(tree: SourceTree): Map<Layout, string> {
  const seen = new Map<Layout, string>();
  const see = (layout: Layout, file: SourceFile) => {
    if (!seen.has(layout)) seen.set(layout, file.rel);
  };
  for (const file of tree.files) {
    const base = file.rel.slice(file.rel.lastIndexOf("/") + 1);
    const depth = file.rel.split("/").length - 1;
    if (depth === 0) observeTopLevel(tree, file, see);
    if (depth === 1 && base === "migration.sql") see("prisma", file);
    if (depth === 1 && base === "up.sql") see("diesel", file);
    if (FLYWAY_NAME.test(base)) see("flyway", file);
    if (base.endsWith(".sql.conf")) see("flyway-conf", file);
    if (depth > 0 && POPX_SPECIFIC.test(base)) see("popx", file);
  }
  return seen;
}

function observeTopLevel(
  tree: SourceTree,
  file: SourceFile,
  see: (layout: Layout, file: SourceFile) => void,
): void {
  const name = file.rel;
  if (name === "sqitch.plan" || name === "sqitch.conf") see("sqitch", file);
  if (name === "migration_lock.toml") see("prisma", file);
  if (name === "flyway.conf") see("flyway-conf", file);
  if (/^\d+_.*\.go$/.test(name) && !name.endsWith("_test.go")) see("goose", file);
  const test = /[._]test\.[cm]?[jt]s$/.test(name); // a test beside the code is no migration
  if (/^\d+_.*\.(?:js|cjs|mjs|ts)$/.test(name) && !name.endsWith(".d.ts") && !test) {
    see(isTideCode(tree, file) ? "tide-code" : "node-pg-migrate", file);
  }
  if (!name.endsWith(".sql") || FLYWAY_NAME.test(name)) return;
  if (POPX_SPECIFIC.test(name)) return see("popx", file);
  if (!PAIR.test(name) && !SINGLE.test(name)) return;
  let text: string;
  try {
    text = tree.text(file);
  } catch {
    return; // the reader reports it
  }
  if (/^[ \t]*--[ \t]*tide:/im.test(text)) see("tide-directive", file);
  if (text.startsWith("-- no-transaction")) see("sqlx-directive", file);
  if (PAIR.test(name) && POPX.test(name)) return see("pair", file);
  const marker = MARKERS.find(([pattern]) => pattern.test(text));
  see(marker ? marker[1] : "bare", file);
}

/** node-pg-migrate's TypeScript migrations take a `MigrationBuilder`, usually named `pgm`. */
const NODE_PG_MIGRATE_CODE = /node-pg-migrate|MigrationBuilder|\bpgm\b/;

/** Whether a top-level `.ts` file is a tide TypeScript migration (not node-pg-migrate's). */
function isTideCode(tree: SourceTree, file: SourceFile): boolean {
  if (codeFileName(file.rel) === undefined) return false;
  try {
    return !NODE_PG_MIGRATE_CODE.test(tree.text(file));
  } catch {
    return true; // the reader reports it
  }
}

/**
 * The format of `tree`: the first of `FORMATS` that reads every layout found (tide for a
 * directory with none). Throws `MigrationError` `AMBIGUOUS_FORMAT` when no one format does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectFormat } from "./detect.ts";
 * import { treeFromBytes } from "./tree.ts";
 *
 * const bytes = new TextEncoder().encode("create table t ();\n");
 * const tree = treeFromBytes("db", [{ path: "db/V1__init.sql", bytes }]);
 * assert.equal(detectFormat(tree).name, "flyway");
 * ```
 */
export function detectFormat(tree: SourceTree): MigrationFormat {
  const layouts = observeLayouts(tree);
  if (layouts.size === 0) return tideFormat;
  const fits = FORMATS.find((format) =>
    format.reads.length > 0 && [...layouts.keys()].every((l) => format.reads.includes(l))
  );
  if (fits !== undefined) return fits;
  const parts = [...layouts].map(([layout, file]) => {
    const reader = FORMATS.find((format) => format.reads.includes(layout))!;
    return `${reader.name} (${file})`;
  });
  const unique = [...new Set(parts)];
  throw new MigrationError(
    "AMBIGUOUS_FORMAT",
    `Cannot tell which tool's format ${tree.dir} is in: its files fit several formats and no ` +
      `one format reads them all: ${unique.join(", ")}. Pass --format NAME (config "format") ` +
      "naming the tool that runs these migrations.",
    { file: tree.dir },
  );
}
