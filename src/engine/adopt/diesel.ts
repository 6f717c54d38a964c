/**
 * Diesel's `__diesel_schema_migrations (version varchar(50) primary key, run_on timestamp)`:
 * one row per applied migration, its folder name's digits (`2019-11-11-162609_x` is
 * `20191111162609`). Diesel names no other table; `--from-table` can still point at one.
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { isValidVersion } from "../../files/version.ts";
import { type AdoptSource, type AppliedRef, inconsistent } from "./source.ts";

/** A row of Diesel's table. */
export interface DieselRow {
  /** `version`. */
  version: string;
  /** `run_on`. */
  appliedAt: Date | null;
  [column: string]: unknown;
}

/**
 * The reader of Diesel's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./diesel.ts";
 *
 * const refs = source.interpret([{ version: "20191111162609", appliedAt: null }], {});
 * assert.deepEqual(refs.map((ref) => ref.label), ["20191111162609"]);
 * ```
 */
export const source: AdoptSource<DieselRow> = {
  tool: "diesel",
  defaultTable: "__diesel_schema_migrations",
  tableOption: "--from-table (Diesel has no option for it)",
  columns: ["version", "run_on"],
  select(table: Sql): Sql {
    return sql`SELECT version::text AS version, run_on::timestamptz AS "appliedAt" FROM ${table}`;
  },
  interpret(rows): AppliedRef[] {
    return rows.map((row) => {
      if (!isValidVersion(row.version)) {
        throw inconsistent(
          "diesel",
          `version "${row.version}"`,
          "tide matches Diesel migrations by the digits of their folder names.",
        );
      }
      return {
        by: "version",
        version: row.version,
        label: row.version,
        ...(row.appliedAt ? { appliedAt: row.appliedAt } : {}),
      };
    });
  },
};
