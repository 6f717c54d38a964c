/**
 * goose's `goose_db_version (id, version_id bigint, is_applied boolean, tstamp)`: one row per up
 * (and, from older goose, per down); the latest row of a version (highest `id`) says whether it
 * is applied. Version 0 is the row goose writes when it creates the table. Another table:
 * goose's `-table` flag (`schema.table` allowed).
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { isValidVersion } from "../../files/version.ts";
import { type AdoptSource, type AppliedRef, inconsistent } from "./source.ts";

/** A row of goose's table. */
export interface GooseRow {
  /** `version_id`. */
  version: string;
  /** `is_applied`. */
  isApplied: boolean;
  /** `tstamp`. */
  appliedAt: Date | null;
  [column: string]: unknown;
}

/**
 * The reader of goose's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./goose.ts";
 *
 * const rows = [
 *   { version: "1", isApplied: true, appliedAt: null },
 *   { version: "2", isApplied: true, appliedAt: null },
 *   { version: "2", isApplied: false, appliedAt: null },
 * ];
 * assert.deepEqual(source.interpret(rows, {}).map((ref) => ref.label), ["1"]);
 * ```
 */
export const source: AdoptSource<GooseRow> = {
  tool: "goose",
  defaultTable: "goose_db_version",
  tableOption: "goose's -table flag",
  columns: ["id", "version_id", "is_applied", "tstamp"],
  select(table: Sql): Sql {
    return sql`SELECT version_id::text AS version, is_applied AS "isApplied",
      tstamp::timestamptz AS "appliedAt" FROM ${table} ORDER BY id`;
  },
  interpret(rows): AppliedRef[] {
    const latest = new Map<string, GooseRow>();
    for (const row of rows) {
      if (!isValidVersion(row.version)) {
        throw inconsistent("goose", `version_id ${row.version}`, "Check --from-table.");
      }
      if (row.version !== "0") latest.set(row.version, row);
    }
    return [...latest.values()].filter((row) => row.isApplied).map((row) => ({
      by: "version",
      version: row.version,
      label: row.version,
      ...(row.appliedAt ? { appliedAt: row.appliedAt } : {}),
    }));
  },
};
