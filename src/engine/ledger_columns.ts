/**
 * The columns of tide's two tables as they are in a database: a table made by tide 0.1 lacks the
 * newer ones (`ADDED_COLUMNS`) until `Ledger.ensure` adds them. Which exist is read once; rows
 * are read with `NULL` for a missing column and written without it.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import { rawSql, runQuery, type Sql, sql, type SqlValue } from "../sql/render.ts";
import { ADDED_COLUMNS, type AppliedMigration } from "./ledger_sql.ts";

/** The columns each table has. */
export interface LedgerColumns {
  /** Of the tracking table: none while it is missing. */
  table: ReadonlySet<string>;
  /** Of the log table. */
  log: ReadonlySet<string>;
}

/** The tracking table's columns in the order {@linkcode appliedRows} reads them. */
const READ_COLUMNS = [
  "version",
  "name",
  "checksum",
  "checksum_algorithm",
  "status",
  "applied_at",
  "execution_time_ms",
  "applied_by",
  "down_sql",
  "down_no_transaction",
  "error",
  ...ADDED_COLUMNS.table, // description, requires, down_file
];

/**
 * The columns of the tables named `table` and `log` (qualified, quoted identifiers, as
 * `inlined(identifier(schema, name))` writes them), in one query.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { readLedgerColumns } from "./ledger_columns.ts";
 *
 * await using db = await connect("memory://");
 * await db.exec("CREATE TABLE t (version text, checksum_algorithm text)");
 * const columns = await readLedgerColumns(db, '"public"."t"', '"public"."t_log"');
 * assert.deepEqual([[...columns.table], [...columns.log]], [["version", "checksum_algorithm"], []]);
 * ```
 */
export async function readLedgerColumns(
  db: Queryable,
  table: string,
  log: string,
): Promise<LedgerColumns> {
  const [row] = await runQuery<{ table: string | null; log: string | null }>(
    db,
    sql`SELECT (${columnList(table)}) AS table, (${columnList(log)}) AS log`,
  );
  return {
    table: new Set((row?.table ?? "").split(",").filter(Boolean)),
    log: new Set((row?.log ?? "").split(",").filter(Boolean)),
  };
}

/** The columns of the table named `table` (quoted text), comma-separated; `NULL` when missing. */
function columnList(table: string): Sql {
  return sql`SELECT string_agg(attname::text, ',') FROM pg_attribute
    WHERE attrelid = to_regclass(${table}) AND attnum > 0 AND NOT attisdropped`;
}

/**
 * The tracking rows of `table` matching `where` (with their module for `withModule`) as one
 * JSON value of arrays: a driver decodes one value instead of 15 per row (7,500 for `tide
 * status` on 500 migrations), and arrays take the server and the parser half the time objects
 * do. Timestamps arrive as ISO text and are made dates, the same on every driver.
 *
 * @example
 * ```ts ignore
 * const rows = await appliedRows(db, columns, table, sql`module = ${module}`);
 * ```
 */
export async function appliedRows<T extends AppliedMigration>(
  db: Queryable,
  columns: LedgerColumns,
  table: Sql,
  where: Sql,
  withModule = false,
): Promise<T[]> {
  const read = READ_COLUMNS.map((column) =>
    columns.table.has(column) || !ADDED_COLUMNS.table.includes(column) ? column : "NULL::text"
  );
  const selected = rawSql([...withModule ? ["module"] : [], ...read].join(", "));
  const [row] = await runQuery<{ rows: string | null }>(
    db,
    sql`SELECT json_agg(json_build_array(${selected}))::text AS rows FROM ${table} WHERE ${where}`,
  );
  const rows = row?.rows ? JSON.parse(row.rows) as unknown[][] : []; // json_agg of no rows is NULL
  return rows.map((values) =>
    withModule ? { module: values[0], ...appliedFrom(values, 1) } : appliedFrom(values, 0)
  ) as T[];
}

/** The row whose `READ_COLUMNS` are `values` from `at` on. */
function appliedFrom(values: readonly unknown[], at: number): AppliedMigration {
  const requires = values[at + 12];
  return {
    version: values[at] as string,
    name: values[at + 1] as string,
    checksum: values[at + 2] as string,
    checksumAlgorithm: values[at + 3] as string,
    status: values[at + 4] as AppliedMigration["status"],
    appliedAt: toDate(values[at + 5]),
    executionTimeMs: Number(values[at + 6]),
    appliedBy: values[at + 7] as string,
    downSql: (values[at + 8] ?? null) as string | null,
    downNoTransaction: values[at + 9] === true,
    error: (values[at + 10] ?? null) as string | null,
    description: (values[at + 11] ?? null) as string | null,
    requires: typeof requires === "string" ? JSON.parse(requires) as string[] : [],
    downFile: (values[at + 13] ?? null) as string | null,
  };
}

/**
 * `row` without the columns `kind`'s table lacks (a table made by tide 0.1); unchanged while
 * the columns are not known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitColumns } from "./ledger_columns.ts";
 *
 * const old = { table: new Set(["version"]), log: new Set<string>() };
 * assert.deepEqual(fitColumns(old, "table", { version: "1", description: "d" }), { version: "1" });
 * ```
 */
export function fitColumns<T extends Readonly<Record<string, SqlValue>>>(
  columns: LedgerColumns | undefined,
  kind: keyof LedgerColumns,
  row: T,
): T {
  const present = columns?.[kind];
  if (present === undefined) return row;
  return Object.fromEntries(
    Object.entries(row).filter(([column]) =>
      present.has(column) || !ADDED_COLUMNS[kind].includes(column)
    ),
  ) as T;
}

/** A timestamp as a driver or JSON gives it, as a date. */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
