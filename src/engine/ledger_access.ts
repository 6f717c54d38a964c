/**
 * What the session's role may do with the ledger's schema and tables, read from the catalogs
 * (which need no privilege), so that tide creates only what is missing and names any privilege
 * it lacks with the GRANT that gives it, before it runs anything.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import type { LedgerTables } from "./ledger_location.ts";

/** Whether a table exists and which of the privileges tide needs on it the role lacks. */
export interface TableAccess {
  /** The table exists. */
  exists: boolean;
  /** Privileges tide needs on it that the role lacks, when it exists, e.g. `["UPDATE"]`. */
  lacking: string[];
}

/** What the role may do with a ledger's schema and tables. */
export interface LedgerAccess {
  /** The session's role (`current_user`). */
  role: string;
  /** The current database. */
  database: string;
  /** The role may create schemas in the database. */
  createOnDatabase: boolean;
  /** The schema exists. */
  schemaExists: boolean;
  /** The role may use it (when it exists). */
  usageOnSchema: boolean;
  /** The role may create tables in it (when it exists). */
  createOnSchema: boolean;
  /** The tracking table. */
  table: TableAccess;
  /** The log table. */
  log: TableAccess;
  /** The columns each table has (none when it is missing): older tables lack newer columns. */
  columns: { table: string[]; log: string[] };
  /** Whether the role owns each table (when it exists), and so may add the columns it lacks. */
  owns: { table: boolean; log: boolean };
}

/** The privileges tide needs on each table: it reads, adds, updates and deletes tracking rows. */
const NEEDED = {
  table: ["SELECT", "INSERT", "UPDATE", "DELETE"],
  log: ["SELECT", "INSERT"],
} as const;

/**
 * Reads {@linkcode LedgerAccess} for `tables` in one query.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { readLedgerAccess } from "./ledger_access.ts";
 *
 * await using db = await createPgliteDriver();
 * const tables = { schema: "public", table: "tide_migrations", logTable: "tide_migration_log" };
 * const access = await readLedgerAccess(db, tables);
 * assert.equal(access.schemaExists, true);
 * assert.deepEqual(access.table, { exists: false, lacking: [] });
 * ```
 */
export async function readLedgerAccess(
  db: Queryable,
  tables: LedgerTables,
): Promise<LedgerAccess> {
  const privileges = (alias: string, names: readonly string[]) =>
    names.map((p) =>
      `coalesce((SELECT has_table_privilege(oid, '${p}') FROM ${alias}), true) AS "${alias}_${p}"`
    )
      .join(",\n    ");
  const [row] = await db.query<Record<string, unknown>>(
    `WITH s AS (SELECT oid FROM pg_namespace WHERE nspname = $1),
  t AS (SELECT c.oid FROM pg_class c JOIN s ON c.relnamespace = s.oid WHERE c.relname = $2),
  l AS (SELECT c.oid FROM pg_class c JOIN s ON c.relnamespace = s.oid WHERE c.relname = $3)
SELECT current_user::text AS role, current_database()::text AS database,
    has_database_privilege(current_database(), 'CREATE') AS "createOnDatabase",
    EXISTS (SELECT FROM s) AS "schemaExists",
    coalesce((SELECT has_schema_privilege(oid, 'USAGE') FROM s), true) AS "usageOnSchema",
    coalesce((SELECT has_schema_privilege(oid, 'CREATE') FROM s), true) AS "createOnSchema",
    EXISTS (SELECT FROM t) AS "tableExists", EXISTS (SELECT FROM l) AS "logExists",
    ${privileges("t", NEEDED.table)},
    ${privileges("l", NEEDED.log)},
    ${columns("t")}, ${columns("l")}`,
    [tables.schema, tables.table, tables.logTable],
  );
  const lacking = (alias: string, names: readonly string[]) =>
    names.filter((p) => row[`${alias}_${p}`] !== true);
  const list = (alias: string) => String(row[`${alias}_columns`] ?? "").split(",").filter(Boolean);
  return {
    role: String(row.role),
    database: String(row.database),
    createOnDatabase: row.createOnDatabase === true,
    schemaExists: row.schemaExists === true,
    usageOnSchema: row.usageOnSchema === true,
    createOnSchema: row.createOnSchema === true,
    table: { exists: row.tableExists === true, lacking: lacking("t", NEEDED.table) },
    log: { exists: row.logExists === true, lacking: lacking("l", NEEDED.log) },
    columns: { table: list("t"), log: list("l") },
    owns: { table: row.t_owned === true, log: row.l_owned === true },
  };
}

