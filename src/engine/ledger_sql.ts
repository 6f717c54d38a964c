/**
 * The ledger's two tables as SQL: their rows as TypeScript sees them, their DDL, the column map
 * of every write (the one place a column is given its value), and the statements built from
 * those maps.
 *
 * Over 300 lines: the column map and DDL of both tables are kept together so the parameterised and
 * the inline form of each write cannot drift apart.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import {
  identifier,
  inlined,
  joinSql,
  rawSql,
  runQuery,
  SERVER,
  type Sql,
  sql,
  type SqlValue,
} from "../sql/render.ts";
import type { LedgerTables } from "./ledger_location.ts";

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
  /** What the migration says it does (see `Migration.description`); `null` when unknown. */
  description?: string | null;
  /** The migrations of other modules it requires, as `module:version` (see `Requirement`). */
  requires?: readonly string[];
  /**
   * For a migration whose down is code (TypeScript), which cannot be stored as SQL: the file
   * holding it, as it was named when applied. Rolling back needs that file.
   */
  downFile?: string | null;
}

/**
 * What the log records, in the order its CHECK constraint lists them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LOG_ACTION_CHECK, LOG_ACTIONS } from "./ledger_sql.ts";
 *
 * assert.ok(LOG_ACTIONS.includes("adopt"));
 * assert.match(LOG_ACTION_CHECK, /^action IN \('up', 'down', .*'adopt'\)$/);
 * ```
 */
export const LOG_ACTIONS = ["up", "down", "baseline", "repair", "adopt"] as const;

/** What the log records. */
export type LogAction = typeof LOG_ACTIONS[number];

/** The log's CHECK on `action`; logs made before `adopt` existed get it from `upgradeLogActions`. */
export const LOG_ACTION_CHECK: string = `action IN (${
  LOG_ACTIONS.map((action) => `'${action}'`).join(", ")
})`;

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
  /** The migration's description when it was logged; `null` when unknown. */
  description?: string | null;
}

/** A log entry before it is written. */
export type NewLogEntry = Omit<LogEntry, "id" | "startedAt"> & { startedAt?: Date };

/** A tracking row to write, without what the ledger times itself. */
export type AppliedFields = Omit<AppliedMigration, "appliedAt" | "executionTimeMs">;

/** A log entry to write, without what the ledger times itself. */
export type LogFields = Omit<LogEntry, "id" | "startedAt" | "durationMs">;

/**
 * A step's bookkeeping (its tracking-table change and its log row) in the two forms it is sent
 * in. Both write the same rows; only who measures the time differs.
 */
export interface Bookkeeping {
  /** Inline SQL with literals, to send in the same message as a transactional script. */
  readonly sql: string;
  /** Writes it with parameters on `db`, after a no-transaction script that took `durationMs`. */
  run(db: Queryable, durationMs: number): Promise<void>;
}

/** What a failed step leaves for the ledger to write. */
export interface Failure {
  /** The step's tracking row as it would have been written. */
  row: AppliedFields;
  /** The step's log entry; its outcome becomes `failure`. */
  entry: LogFields;
  /** The error message. */
  error: string;
  /** A no-transaction script ran some statements: its row must say `failed`. */
  dirty: boolean;
}

/** The tracking table's columns and their definitions, in table order. */
const TRACKING_COLUMNS = {
  module: "text NOT NULL DEFAULT ''",
  version: "text NOT NULL",
  name: "text NOT NULL",
  checksum: "text NOT NULL",
  checksum_algorithm: "text NOT NULL",
  status: "text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'failed'))",
  applied_at: "timestamptz NOT NULL DEFAULT now()",
  execution_time_ms: "integer NOT NULL",
  applied_by: "text NOT NULL",
  down_sql: "text",
  down_no_transaction: "boolean NOT NULL DEFAULT false",
  error: "text",
  description: "text",
  requires: "text",
  down_file: "text",
} as const;

/** The log table's columns and their definitions, in table order. */
const LOG_COLUMNS = {
  id: "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
  module: "text NOT NULL DEFAULT ''",
  version: "text NOT NULL",
  name: "text NOT NULL",
  action: `text NOT NULL CHECK (${LOG_ACTION_CHECK})`,
  outcome: "text NOT NULL CHECK (outcome IN ('success', 'failure'))",
  error: "text",
  started_at: "timestamptz NOT NULL",
  duration_ms: "integer NOT NULL",
  performed_by: "text NOT NULL",
  description: "text",
} as const;

/**
 * The columns added after tide 0.1, in each table: all nullable, so tables created by 0.1 take
 * them with `ALTER TABLE ... ADD COLUMN` (see {@linkcode addColumns}) and work without them until
 * then.
 */
