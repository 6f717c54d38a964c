/**
 * dbmate's `schema_migrations (version varchar primary key)`: one row per applied migration,
 * the digits of its file name. Another table: dbmate's `--migrations-table` (`schema.table`
 * allowed).
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { isValidVersion } from "../../files/version.ts";
import { type AdoptSource, type AppliedRef, inconsistent } from "./source.ts";

/** A row of dbmate's table. */
export interface DbmateRow {
  /** The version, as in the file name. */
  version: string;
  [column: string]: unknown;
}

/**
 * The reader of dbmate's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./dbmate.ts";
 *
 * assert.deepEqual(source.interpret([{ version: "20240110090000" }], {}), [
 *   { by: "version", version: "20240110090000", label: "20240110090000" },
 * ]);
 * ```
 */
export const source: AdoptSource<DbmateRow> = {
  tool: "dbmate",
  defaultTable: "schema_migrations",
  tableOption: "dbmate's --migrations-table",
  columns: ["version"],
  select(table: Sql): Sql {
    return sql`SELECT version::text AS version FROM ${table}`;
  },
  interpret(rows): AppliedRef[] {
    return rows.map((row) => {
      if (!isValidVersion(row.version)) {
        throw inconsistent(
          "dbmate",
          `version "${row.version}"`,
          "If this is golang-migrate's schema_migrations, adopt with --from golang-migrate.",
        );
      }
      return { by: "version", version: row.version, label: row.version };
    });
  },
};
