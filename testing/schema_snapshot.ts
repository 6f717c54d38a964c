/**
 * Schema snapshot tests: the schema of a database, as text, compared to a committed file that
 * `--update` rewrites.
 *
 * @module
 */
import { AssertionError } from "node:assert";
import { dirname } from "node:path";
import {
  type LedgerLocation,
  ledgerTables,
  type Queryable,
  takeSnapshot,
  textDiff,
} from "../mod.ts";
import { pathOf } from "./migrations_input.ts";

/**
 * Options of {@linkcode assertSchemaSnapshot}: where tide's tracking tables are (left out of the
 * snapshot with their log table), as for the migrator.
 */
export interface SchemaSnapshotOptions extends Partial<Pick<LedgerLocation, "schema" | "table">> {
  /**
   * Rewrite the file instead of comparing. Default: true when the test runs with `-- --update`
   * (or `-- -u`), or with the environment variable `UPDATE_SNAPSHOTS=1`.
   */
  update?: boolean;
}

/**
 * Compares the schema of `db` (every object except tide's tracking tables, as the text of
 * `takeSnapshot`) with the file at `path`, and throws an `AssertionError` with a diff when they
 * differ. With `deno test -- --update` (or `UPDATE_SNAPSHOTS=1`) it writes the file instead.
 *
 * @example
 * ```ts
 * import { assertSchemaSnapshot, createTestDatabase } from "@tide/tide/testing";
 *
 * Deno.test("the migrated schema is the committed one", async () => {
 *   await using db = await createTestDatabase({ dir: new URL("../migrations", import.meta.url) });
 *   await assertSchemaSnapshot(db, new URL("./testdata/schema.sql", import.meta.url));
 * });
 * ```
 */
export async function assertSchemaSnapshot(
  db: Queryable,
  path: string | URL,
  options: SchemaSnapshotOptions = {},
): Promise<void> {
  const file = pathOf(path);
  const { schema, table, logTable } = ledgerTables(options);
  const { text } = await takeSnapshot(db, {
    exclude: [{ schema, table }, { schema, table: logTable }],
  });
  if (options.update ?? updateRequested()) {
    await Deno.mkdir(dirname(file), { recursive: true });
    await Deno.writeTextFile(file, text);
    return;
  }
  const expected = await readSnapshot(file);
  // stackStartFn: the failure points at the caller's test, not at tide.
  if (expected === undefined) {
    throw new AssertionError({
      message: `Schema snapshot ${file} does not exist. Create it by running the test with ` +
        `\`deno test --allow-all <test file> -- --update\` (or UPDATE_SNAPSHOTS=1), then commit it.`,
      stackStartFn: assertSchemaSnapshot,
    });
  }
  if (expected === text) return;
  throw new AssertionError({
    message: `Schema snapshot ${file} does not match the database schema. If the change is ` +
      `intended, rewrite the file with \`deno test --allow-all <test file> -- --update\` ` +
      `and commit it.\n\n${textDiff(expected, text, { labels: [file, "database"] })}`,
    stackStartFn: assertSchemaSnapshot,
  });
}

/** The committed snapshot, or `undefined` when there is none yet. */
async function readSnapshot(file: string): Promise<string | undefined> {
  try {
    // Git may check the file out with CRLF line endings.
    return (await Deno.readTextFile(file)).replace(/\r\n?/g, "\n");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function updateRequested(): boolean {
  if (Deno.args.includes("--update") || Deno.args.includes("-u")) return true;
  try {
    return Deno.env.get("UPDATE_SNAPSHOTS") === "1";
  } catch {
    return false; // without --allow-env, only the flags count
  }
}
