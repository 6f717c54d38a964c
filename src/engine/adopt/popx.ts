/**
 * Ory popx's `schema_migration (version varchar(48), version_self int)`: one row per applied
 * migration. A 14-digit version is the legacy form of every version longer than 14 digits that
 * starts with it, as popx reads it. Another table: pop's `migration_table_name`.
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { isValidVersion } from "../../files/version.ts";
import { type AdoptSource, type AppliedRef, inconsistent } from "./source.ts";

/** A row of popx's table. */
export interface PopxRow {
  /** `version`. */
  version: string;
  [column: string]: unknown;
}

/** How long a legacy popx version is: the first 14 digits of today's. */
const LEGACY_LENGTH = 14;

/**
 * The reader of popx's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./popx.ts";
 *
 * const [legacy] = source.interpret([{ version: "20191100000001" }], {});
 * assert.equal(legacy.by === "version" && legacy.legacyPrefix, true);
 * ```
 */
export const source: AdoptSource<PopxRow> = {
  tool: "popx",
  defaultTable: "schema_migration",
  tableOption: "pop's migration_table_name",
  columns: ["version", "version_self"],
  select(table: Sql): Sql {
    return sql`SELECT version::text AS version FROM ${table}`;
  },
  interpret(rows): AppliedRef[] {
    return rows.map((row) => {
      if (!isValidVersion(row.version)) {
        throw inconsistent("popx", `version "${row.version}"`, "Check --from-table.");
      }
      return {
        by: "version",
        version: row.version,
        label: row.version,
        legacyPrefix: row.version.length === LEGACY_LENGTH,
      };
    });
  },
};