export const ADDED_COLUMNS: Readonly<{ table: readonly string[]; log: readonly string[] }> = {
  table: ["description", "requires", "down_file"],
  log: ["description"],
};

/** A tracking-table row as written: every column has a value. */
export type TrackingRow = { readonly [C in keyof typeof TRACKING_COLUMNS]: SqlValue };

/** A log row as written: every column but the generated `id` has a value. */
export type LogRow = { readonly [C in Exclude<keyof typeof LOG_COLUMNS, "id">]: SqlValue };

/** Some columns of a table and their values. */
export type ColumnMap = Readonly<Record<string, SqlValue>>;

/** The quoted names of a ledger's schema and tables. */
export interface LedgerNames {
  /** The schema. */
  schema: Sql;
  /** The tracking table, schema-qualified. */
  table: Sql;
  /** The log table, schema-qualified. */
  log: Sql;
}

/**
 * The quoted names of `tables`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ledgerNames } from "./ledger_sql.ts";
 * import { inlined } from "../sql/render.ts";
 *
 * const names = ledgerNames({ schema: "ops", table: "migrations", logTable: "migration_log" });
 * assert.equal(inlined(names.log), '"ops"."migration_log"');
 * ```
 */
export function ledgerNames(tables: LedgerTables): LedgerNames {
  return {
    schema: identifier(tables.schema),
    table: identifier(tables.schema, tables.table),
    log: identifier(tables.schema, tables.logTable),
  };
}

/** Which of a ledger's schema and tables {@linkcode ledgerDdl} creates. */
export interface LedgerParts {
  /** The schema. */
  schema: boolean;
  /** The tracking table. */
  table: boolean;
  /** The log table. */
  log: boolean;
}

/**
 * Creates the schema and both tables when missing, or only the `parts` asked for: even with
 * `IF NOT EXISTS`, PostgreSQL checks the privilege to create before it finds that it exists.
 */
export function ledgerDdl(
  names: LedgerNames,
  parts: LedgerParts = { schema: true, table: true, log: true },
): Sql {
  const statements = [
    parts.schema ? sql`CREATE SCHEMA IF NOT EXISTS ${names.schema}` : undefined,
    parts.table
      ? createTable(names.table, TRACKING_COLUMNS, "PRIMARY KEY (module, version)")
      : undefined,
    parts.log ? createTable(names.log, LOG_COLUMNS) : undefined,
  ].filter((statement) => statement !== undefined);
  return sql`${joinSql(statements, ";\n")};`;
}

/**
 * Adds the `columns` of {@linkcode ADDED_COLUMNS} that `table` (the tracking table when `kind` is
 * `table`, else the log) lacks, with their definitions; `IF NOT EXISTS` keeps it idempotent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addColumns } from "./ledger_sql.ts";
 * import { identifier, inlined } from "../sql/render.ts";
 *
 * const text = inlined(addColumns(identifier("public", "t"), "table", ["description"]));
 * assert.equal(text, 'ALTER TABLE "public"."t" ADD COLUMN IF NOT EXISTS description text');
 * ```
 */
export function addColumns(table: Sql, kind: "table" | "log", columns: readonly string[]): Sql {
  const types: Record<string, string> = kind === "table" ? TRACKING_COLUMNS : LOG_COLUMNS;
  const each = columns.map((c) => rawSql(`ADD COLUMN IF NOT EXISTS ${c} ${types[c]}`));
  return sql`ALTER TABLE ${table} ${joinSql(each, ", ")}`;
}

/**
 * Replaces the log's CHECK constraint `name` by one on {@linkcode LOG_ACTION_CHECK}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replaceCheck } from "./ledger_sql.ts";
 * import { identifier, inlined } from "../sql/render.ts";
 *
 * const text = inlined(replaceCheck(identifier("public", "log"), "log_action_check"));
 * assert.match(text, /^ALTER TABLE "public"."log" DROP CONSTRAINT "log_action_check",/);
 * ```
 */
export function replaceCheck(log: Sql, name: string): Sql {
  const constraint = identifier(name);
  return sql`ALTER TABLE ${log} DROP CONSTRAINT ${constraint},
  ADD CONSTRAINT ${constraint} CHECK (${rawSql(LOG_ACTION_CHECK)})`;
}

function createTable(name: Sql, columns: Record<string, string>, ...constraints: string[]): Sql {
  const lines = [...Object.entries(columns).map(([c, type]) => `${c} ${type}`), ...constraints];
  return sql`CREATE TABLE IF NOT EXISTS ${name} (\n  ${rawSql(lines.join(",\n  "))}\n)`;
}

