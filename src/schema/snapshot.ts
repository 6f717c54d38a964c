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
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { takeSnapshot } from "./snapshot.ts";
 *
 * await using db = await connect("memory://");
 * await db.exec("create table users (id int primary key, email text not null)");
 * const snapshot = await takeSnapshot(db);
 * assert.deepEqual(snapshot.objects.map((o) => `${o.kind} ${o.name}`), [
 *   "schema public",
 *   "table public.users",
 *   "column public.users.id",
 *   "column public.users.email",
 *   "constraint public.users.users_pkey",
 * ]);
 * assert.match(snapshot.text, /^CREATE TABLE public\.users \(\n {4}id integer NOT NULL,$/m);
 * const excluded = await takeSnapshot(db, { exclude: [{ schema: "public", table: "users" }] });
 * assert.deepEqual(excluded.objects.map((o) => o.name), ["public"]);
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
