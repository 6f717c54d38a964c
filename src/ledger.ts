/**
 * The tracking table (what is applied, keyed by module and version) and the log table (every up,
 * down, baseline and repair, never rewritten).
 *
 * @module
 */
import type { Queryable } from "./drivers/driver.ts";
import { quoteIdentifier, quoteLiteral } from "./identifier.ts";
import { compareVersions } from "./version.ts";

/**
 * Where the ledger lives and whose rows it holds: the one declaration of these settings, which
 * the migrator, the CLI, the config file, the Action and the testing module all derive from.
 */
export interface LedgerLocation {
  /** Schema of the tracking and log tables, and of `{{schema}}` templates. */
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
 * import { ledgerTables } from "./ledger.ts";
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

/** `applied`, or `failed`: a no-transaction migration that stopped halfway (dirty). */
export type AppliedStatus = "applied" | "failed";

/** One row of the tracking table. */
export interface AppliedMigration {
  /** Version as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** Hex SHA-256 of the up file when it was applied. */
  checksum: string;
  /** How `checksum` was computed. */
  checksumAlgorithm: string;
  /** Whether it completed. */
  status: AppliedStatus;
  /** When it was applied. */
  appliedAt: Date;
  /** How long the up took. */
  executionTimeMs: number;
  /** Database user, and the person or CI actor when known. */
  appliedBy: string;
  /**
   * The down SQL as written when the migration was applied, or `null`; its templates are
   * rendered with the tracking table's schema when it runs, as they would have been then.
   */
  downSql: string | null;
  /** Whether that down must run outside a transaction. */
  downNoTransaction: boolean;
  /** For a failed row: the error and how far it got. */
  error: string | null;
}

/** What the log records. */
export type LogAction = "up" | "down" | "baseline" | "repair";

/** One row of the log table. */
export interface LogEntry {
  /** Increasing id. */
  id: number;
  /** Version concerned. */
  version: string;
  /** Name concerned. */
  name: string;
  /** What was done. */
  action: LogAction;
  /** How it ended. */
  outcome: "success" | "failure";
  /** Error message of a failure (redacted). */
  error: string | null;
  /** When it started. */
  startedAt: Date;
  /** How long it took. */
  durationMs: number;
  /** Who did it. */
  performedBy: string;
}

/** A log entry before it is written. */
export type NewLogEntry = Omit<LogEntry, "id" | "startedAt"> & { startedAt?: Date };

/** Columns in both tables' SELECTs, mapped to camelCase by the query. */
const APPLIED_COLUMNS = `version, name, checksum, checksum_algorithm AS "checksumAlgorithm", status,
  applied_at AS "appliedAt", execution_time_ms AS "executionTimeMs", applied_by AS "appliedBy",
  down_sql AS "downSql", down_no_transaction AS "downNoTransaction", error`;

/**
 * Reads and writes the tracking and log tables of one module.
 *
 * @example
 * ```ts ignore
 * const ledger = new Ledger(driver, { schema: "public", table: "tide_migrations", module: "" });
 * await ledger.ensure();
 * console.log(await ledger.list());
 * ```
 */
export class Ledger {
  readonly #db: Queryable;
  readonly #options: LedgerLocation;
  readonly #table: string;
  readonly #log: string;

  /** A ledger on `db`; nothing is created until {@linkcode Ledger.ensure}. */
  constructor(db: Queryable, location: LedgerLocation) {
    this.#db = db;
    this.#options = location;
    const tables = ledgerTables(location);
    const schema = quoteIdentifier(tables.schema);
    this.#table = `${schema}.${quoteIdentifier(tables.table)}`;
    this.#log = `${schema}.${quoteIdentifier(tables.logTable)}`;
  }

