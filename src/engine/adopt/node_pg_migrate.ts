/**
 * node-pg-migrate's `pgmigrations (id serial, name varchar, run_on timestamp)`: one row per
 * applied migration, `name` its file name without the extension (`1700000000000_add-users`),
 * matched by the number before the first `_`. Another table: `--migrations-table`, in
 * `--migrations-schema`.
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { type AdoptSource, type AppliedRef, namedRef } from "./source.ts";

/** A row of node-pg-migrate's table. */
export interface NodePgMigrateRow {
  /** `name`. */
  name: string;
  /** `run_on`. */
  appliedAt: Date | null;
  [column: string]: unknown;
}

/**
 * The reader of node-pg-migrate's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./node_pg_migrate.ts";
 *
 * const refs = source.interpret([{ name: "1700000000000_add-users", appliedAt: null }], {});
 * assert.deepEqual(refs, [
 *   { by: "version", version: "1700000000000", name: "add-users", label: "1700000000000_add-users" },
 * ]);
 * ```
 */
export const source: AdoptSource<NodePgMigrateRow> = {
  tool: "node-pg-migrate",
  defaultTable: "pgmigrations",
  tableOption: "--migrations-table (in --migrations-schema)",
  columns: ["id", "name", "run_on"],
  select(table: Sql): Sql {
    return sql`SELECT name, run_on::timestamptz AS "appliedAt" FROM ${table} ORDER BY run_on, id`;
  },
  interpret(rows): AppliedRef[] {
    return rows.map((row) => namedRef(row.name, row.appliedAt));
  },
};
