/**
 * Reading another tool's tracking table: finding it (as PostgreSQL resolves the name, through
 * `search_path` when unqualified), checking it is that tool's table, and asking the tool's
 * reader what its rows say. Read-only.
 *
 * @module
 */
import type { Queryable, Row } from "../../drivers/driver.ts";
import { MigrationError, SqlError } from "../../errors.ts";
import { identifier, runQuery, sql } from "../../sql/render.ts";
import type { AdoptSource, AppliedRef, ReadOptions } from "./source.ts";
import { ADOPT_SOURCES } from "./sources.ts";

/** What a tool's table says. */
export interface ToolTable {
  /** The table read, `schema.table` (unquoted). */
  table: string;
  /** What the tool counts as applied. */
  refs: AppliedRef[];
}

interface FoundTable {
  oid: string;
  schema: string;
  name: string;
  searchPath: string;
}

/**
 * Reads `source`'s table (`table`, default the tool's own) on `db`. Throws
 * `ADOPT_TABLE_NOT_FOUND` when there is no such table, `ADOPT_INCONSISTENT` when it lacks the
 * tool's columns or holds rows the tool does not write, `ADOPT_DIRTY` for a dirty state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../../drivers/connect.ts";
 * import { readToolTable } from "./read.ts";
 * import { ADOPT_SOURCES } from "./sources.ts";
 *
 * await using db = await connect("memory://");
 * await db.exec("CREATE TABLE schema_migrations (version varchar PRIMARY KEY);");
 * await db.exec("INSERT INTO schema_migrations VALUES ('20260101000000')");
 * const { table, refs } = await readToolTable(db, ADOPT_SOURCES.dbmate);
 * assert.equal(table, "public.schema_migrations");
 * assert.deepEqual(refs.map((ref) => ref.label), ["20260101000000"]);
 * ```
 */
export async function readToolTable(
  db: Queryable,
  source: AdoptSource,
  table: string = source.defaultTable,
  options: ReadOptions = {},
): Promise<ToolTable> {
  const found = await findTable(db, source, table);
  await checkColumns(db, source, found);
  const rows = await runQuery(db, source.select(identifier(found.schema, found.name)));
  return { table: `${found.schema}.${found.name}`, refs: source.interpret(rows, options) };
}

async function findTable(db: Queryable, source: AdoptSource, table: string): Promise<FoundTable> {
  const relation = source.relation?.(table) ?? table;
  let rows: (FoundTable & Row)[];
  try {
    rows = await runQuery<FoundTable & Row>(
      db,
      sql`SELECT c.oid::text AS oid, n.nspname::text AS schema, c.relname::text AS name,
        current_setting('search_path') AS "searchPath"
      FROM (SELECT current_setting('search_path')) s
      LEFT JOIN pg_class c ON c.oid = to_regclass(${relation})
      LEFT JOIN pg_namespace n ON n.oid = c.relnamespace`,
    );
  } catch (error) {
    if (!(error instanceof SqlError)) throw error;
    throw notFound(source, relation, `it is not a table name (${error.message})`, error);
  }
  const [row] = rows;
  if (row?.oid == null) {
    const where = relation.includes(".") ? "" : ` in search_path (${row?.searchPath})`;
    throw notFound(source, relation, `there is no such table${where}`);
  }
  return row;
}

function notFound(
  source: AdoptSource,
  relation: string,
  why: string,
  cause?: unknown,
): MigrationError {
  return new MigrationError(
    "ADOPT_TABLE_NOT_FOUND",
    `Cannot adopt from ${source.tool}: cannot read its table ${relation}: ${why}. If ${source.tool} ` +
      `keeps it elsewhere (${source.tableOption}), pass --from-table [schema.]table.`,
    { cause },
  );
}

/** Refuses a table without the tool's columns, or one that is plainly another tool's. */
async function checkColumns(db: Queryable, source: AdoptSource, found: FoundTable): Promise<void> {
  const rows = await runQuery<{ name: string }>(
    db,
    sql`SELECT attname::text AS name FROM pg_attribute
      WHERE attrelid = ${found.oid}::oid AND attnum > 0 AND NOT attisdropped`,
  );
  const has = new Set(rows.map((row) => row.name));
  const lacking = source.columns.filter((column) => !has.has(column));
  // The tool whose columns the table has, most of them first: dbmate's one column is also in
  // golang-migrate's table, which is not dbmate's.
  const best = Object.values(ADOPT_SOURCES)
    .filter((s) => s.columns.every((column) => has.has(column)))
    .sort((a, b) => b.columns.length - a.columns.length)[0];
  const hint = lacking.length > 0 || (best && best.columns.length > source.columns.length)
    ? best
    : undefined;
  if (lacking.length === 0 && hint === undefined) return;
  const table = `${found.schema}.${found.name}`;
  const problem = lacking.length > 0
    ? `has no column ${lacking.join(", ")}`
    : `has the columns of ${hint!.tool}'s table`;
  throw new MigrationError(
    "ADOPT_INCONSISTENT",
    `Cannot adopt from ${source.tool}: ${table} ${problem}, so it is not ${source.tool}'s ` +
      `table. ${
        hint ? `Adopt with --from ${hint.tool}, or point` : "Point"
      } --from-table at ${source.tool}'s table. Nothing was recorded.`,
  );
}