  /** Creates the schema and both tables when missing. Call with the lock held. */
  async ensure(): Promise<void> {
    await this.#db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(this.#options.schema)};
CREATE TABLE IF NOT EXISTS ${this.#table} (
  module text NOT NULL DEFAULT '',
  version text NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  checksum_algorithm text NOT NULL,
  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'failed')),
  applied_at timestamptz NOT NULL DEFAULT now(),
  execution_time_ms integer NOT NULL,
  applied_by text NOT NULL,
  down_sql text,
  down_no_transaction boolean NOT NULL DEFAULT false,
  error text,
  PRIMARY KEY (module, version)
);
CREATE TABLE IF NOT EXISTS ${this.#log} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  module text NOT NULL DEFAULT '',
  version text NOT NULL,
  name text NOT NULL,
  action text NOT NULL CHECK (action IN ('up', 'down', 'baseline', 'repair')),
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
  error text,
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  performed_by text NOT NULL
);`);
  }

  /** Whether the tracking table exists; read-only commands never create it. */
  async exists(): Promise<boolean> {
    const rows = await this.#db.query<{ found: boolean }>(
      "SELECT to_regclass($1) IS NOT NULL AS found",
      [this.#table],
    );
    return rows[0]?.found === true;
  }

  /** The module's rows in version order; empty when the table does not exist yet. */
  async list(): Promise<AppliedMigration[]> {
    if (!(await this.exists())) return [];
    const rows = await this.#db.query<AppliedMigration & Record<string, unknown>>(
      `SELECT ${APPLIED_COLUMNS} FROM ${this.#table} WHERE module = $1`,
      [this.#options.module],
    );
    return rows.map(normalizeApplied).sort((a, b) => compareVersions(a.version, b.version));
  }

  /** Inserts or replaces the row of `row.version`, on `db` (pass the migration's transaction). */
  async record(db: Queryable, row: Omit<AppliedMigration, "appliedAt">): Promise<void> {
    const insert = this.#upsertStatement(row, 0);
    await db.query(insert.sql, insert.params);
  }

  /** Records an applied migration and logs it, in one round trip. */
  async recordApplied(
    db: Queryable,
    row: Omit<AppliedMigration, "appliedAt">,
    entry: NewLogEntry,
  ): Promise<void> {
    const insert = this.#upsertStatement(row, 0);
    const log = this.#logStatement(entry, insert.params.length);
    await db.query(`WITH recorded AS (${insert.sql} RETURNING 1) ${log.sql}`, [
      ...insert.params,
      ...log.params,
    ]);
  }

