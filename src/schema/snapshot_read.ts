/**
 * Reading a snapshot's objects from the catalogs, one query per family (all of them, or those
 * under some roots), and what every read ends with: exclusions, order, complete tables. A
 * failed read throws `SNAPSHOT_FAILED`.
 *
 * @example Read, then finish
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { MigrationError } from "../errors.ts";
 * import { finishPlaced, readByQueries, readCatalog } from "./snapshot_read.ts";
 *
 * await using db = await connect("memory://");
 * await db.exec("create schema app; create table app.t (id int)");
 * const placed = await readByQueries(db, { access: "none" });
 * const finished = finishPlaced(placed, { excludeSchemas: ["public"] });
 * assert.deepEqual(finished.map((p) => p.object.name), ["app", "app.t", "app.t.id"]);
 * await assert.rejects(
 *   readCatalog(db, "schemas", "SELECT nspnam FROM pg_catalog.pg_namespace"),
 *   (error) => error instanceof MigrationError && error.code === "SNAPSHOT_FAILED",
 * );
 * ```
 *
 * @module
 */

import type { Queryable, Row } from "../drivers/driver.ts";
import { errorMessage, MigrationError } from "../errors.ts";
import { FAMILIES, FAMILY_NAMES, type FamilyRows, placeRows } from "./families.ts";
import type { PlacedObject } from "./objects.ts";
import type { Access } from "./privileges.ts";
import type { ScopeKeys } from "./snapshot_merge.ts";
import { compareKeys, completeTables } from "./snapshot_render.ts";

/** What a snapshot leaves out, names as the catalog spells them (unquoted). */
export interface Exclusions {
  /** Tables left out with everything under them, e.g. tide's own tracking tables. */
  exclude?: readonly { schema: string; table: string }[];
  /** Schemas left out with everything in them, e.g. a verifier's own bookkeeping schema. */
  excludeSchemas?: readonly string[];
}

/**
 * Reads with one query per family, owners and privileges as `access` says, `search_path`
 * emptied meanwhile (restored after) so every name comes back schema-qualified. With `keys`, only the families' rows under those roots; a
 * family without roots is not queried. Unsorted, nothing excluded yet.
 *
 * See the module example.
 */
export async function readByQueries(
  db: Queryable,
  options: { access: Access; keys?: ScopeKeys },
): Promise<PlacedObject[]> {
  const [session] = await readCatalog<{ path: string; version: number }>(
    db,
    "the server version",
    // One round trip: the subquery reads search_path before the outer query clears it.
    "SELECT s.path, s.version, pg_catalog.set_config('search_path', '', false) AS cleared " +
      "FROM (SELECT pg_catalog.current_setting('search_path') AS path, " +
      "pg_catalog.current_setting('server_version_num')::int AS version OFFSET 0) s",
  );
  try {
    const rows: Record<string, Row[]> = {};
    for (const name of FAMILY_NAMES) {
      const family = FAMILIES[name];
      const roots = options.keys?.oids[family.roots];
      rows[name] = roots === "{}" ? [] : await readCatalog(
        db,
        name,
        family.query(options.access, roots && `'${roots}'::pg_catalog.oid[]`),
      );
    }
    return placeRows(rows as unknown as FamilyRows, session.version);
  } finally {
    await readCatalog(
      db,
      "restoring search_path",
      "SELECT pg_catalog.set_config('search_path', $1, false)",
      [session.path],
    );
  }
}

/**
 * Runs one catalog query of a snapshot; a failure becomes a `SNAPSHOT_FAILED` error naming
 * `what` was being read.
 *
 * See the module example.
 */
export async function readCatalog<T extends Row>(
  db: Queryable,
  what: string,
  sql: string,
  params?: readonly unknown[],
): Promise<T[]> {
  try {
    return await db.query<T>(sql, params);
  } catch (error) {
    const reason = errorMessage(error);
    throw new MigrationError(
      "SNAPSHOT_FAILED",
      `Taking a schema snapshot failed while reading ${what}: ${reason}. The database must be ` +
        "PostgreSQL 13 or later (or PGlite) and the role must be able to read pg_catalog.",
      { cause: error },
    );
  }
}

/**
 * Leaves out the excluded objects, sorts the rest and completes each table's definition with
 * its columns and constraints (which must have been read with it).
 *
 * See the module example.
 */
export function finishPlaced(placed: PlacedObject[], exclusions: Exclusions): PlacedObject[] {
  const tables = new Set((exclusions.exclude ?? []).map((e) => tableKey(e.schema, e.table)));
  const schemas = new Set(exclusions.excludeSchemas ?? []);
  const kept = placed.filter(({ schema, table }) =>
    schema === undefined ||
    !(schemas.has(schema) || (table !== undefined && tables.has(tableKey(schema, table))))
  );
  kept.sort((a, b) => compareKeys(a.sortKey, b.sortKey));
  completeTables(kept.map((p) => p.object));
  return kept;
}

/** Schema and table as one key; NUL cannot occur in a PostgreSQL name. */
function tableKey(schema: string, table: string): string {
  return `${schema}\u0000${table}`;
}
