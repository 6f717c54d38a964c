/**
 * TypeScript migrations (`<version>_<name>.ts`), as the loader reads them: from their text alone,
 * without importing them, so loading (and `status`) stays fast. The exports tide needs are read
 * from the text: `up` (required) and `down` functions, `export const transaction = false`, and
 * `export const requires = ["module:version"]`, written literally. The engine imports the file
 * only to run it, and checks there that its exports match what was read (`run_code.ts`).
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import { checksumText } from "./checksum.ts";
import { describeCode } from "./description.ts";
import type { Migration, MigrationScript, Requirement } from "./migration.ts";
import { parseRequirement } from "./requires.ts";
import type { ScaffoldInput } from "./formats/format.ts";

/** `<version>_<name>.ts`, leaving out declarations and tests. */
const CODE_NAME = /^(\d+)_(.+)\.ts$/;

/**
 * The version and name of a TypeScript migration file name, or `undefined` when `fileName` is
 * not one (not `<version>_<name>.ts`, a `.d.ts`, a `_test.ts` or `.test.ts`, or starting with
 * `_` or `.`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeFileName } from "./code_file.ts";
 *
 * assert.deepEqual(codeFileName("004_seed_graph.ts"), { version: "004", name: "seed_graph" });
 * assert.equal(codeFileName("004_seed_graph_test.ts"), undefined);
 * assert.equal(codeFileName("types.d.ts"), undefined);
 * ```
 */
export function codeFileName(fileName: string): { version: string; name: string } | undefined {
  if (/^[_.]/.test(fileName) || /(?:\.d|[._]test)\.ts$/.test(fileName)) return undefined;
  const match = CODE_NAME.exec(fileName);
  return match ? { version: match[1], name: match[2] } : undefined;
}

/** What the text of a TypeScript migration exports, as far as tide needs to know. */
export interface CodeExports {
  /** It exports a function `up`. */
  up: boolean;
  /** It exports a function `down`. */
  down: boolean;
  /** `export const transaction = false`. */
  noTransaction: boolean;
  /** `export const requires = [...]`. */
  requires: Requirement[];
}

/** Names exported by a declaration (`export async function up(`, `export const down =`). */
const DECLARED =
  /^[ \t]*export\s+(?:(?:async\s+)?function\s*\*?\s*|(?:const|let|var)\s+)([A-Za-z_$][\w$]*)/gm;
/** Names in an export list: `export { up, undo as down }`. */
const LISTED = /^[ \t]*export\s*\{([^}]*)\}/gm;
const TRANSACTION = /^[ \t]*export\s+const\s+transaction\b[^=]*=\s*([^;\n]*)/m;
const REQUIRES = /^[ \t]*export\s+const\s+requires\b[^=]*=\s*([^;]*)/m;

/**
 * Reads the exports of TypeScript migration `text` at `path`. Throws `MigrationError`
 * `INVALID_CODE_MIGRATION` when `transaction` or `requires` is not written literally.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCodeExports } from "./code_file.ts";
 *
 * const text = 'export const transaction = false;\nexport const requires = ["auth:003"];\n' +
 *   "export async function up(ctx) {}\n";
 * assert.deepEqual(readCodeExports(text, "002_seed.ts"), {
 *   up: true,
 *   down: false,
 *   noTransaction: true,
 *   requires: [{ module: "auth", version: "003" }],
 * });
 * ```
 */
export function readCodeExports(text: string, path: string): CodeExports {
  const names = new Set<string>();
  for (const match of text.matchAll(DECLARED)) names.add(match[1]);
  for (const match of text.matchAll(LISTED)) {
    for (const item of match[1].split(",")) {
      const name = item.trim().split(/\s+as\s+/).at(-1)?.trim();
      if (name) names.add(name);
    }
  }
  return {
    up: names.has("up"),
    down: names.has("down"),
    noTransaction: readTransaction(text, path),
    requires: readRequires(text, path),
  };
}

function readTransaction(text: string, path: string): boolean {
  const match = TRANSACTION.exec(text);
  if (match === null) return false;
  const value = match[1].trim();
  if (value === "true" || value === "false") return value === "false";
  throw invalid(
    path,
    `export const transaction must be written as true or false, got ${value}: tide reads it ` +
      "from the text, without running the file.",
  );
}

