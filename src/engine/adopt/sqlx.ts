/**
 * sqlx's `_sqlx_migrations (version bigint, description, installed_on, success, checksum bytea,
 * execution_time)`: one row per applied migration; `success = false` is a migration that failed
 * partway (sqlx calls the database dirty). Another table: `migrate.table-name` in `sqlx.toml`.
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { type AdoptSource, type AppliedRef, dirty } from "./source.ts";
import { sqlxChecksum } from "./tool_checksums.ts";

/** A row of sqlx's table. */
export interface SqlxRow {
  /** `version`. */
  version: string;
  /** `description`. */
  description: string;
  /** `success`. */
  success: boolean;
  /** `installed_on`. */
  appliedAt: Date | null;
  /** `checksum`, in hex. */
  checksum?: string | null;
  [column: string]: unknown;
}

/**
 * The reader of sqlx's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./sqlx.ts";
 *
 * const row = { version: "20240110090000", description: "users", appliedAt: null };
 * assert.equal(source.interpret([{ ...row, success: true }], {}).length, 1);
 * assert.throws(() => source.interpret([{ ...row, success: false }], {}), /applied partway/);
 * ```
 */
export const source: AdoptSource<SqlxRow> = {
  tool: "sqlx",
  defaultTable: "_sqlx_migrations",
  tableOption: "migrate.table-name in sqlx.toml",
  columns: ["version", "description", "success", "checksum"],
  select(table: Sql): Sql {
    return sql`SELECT version::text AS version, description, success,
      installed_on::timestamptz AS "appliedAt", encode(checksum, 'hex') AS checksum
      FROM ${table} ORDER BY version`;
  },
  interpret(rows): AppliedRef[] {
    const failed = rows.filter((row) => !row.success);
    if (failed.length > 0) {
      throw dirty(
        "sqlx",
        `migration ${failed.map((r) => `${r.version} (${r.description})`).join(", ")} ` +
          "applied partway (success = false)",
        "Finish or undo it by hand and delete its row from the table, as sqlx asks.",
      );
    }
    return rows.map((row) => ({
      by: "version",
      version: row.version,
      name: row.description,
      label: `${row.version} (${row.description})`,
      ...(row.appliedAt ? { appliedAt: row.appliedAt } : {}),
      ...(row.checksum ? { checksum: row.checksum } : {}),
    }));
  },
  checksumsOf: (bytes) => [sqlxChecksum(bytes)],
};