/**
 * How a write is timed: by the server, as it runs in the migration's own message
 * ({@linkcode SERVER_TIMING}), or by the client, after the fact ({@linkcode clientTiming}).
 */
export interface Timing {
  /** Whole milliseconds the step took. */
  durationMs: SqlValue;
  /** When it started. */
  startedAt: SqlValue;
}

/** Timed by the server: since the message holding the script and its bookkeeping arrived. */
export const SERVER_TIMING: Readonly<Timing> = Object.freeze({
  durationMs: SERVER.elapsedMs,
  startedAt: SERVER.statementTime,
});

/** Timed by the client: `durationMs` (rounded), started at `startedAt` (default: now). */
export function clientTiming(durationMs: number, startedAt: Date = new Date()): Timing {
  return { durationMs: Math.round(durationMs), startedAt };
}

/**
 * The tracking-table row of `row` in `module`, taking `timing.durationMs`; applied now unless
 * `row.appliedAt` says when (a migration adopted from another tool).
 */
export function trackingRow(
  module: string,
  row: AppliedFields & { appliedAt?: Date },
  timing: Timing,
): TrackingRow {
  return {
    module,
    version: row.version,
    name: row.name,
    checksum: row.checksum,
    checksum_algorithm: row.checksumAlgorithm,
    status: row.status,
    applied_at: row.appliedAt ?? SERVER.transactionTime,
    execution_time_ms: timing.durationMs,
    applied_by: row.appliedBy,
    down_sql: row.downSql,
    down_no_transaction: row.downNoTransaction,
    error: row.error,
    description: row.description ?? null,
    requires: row.requires?.length ? JSON.stringify(row.requires) : null,
    down_file: row.downFile ?? null,
  };
}

/** The log row of `entry` in `module`. */
export function logRow(module: string, entry: LogFields, timing: Timing): LogRow {
  return {
    module,
    version: entry.version,
    name: entry.name,
    action: entry.action,
    outcome: entry.outcome,
    error: entry.error,
    started_at: timing.startedAt,
    duration_ms: timing.durationMs,
    performed_by: entry.performedBy,
    description: entry.description ?? null,
  };
}

/** `INSERT INTO table (columns) VALUES (values)`. */
export function insertInto(table: Sql, row: ColumnMap): Sql {
  const entries = Object.entries(row);
  const columns = joinSql(entries.map(([column]) => identifier(column)), ", ");
  const values = joinSql(entries.map(([, value]) => sql`${value}`), ", ");
  return sql`INSERT INTO ${table} (${columns}) VALUES (${values})`;
}

/** `DELETE FROM table WHERE` each column of `where` equals its value. */
export function deleteFrom(table: Sql, where: ColumnMap): Sql {
  return sql`DELETE FROM ${table} WHERE ${assignments(where, " AND ")}`;
}

/** `UPDATE table SET` the columns of `set` `WHERE` each column of `where` equals its value. */
export function update(table: Sql, set: ColumnMap, where: ColumnMap): Sql {
  return sql`UPDATE ${table} SET ${assignments(set, ", ")} WHERE ${assignments(where, " AND ")}`;
}

function assignments(columns: ColumnMap, separator: string): Sql {
  const each = Object.entries(columns).map(([column, value]) =>
    sql`${identifier(column)} = ${value}`
  );
  return joinSql(each, separator);
}

/**
 * Data-modifying statements as one, for one round trip with parameters: all but the last become
 * `WITH` queries, which PostgreSQL runs to completion whether or not anything reads them.
 */
export function asOneStatement(statements: readonly Sql[]): Sql {
  const last = statements.at(-1);
  if (last === undefined) throw new TypeError("asOneStatement() needs a statement.");
  if (statements.length === 1) return last;
  const ctes = statements.slice(0, -1).map((statement, i) =>
    sql`${rawSql(`write_${i + 1}`)} AS (${statement})`
  );
  return sql`WITH ${joinSql(ctes, ", ")} ${last}`;
}

/**
 * The {@linkcode Bookkeeping} of the statements `writes` gives for a timing: inline and
 * server-timed, or parameterised and client-timed; each form built when first needed.
 */
export function bookkeeping(writes: (timing: Timing) => Sql[]): Bookkeeping {
  return {
    get sql() {
      // Inline, plain statements one after the other: cheaper to plan than one CTE.
      return inlined(joinSql(writes(SERVER_TIMING), ";\n"));
    },
    async run(db, durationMs) {
      await runQuery(db, asOneStatement(writes(clientTiming(durationMs))));
    },
  };
}