function readRequires(text: string, path: string): Requirement[] {
  const match = REQUIRES.exec(text);
  if (match === null) return [];
  const literal = /^\[\s*((?:(["'])[^"'\\]*\2\s*,?\s*)*)\]\s*(?:as\s+const\s*)?$/.exec(
    match[1].trim(),
  );
  if (literal === null) {
    throw invalid(
      path,
      'export const requires must be an array of string literals, e.g. ["auth:003"]: tide ' +
        "reads it from the text, without running the file.",
    );
  }
  const items = [...literal[1].matchAll(/(["'])([^"'\\]*)\1/g)].map((m) => m[2]);
  return items.map((item) => parseRequirement(item, path));
}

/**
 * A TypeScript migration from its file: both scripts point at the file and hold no SQL; the
 * checksum is its text's. Throws `MigrationError` `INVALID_CODE_MIGRATION` when it exports no
 * `up` function (or writes `transaction`/`requires` in a way tide cannot read).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCodeMigration } from "./code_file.ts";
 *
 * const text = "// Copies users into the graph\nexport async function up(ctx) {}\n" +
 *   "export async function down(ctx) {}\n";
 * const migration = readCodeMigration("db/002_graph.ts", text);
 * assert.deepEqual(
 *   [migration.version, migration.name, migration.code, migration.down?.path],
 *   ["002", "graph", "typescript", "db/002_graph.ts"],
 * );
 * assert.equal(migration.description, "Copies users into the graph");
 * ```
 */
export function readCodeMigration(path: string, text: string): Migration {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  const fileName = codeFileName(base);
  if (fileName === undefined) throw invalid(path, "its name is not <version>_<name>.ts.");
  const exports = readCodeExports(text, path);
  if (!exports.up) {
    throw invalid(
      path,
      "it exports no up function. Write `export async function up(ctx: MigrationContext) " +
        "{ ... }` (and `down`), with MigrationContext imported from @tide/tide.",
    );
  }
  const script: MigrationScript = { path, sql: "", line: 1, column: 1, templates: false };
  const description = describeCode(text);
  return {
    version: fileName.version,
    name: fileName.name,
    up: script,
    ...(exports.down ? { down: script } : {}),
    noTransaction: exports.noTransaction,
    checksum: checksumText(text),
    code: "typescript",
    ...(description === undefined ? {} : { description }),
    ...(exports.requires.length > 0 ? { requires: exports.requires } : {}),
  };
}

/**
 * The text of a new TypeScript migration (`tide new --ts`): typed `up` and `down` functions,
 * with the content given as their bodies (code, such as ``await ctx.sql`...`;``).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeScaffold, readCodeExports } from "./code_file.ts";
 *
 * const text = codeScaffold({ content: { up: "await ctx.sql`SELECT 1`;" } });
 * assert.match(text, /^import type \{ MigrationContext \} from "@tide\/tide";/);
 * assert.match(text, /up\(ctx: MigrationContext\): Promise<void> \{\n  await ctx\.sql/);
 * assert.deepEqual(readCodeExports(text, "x.ts").down, true);
 * ```
 */
export function codeScaffold(input: Pick<ScaffoldInput, "content">): string {
  const body = (code: string | undefined, example: string) =>
    (code ?? example).trimEnd().split("\n").map((line) => line === "" ? "" : `  ${line}`)
      .join("\n");
  return 'import type { MigrationContext } from "@tide/tide";\n\n' +
    "// Write the change in up() and undo it in down(), so that `tide down` restores the schema.\n" +
    "// Both run in a transaction with tide's bookkeeping unless `export const transaction = false`.\n\n" +
    "export async function up(ctx: MigrationContext): Promise<void> {\n" +
    `${
      body(input.content?.up, '// await ctx.sql`CREATE TABLE ${ctx.table("example")} (id int)`;')
    }\n}\n\n` +
    "export async function down(ctx: MigrationContext): Promise<void> {\n" +
    `${body(input.content?.down, '// await ctx.sql`DROP TABLE ${ctx.table("example")}`;')}\n}\n`;
}

function invalid(path: string, why: string): MigrationError {
  return new MigrationError("INVALID_CODE_MIGRATION", `Cannot read ${path}: ${why}`, {
    file: path,
  });
}
