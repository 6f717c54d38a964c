/**
 * Creating the ledger's schema and tables, and bringing tables made by an older tide up to date
 * (newer columns, the log's CHECK of actions). Loaded only by commands that write: read-only
 * commands (`tide status`) never create or alter anything.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import { inlined, runQuery, sql } from "../sql/render.ts";
import { privilegeError, readLedgerAccess } from "./ledger_access.ts";
import type { LedgerColumns } from "./ledger_columns.ts";
import type { LedgerTables } from "./ledger_location.ts";
import {
  addColumns,
  ADDED_COLUMNS,
  ledgerDdl,
  type LedgerNames,
  ledgerNames,
  LOG_ACTIONS,
  replaceCheck,
} from "./ledger_sql.ts";

/**
 * Creates the schema and the tables that are missing, and only those, and adds the newer
 * columns to tables the role owns; the columns both tables then have. Throws
 * `INSUFFICIENT_PRIVILEGE`, naming the GRANT, when the role cannot create or use them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { ensureLedgerTables } from "./ledger_ensure.ts";
 * import { DEFAULT_LEDGER_LOCATION, ledgerTables } from "./ledger_location.ts";
 * import { ADDED_COLUMNS } from "./ledger_sql.ts";
 *
 * await using db = await connect("memory://");
 * const tables = ledgerTables(DEFAULT_LEDGER_LOCATION);
 * const columns = await ensureLedgerTables(db, tables); // both created
 * assert.ok(ADDED_COLUMNS.table.every((column) => columns.table.has(column)));
 * const log = "SELECT to_regclass('public.tide_migration_log') IS NOT NULL AS found";
 * assert.deepEqual(await db.query(log), [{ found: true }]);
 * ```
 */
export async function ensureLedgerTables(
  db: Queryable,
  tables: LedgerTables,
): Promise<LedgerColumns> {
  const names = ledgerNames(tables);
  const access = await readLedgerAccess(db, tables);
  const refused = privilegeError(access, tables);
  if (refused) throw refused;
  const missing = {
    schema: !access.schemaExists,
    table: !access.table.exists,
    log: !access.log.exists,
  };
  if (missing.schema || missing.table || missing.log) {
    await db.exec(inlined(ledgerDdl(names, missing)));
  }
  const columns = { table: new Set(access.columns.table), log: new Set(access.columns.log) };
  for (const kind of ["table", "log"] as const) {
    if (missing[kind]) {
      columns[kind] = new Set([...columns[kind], ...ADDED_COLUMNS[kind]]);
      continue;
    }
    const lacking = ADDED_COLUMNS[kind].filter((column) => !columns[kind].has(column));
    // A role that does not own a 0.1 table keeps working without the newer columns.
    if (lacking.length === 0 || !access.owns[kind]) continue;
    await db.exec(inlined(addColumns(kind === "table" ? names.table : names.log, kind, lacking)));
    for (const column of lacking) columns[kind].add(column);
  }
  return columns;
}

/**
 * Lets the log record every action of {@linkcode LOG_ACTIONS}: a log created by an older tide
 * has a CHECK without the newer ones (`adopt`), which this replaces.
 *
 * @example
 * ```ts ignore
 * await upgradeLogActions(db, names.log); // with the lock held
 * ```
 */
export async function upgradeLogActions(db: Queryable, log: LedgerNames["log"]): Promise<void> {
  const checks = await runQuery<{ name: string; definition: string }>(
    db,
    sql`SELECT conname::text AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
     WHERE conrelid = to_regclass(${inlined(log)}) AND contype = 'c'`,
  );
  const stale = checks.filter((c) =>
    /\baction\b/.test(c.definition) &&
    !LOG_ACTIONS.every((action) => c.definition.includes(`'${action}'`))
  );
  for (const { name } of stale) await db.exec(inlined(replaceCheck(log, name)));
}
