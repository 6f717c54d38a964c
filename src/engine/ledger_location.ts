/**
 * Where a ledger lives (schema, tracking table, module) and the names of its two tables: the
 * one declaration of these settings, imported by the ledger and by everything that names its
 * tables without reading them.
 *
 * @module
 */

/**
 * Where the ledger lives and whose rows it holds: the one declaration of these settings, which
 * the migrator, the CLI, the config file, the Action and the testing module all derive from.
 */
export interface LedgerLocation {
  /**
   * Schema of the tracking and log tables, and of `{{schema}}` templates when given (unset,
   * `{{tables.x}}` stays unqualified and `{{schema}}` is `"public"`).
   */
  schema: string;
  /** Tracking table; the log table's name derives from it (see {@linkcode ledgerTables}). */
  table: string;
  /** Module whose rows the ledger reads and writes; `""` for the default module. */
  module: string;
}

/** The defaults of {@linkcode LedgerLocation}. */
export const DEFAULT_LEDGER_LOCATION: Readonly<LedgerLocation> = Object.freeze({
  schema: "public",
  table: "tide_migrations",
  module: "",
});

/** The two tables of a ledger, unquoted. */
export interface LedgerTables {
  /** Schema of both. */
  schema: string;
  /** The tracking table. */
  table: string;
  /** The log table. */
  logTable: string;
}

/**
 * The tables of a ledger: the tracking table and its log, `tide_migration_log` beside the default
 * `tide_migrations`, else `<table>_log`. Unset fields take the defaults.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ledgerTables } from "./ledger_location.ts";
 *
 * assert.deepEqual(ledgerTables({}), {
 *   schema: "public",
 *   table: "tide_migrations",
 *   logTable: "tide_migration_log",
 * });
 * assert.equal(ledgerTables({ table: "schema_migrations" }).logTable, "schema_migrations_log");
 * ```
 */
export function ledgerTables(location: Partial<LedgerLocation>): LedgerTables {
  const schema = location.schema ?? DEFAULT_LEDGER_LOCATION.schema;
  const table = location.table ?? DEFAULT_LEDGER_LOCATION.table;
  const logTable = table === DEFAULT_LEDGER_LOCATION.table ? "tide_migration_log" : `${table}_log`;
  return { schema, table, logTable };
}
