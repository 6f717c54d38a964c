/**
 * golang-migrate's `schema_migrations (version bigint, dirty boolean)`: one row, the current
 * version; every migration up to it counts as applied. `dirty` means that version's migration
 * failed partway. Another table: the `x-migrations-table` URL parameter.
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { type AdoptSource, type AppliedRef, dirty, inconsistent } from "./source.ts";

/** A row of golang-migrate's table. */
export interface GolangMigrateRow {
  /** The current version (`-1`: none, kept only when dirty). */
  version: string;
  /** Its migration stopped partway. */
  dirty: boolean;
  [column: string]: unknown;
}

/**
 * The reader of golang-migrate's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./golang_migrate.ts";
 *
 * assert.deepEqual(source.interpret([{ version: "3", dirty: false }], {}), [
 *   { by: "through", version: "3", label: "3", fileRequired: true },
 * ]);
 * ```
 */
export const source: AdoptSource<GolangMigrateRow> = {
  tool: "golang-migrate",
  defaultTable: "schema_migrations",
  tableOption: "the x-migrations-table URL parameter",
  columns: ["version", "dirty"],
  select(table: Sql): Sql {
    return sql`SELECT version::text AS version, dirty FROM ${table}`;
  },
  interpret(rows): AppliedRef[] {
    if (rows.length > 1) {
      throw inconsistent(
        "golang-migrate",
        `${rows.length} rows (versions ${rows.map((r) => r.version).join(", ")})`,
        "It keeps one row, its current version: delete the others, keeping the version " +
          "`migrate version` should print.",
      );
    }
    const [row] = rows;
    if (row === undefined) return [];
    if (row.dirty) {
      throw dirty(
        "golang-migrate",
        `version ${row.version} dirty: its migration failed partway`,
        "Finish or undo that migration by hand, then run `migrate force V` with V the last " +
          "version fully applied.",
      );
    }
    if (row.version === "-1") return [];
    return [{ by: "through", version: row.version, label: row.version, fileRequired: true }];
  },
};