  /** Deletes a rolled-back migration's row and logs it, in one round trip. */
  async recordRolledBack(db: Queryable, version: string, entry: NewLogEntry): Promise<void> {
    const log = this.#logStatement(entry, 2);
    await db.query(
      `WITH removed AS (DELETE FROM ${this.#table} WHERE module = $1 AND version = $2 RETURNING 1)
       ${log.sql}`,
      [this.#options.module, version, ...log.params],
    );
  }

  /**
   * The SQL of {@linkcode Ledger.recordApplied} as text with literals, to send in the same message
   * as the migration itself; the server measures the duration, from the message's arrival.
   */
  recordAppliedSql(row: Omit<AppliedMigration, "appliedAt">, entry: NewLogEntry): string {
    // Two plain statements plan faster than one CTE; `up` never meets an existing row (a failed
    // one stops the plan), so no ON CONFLICT either.
    const insert = this.#upsertStatement(row, 0, false);
    const log = this.#logStatement(entry, insert.params.length);
    return inline(`${insert.sql};\n${log.sql}`, [
      ...insert.params,
      ...log.params,
    ], { 7: ELAPSED_MS, 18: "statement_timestamp()", 19: ELAPSED_MS });
  }

  /** The SQL of {@linkcode Ledger.recordRolledBack} as text with literals (see `recordAppliedSql`). */
  recordRolledBackSql(version: string, entry: NewLogEntry): string {
    const log = this.#logStatement(entry, 2);
    return inline(
      `DELETE FROM ${this.#table} WHERE module = $1 AND version = $2;\n${log.sql}`,
      [this.#options.module, version, ...log.params],
      { 9: "statement_timestamp()", 10: ELAPSED_MS },
    );
  }

  #upsertStatement(
    row: Omit<AppliedMigration, "appliedAt">,
    offset: number,
    upsert = true,
  ): Statement {
    const onConflict = upsert
      ? `ON CONFLICT (module, version) DO UPDATE SET name = EXCLUDED.name,
         checksum = EXCLUDED.checksum, checksum_algorithm = EXCLUDED.checksum_algorithm,
         status = EXCLUDED.status, applied_at = now(), execution_time_ms = EXCLUDED.execution_time_ms,
         applied_by = EXCLUDED.applied_by, down_sql = EXCLUDED.down_sql,
         down_no_transaction = EXCLUDED.down_no_transaction, error = EXCLUDED.error`
      : "";
    return {
      sql: `INSERT INTO ${this.#table} (module, version, name, checksum, checksum_algorithm, status,
         execution_time_ms, applied_by, down_sql, down_no_transaction, error)
       VALUES (${placeholders(offset, 11)}) ${onConflict}`,
      params: [
        this.#options.module,
        row.version,
        row.name,
        row.checksum,
        row.checksumAlgorithm,
        row.status,
        Math.round(row.executionTimeMs),
        row.appliedBy,
        row.downSql,
        row.downNoTransaction,
        row.error,
      ],
    };
  }

  /** Updates the checksum and stored down of an applied row (repair). */
  async rechecksum(
    db: Queryable,
    version: string,
    fields: Pick<
      AppliedMigration,
      "checksum" | "checksumAlgorithm" | "downSql" | "downNoTransaction"
    >,
  ): Promise<void> {
    await db.query(
      `UPDATE ${this.#table} SET checksum = $3, checksum_algorithm = $4, down_sql = $5,
         down_no_transaction = $6 WHERE module = $1 AND version = $2`,
      [
        this.#options.module,
        version,
        fields.checksum,
        fields.checksumAlgorithm,
        fields.downSql,
        fields.downNoTransaction,
      ],
    );
  }

  /** Marks a failed row as applied (its changes are all in place). */
  async markApplied(db: Queryable, version: string): Promise<void> {
    await db.query(
      `UPDATE ${this.#table} SET status = 'applied', error = NULL WHERE module = $1 AND version = $2`,
      [this.#options.module, version],
    );
  }

  /** Marks an applied row failed: its no-transaction down stopped halfway. */
  async markFailed(db: Queryable, version: string, error: string): Promise<void> {
    await db.query(
      `UPDATE ${this.#table} SET status = 'failed', error = $3 WHERE module = $1 AND version = $2`,
      [this.#options.module, version, error],
    );
  }

  /** Deletes the row of `version` (rolled back). */
  async remove(db: Queryable, version: string): Promise<void> {
    await db.query(`DELETE FROM ${this.#table} WHERE module = $1 AND version = $2`, [
      this.#options.module,
      version,
    ]);
  }

  /** Appends to the log, on `db` (the migration's transaction for a success). */
  async log(db: Queryable, entry: NewLogEntry): Promise<void> {
    const log = this.#logStatement(entry, 0);
    await db.query(log.sql, log.params);
  }

  #logStatement(entry: NewLogEntry, offset: number): Statement {
    return {
      sql: `INSERT INTO ${this.#log} (module, version, name, action, outcome, error, started_at,
         duration_ms, performed_by) VALUES (${placeholders(offset, 9)})`,
      params: [
        this.#options.module,
        entry.version,
        entry.name,
        entry.action,
        entry.outcome,
        entry.error,
        entry.startedAt ?? new Date(),
        Math.round(entry.durationMs),
        entry.performedBy,
      ],
    };
  }

  /** The module's log, oldest first; empty when the table does not exist yet. */
  async history(options: { limit?: number } = {}): Promise<LogEntry[]> {
    if (!(await this.exists())) return [];
    const limit = options.limit === undefined
      ? ""
      : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
    const rows = await this.#db.query<LogEntry & Record<string, unknown>>(
      `SELECT * FROM (SELECT id::integer AS id, version, name, action, outcome, error,
         started_at AS "startedAt", duration_ms AS "durationMs", performed_by AS "performedBy"
       FROM ${this.#log} WHERE module = $1 ORDER BY id DESC${limit}) recent ORDER BY id`,
      [this.#options.module],
    );
    return rows.map((row) => ({ ...row, startedAt: toDate(row.startedAt) }));
  }
}

/** Milliseconds since the server received the current message. */
const ELAPSED_MS =
  "(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::integer";

/** Replaces `$n` by `overrides[n]` (SQL) or by the literal of `params[n - 1]`. */
function inline(
  sql: string,
  params: readonly unknown[],
  overrides: Record<number, string>,
): string {
  // Quoted identifiers are matched first and kept, so a schema named "a$1" stays intact.
  return sql.replace(/"(?:[^"]|"")*"|\$(\d+)/g, (match, digits?: string) => {
    if (digits === undefined) return match;
    const index = Number(digits);
    return overrides[index] ??
      quoteLiteral(params[index - 1] as Parameters<typeof quoteLiteral>[0]);
  });
}

interface Statement {
  sql: string;
  params: unknown[];
}

/** `$<offset+1>, ..., $<offset+count>` */
function placeholders(offset: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${offset + i + 1}`).join(", ");
}

function normalizeApplied(row: AppliedMigration): AppliedMigration {
  return {
    ...row,
    appliedAt: toDate(row.appliedAt),
    executionTimeMs: Number(row.executionTimeMs),
    downNoTransaction: row.downNoTransaction === true,
  };
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