/** The columns of the table of `alias` and whether the role owns it, as two SELECT items. */
function columns(alias: string): string {
  return `(SELECT string_agg(attname::text, ',' ORDER BY attnum) FROM pg_attribute
      WHERE attrelid = (SELECT oid FROM ${alias}) AND attnum > 0 AND NOT attisdropped)
      AS "${alias}_columns",
    coalesce((SELECT pg_has_role(relowner, 'USAGE') FROM pg_class
      WHERE oid = (SELECT oid FROM ${alias})), false) AS "${alias}_owned"`;
}

/**
 * The `INSUFFICIENT_PRIVILEGE` error when the role cannot create or use what the ledger needs,
 * naming each lacking privilege and the statement that grants it; `undefined` when it can.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { privilegeError } from "./ledger_access.ts";
 *
 * const tables = { schema: "public", table: "tide_migrations", logTable: "tide_migration_log" };
 * const error = privilegeError({
 *   role: "app", database: "shop", createOnDatabase: false, schemaExists: true,
 *   usageOnSchema: true, createOnSchema: false,
 *   table: { exists: false, lacking: [] }, log: { exists: false, lacking: [] },
 * }, tables);
 * assert.match(error?.message ?? "", /GRANT CREATE ON SCHEMA "public" TO "app";/);
 * ```
 */
export function privilegeError(
  access: Omit<LedgerAccess, "columns" | "owns">,
  tables: LedgerTables,
): MigrationError | undefined {
  const role = quoteIdentifier(access.role);
  const schema = quoteIdentifier(tables.schema);
  const lacks: string[] = [];
  const grants: string[] = [];
  if (!access.schemaExists && !access.createOnDatabase) {
    lacks.push(`CREATE on database ${access.database} (to create the schema ${tables.schema})`);
    grants.push(
      `GRANT CREATE ON DATABASE ${quoteIdentifier(access.database)} TO ${role}; ` +
        `(or create the schema for it: CREATE SCHEMA ${schema} AUTHORIZATION ${role};)`,
    );
  }
  if (access.schemaExists && !access.usageOnSchema) {
    lacks.push(`USAGE on schema ${tables.schema}`);
    grants.push(`GRANT USAGE ON SCHEMA ${schema} TO ${role};`);
  }
  const missing = [tables.table, tables.logTable].filter((_, i) =>
    !(i === 0 ? access.table : access.log).exists
  );
  if (access.schemaExists && !access.createOnSchema && missing.length > 0) {
    const which = missing.map((name) => `${tables.schema}.${name}`).join(" and ");
    lacks.push(`CREATE on schema ${tables.schema} (to create ${which})`);
    grants.push(`GRANT CREATE ON SCHEMA ${schema} TO ${role};`);
  }
  for (
    const [name, table] of [[tables.table, access.table], [tables.logTable, access.log]] as const
  ) {
    if (!table.exists || table.lacking.length === 0) continue;
    const privileges = table.lacking.join(", ");
    lacks.push(`${privileges} on table ${tables.schema}.${name}`);
    grants.push(`GRANT ${privileges} ON ${schema}.${quoteIdentifier(name)} TO ${role};`);
  }
  if (lacks.length === 0) return undefined;
  return new MigrationError(
    "INSUFFICIENT_PRIVILEGE",
    `Cannot use tide's tracking tables as role ${access.role}: it lacks ${lacks.join("; ")}. ` +
      `Have an owner or a superuser run: ${grants.join(" ")} ` +
      "Or run tide as a role that has them (--schema picks another schema for the tables).",
  );
}
