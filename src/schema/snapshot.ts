/**
 * Schema snapshots: every user-visible object of a database, read from the catalogs with one
 * query per object family, as structured objects (for {@linkcode diffSnapshots}) and as stable
 * SQL-like text (for `schema.sql` and text diffs). A snapshot is plain data. Verification's
 * faster, incremental snapshots are in `snapshot_incremental.ts`.
 *
 * @module
 */

import type { Queryable } from "../drivers/driver.ts";
import type { SchemaSnapshot } from "./objects.ts";
import { type Exclusions, finishPlaced, readByQueries } from "./snapshot_read.ts";
import { renderText } from "./snapshot_render.ts";

export type { SchemaSnapshot, SnapshotObject, SnapshotObjectKind } from "./objects.ts";

/** Options of {@linkcode takeSnapshot}. */
export interface SnapshotOptions extends Exclusions {
  /** Include owners and GRANTs. Default false. */
  includeGrants?: boolean;
  /**
   * Include the privileges that differ from what the server gives each object by itself
   * (GRANTs beyond them, REVOKEs of them), without owners: what verification compares. Default
   * false; `includeGrants` takes precedence.
   */
  privileges?: boolean;
}

/**
 * Reads the schema of the database behind `db`: schemas, extensions, tables, columns,
 * constraints, indexes, views, sequences, functions, triggers, types, policies and comments.
 * Objects of extensions (and the extensions' own schemas' members) are left out; the extension
 * itself is listed. Runs about a dozen catalog queries one after another, with `search_path`
 * emptied for their duration (restored after) so every name comes back schema-qualified.
 * Excluded schemas and tables are matched by their names as written in the catalog, unquoted.
 * A failed read throws a `MigrationError` with code `SNAPSHOT_FAILED`.
 *
 * @example Snapshot a PGlite database
 * ```ts ignore
 * import { PGlite } from "@electric-sql/pglite";
 * import { takeSnapshot } from "./snapshot.ts";
 *
 * const pg = await PGlite.create();
 * const db = {
 *   exec: (sql: string) => pg.exec(sql).then(() => {}),
 *   query: <T,>(sql: string, params?: readonly unknown[]) =>
 *     pg.query<T>(sql, params as unknown[]).then((r) => r.rows),
 * };
 * await db.exec("create table users (id int primary key, email text not null)");
 * console.log((await takeSnapshot(db)).text);
 * await pg.close();
 * ```
 */
export async function takeSnapshot(
  db: Queryable,
  options: SnapshotOptions = {},
): Promise<SchemaSnapshot> {
  const access = options.includeGrants ? "full" : options.privileges ? "privileges" : "none";
  const placed = await readByQueries(db, { access });
  const objects = finishPlaced(placed, options).map((p) => p.object);
  return { objects, text: renderText(objects) };
}
