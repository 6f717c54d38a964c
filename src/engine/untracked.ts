/**
 * A database whose schema is already built but not tracked by the chosen tracking table: what
 * `apply` must refuse, because every migration would run again on it.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import { type LedgerLocation, ledgerTables } from "./ledger_location.ts";

/**
 * The tables of the ledger's schema when its tracking table does not exist: empty when the
 * tracking table exists or the schema holds no tables. Tables that belong to an extension (such
 * as PostGIS's `spatial_ref_sys`) and tide's own log table do not count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { untrackedTables } from "./untracked.ts";
 *
 * await using db = await connect("memory://");
 * await db.exec("create table legacy_users (id int)");
 * const location = { schema: "public", table: "tide_migrations" };
 * assert.deepEqual(await untrackedTables(db, location), ["legacy_users"]);
 * await db.exec("create table tide_migrations (version text)");
 * assert.deepEqual(await untrackedTables(db, location), []);
 * ```
 */
export async function untrackedTables(
  db: Queryable,
  location: Partial<Pick<LedgerLocation, "schema" | "table">>,
): Promise<string[]> {
  const { schema, table, logTable } = ledgerTables(location);
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname::text AS name
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
         WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY 1`,
    [schema],
  );
  const names = rows.map((row) => row.name);
  if (names.includes(table)) return [];
  return names.filter((name) => name !== logTable);
}
