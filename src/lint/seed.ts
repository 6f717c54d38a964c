/**
 * A few rows in each existing table before a migration is measured, so that its scans and
 * rewrites really happen (and a `NOT NULL` column added without a default really fails). Values
 * come from each column's type; defaults, identities and generated columns are left to the
 * server; a single-column foreign key takes its values from the referenced table, filled first.
 * A table that refuses the rows (a `CHECK` the values break, a multi-column key...) is skipped,
 * and the reason is kept for the evidence.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import { errorMessage } from "../errors.ts";
import { quoteIdentifier } from "../sql/quote.ts";

/** Rows put in each table. */
export const SEED_ROWS = 3;

/** What became of one table. */
export type SeedOutcome =
  | { kind: "seeded"; rows: number }
  | { kind: "had-rows" }
  | { kind: "skipped"; reason: string };

/** A column, as the seeder needs it. */
interface SeedColumn {
  table: string;
  name: string;
  type: string;
  typname: string;
  category: string;
  typtype: string;
  notNull: boolean;
  omit: boolean;
  refTable: string | null;
  refColumn: string | null;
}

const COLUMNS_SQL = (oids: readonly number[]) => `
SELECT a.attrelid::text AS "table", a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
  t.typname, t.typcategory AS category, t.typtype, a.attnotnull AS "notNull",
  (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS omit,
  fk.confrelid::text AS "refTable", ra.attname AS "refColumn"
FROM pg_attribute a
JOIN pg_type declared ON declared.oid = a.atttypid
JOIN pg_type t ON t.oid = CASE WHEN declared.typtype = 'd' THEN declared.typbasetype
  ELSE declared.oid END
LEFT JOIN pg_constraint fk ON fk.conrelid = a.attrelid AND fk.contype = 'f'
  AND fk.conkey = ARRAY[a.attnum]
LEFT JOIN pg_attribute ra ON ra.attrelid = fk.confrelid AND ra.attnum = fk.confkey[1]
WHERE a.attrelid IN (${oids.map((oid) => `'${oid}'::oid`).join(", ")}) AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

/** How one table is seeded: its INSERT (and the tables it takes keys from), or why it cannot be. */
export type SeedPlan = { sql: string; parents: number[] } | { skip: string };

/** The plans by table oid, kept across migrations. */
export type SeedPlans = Map<number, SeedPlan>;

/**
 * Puts {@linkcode SEED_ROWS} rows in each empty table of `tables`, parents first; returns what
 * became of each (by oid). `nameOf` gives the SQL name of any table (a foreign key takes its
 * values from the referenced one); `plans` keeps each table's INSERT for the next time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { seedTables } from "./seed.ts";
 *
 * await using db = await createPgliteDriver();
 * await db.exec("CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL)");
 * const [row] = await db.query<{ oid: string }>("SELECT 'users'::regclass::oid::text AS oid");
 * const oid = Number(row.oid);
 * const outcome = await seedTables(db, [oid], () => "public.users");
 * assert.deepEqual(outcome.get(oid), { kind: "seeded", rows: 3 });
 * ```
 */
export async function seedTables(
  db: Queryable,
  tables: readonly number[],
  nameOf: (oid: number) => string | undefined,
  plans: SeedPlans = new Map(),
): Promise<Map<number, SeedOutcome>> {
  const outcomes = new Map<number, SeedOutcome>();
  await plan(db, tables.filter((oid) => !plans.has(oid)), nameOf, plans);
  for (const oid of parentsFirst(tables, plans)) {
    let outcome = await run(db, plans.get(oid));
    if (outcome.kind === "skipped") {
      // The table may have changed since it was planned: plan it again, once.
      await plan(db, [oid], nameOf, plans);
      outcome = await run(db, plans.get(oid));
    }
    outcomes.set(oid, outcome);
  }
  return outcomes;
}

async function plan(
  db: Queryable,
  tables: readonly number[],
  nameOf: (oid: number) => string | undefined,
  plans: SeedPlans,
): Promise<void> {
  if (tables.length === 0) return;
  const columns = await db.query<SeedColumn & Record<string, unknown>>(COLUMNS_SQL(tables));
  const byTable = Map.groupBy(columns, (column) => Number(column.table));
  for (const oid of tables) {
    const name = nameOf(oid);
    if (name === undefined) continue;
    plans.set(oid, insertOf(name, byTable.get(oid) ?? [], nameOf));
  }
}

/** Orders tables so that a referenced table comes before the tables referencing it. */
function parentsFirst(tables: readonly number[], plans: SeedPlans): number[] {
  const ordered: number[] = [];
  const visiting = new Set<number>();
  const wanted = new Set(tables);
  const visit = (oid: number) => {
    if (visiting.has(oid)) return;
    visiting.add(oid);
    const planned = plans.get(oid);
    for (const parent of planned && "parents" in planned ? planned.parents : []) {
      if (wanted.has(parent)) visit(parent);
    }
    ordered.push(oid);
  };
  tables.forEach(visit);
  return ordered;
}

function insertOf(
  table: string,
  columns: readonly SeedColumn[],
  nameOf: (oid: number) => string | undefined,
): SeedPlan {
  const filled = columns.filter((column) => !column.omit)
    .map((column) => ({ column, value: valueOf(column, nameOf) }));
  const missing = filled.find(({ column, value }) => value === undefined && column.notNull);
  if (missing) {
    return { skip: `no value for column ${missing.column.name} (${missing.column.type})` };
  }
  const given = filled.filter(({ value }) => value !== undefined);
  const list = given.map(({ column }) => quoteIdentifier(column.name)).join(", ");
  const sql =
    `INSERT INTO ${table} ${list ? `(${list}) ` : ""}SELECT ${
      given.map(({ value }) => value).join(", ")
    } FROM generate_series(1, ${SEED_ROWS}) AS i WHERE NOT EXISTS (SELECT FROM ${table}) ` +
    "RETURNING 1 AS seeded";
  const parents = columns.filter((c) => c.refTable !== null).map((c) => Number(c.refTable));
  return { sql, parents };
}

async function run(
  db: Queryable,
  planned: SeedPlans extends Map<number, infer P> ? P | undefined : never,
): Promise<SeedOutcome> {
  if (planned === undefined) return { kind: "skipped", reason: "the table is gone" };
  if ("skip" in planned) return { kind: "skipped", reason: planned.skip };
  try {
    const rows = await db.query(planned.sql);
    return rows.length === 0 ? { kind: "had-rows" } : { kind: "seeded", rows: rows.length };
  } catch (error) {
    return { kind: "skipped", reason: errorMessage(error) };
  }
}

/** An expression of the row number `i` for a column; `undefined` when there is none. */
function valueOf(
  column: SeedColumn,
  nameOf: (oid: number) => string | undefined,
): string | undefined {
  if (column.refTable !== null && column.refColumn !== null) {
    const parent = nameOf(Number(column.refTable));
    if (parent === undefined) return undefined;
    const key = quoteIdentifier(column.refColumn);
    return `(SELECT p.${key} FROM ${parent} p ORDER BY 1 ` +
      `OFFSET (i - 1) % (SELECT greatest(count(*), 1) FROM ${parent}) LIMIT 1)`;
  }
  const value = baseValue(column);
  return value === undefined ? undefined : `(${value})::${column.type}`;
}

/** Values by type name, for the types whose category does not say enough. */
const BY_TYPE: Readonly<Record<string, string>> = {
  uuid: "md5(i::text)::uuid",
  json: "'{}'",
  jsonb: "'{}'",
  bytea: "'\\x00'",
  date: "date '2024-01-01' + i",
  time: "time '12:00' + i * interval '1 minute'",
  timetz: "time '12:00' + i * interval '1 minute'",
  timestamp: "timestamp '2024-01-01' + i * interval '1 day'",
  timestamptz: "timestamptz '2024-01-01' + i * interval '1 day'",
  interval: "i * interval '1 day'",
  inet: "'10.0.0.' || i",
  cidr: "'10.0.' || i || '.0/24'",
  money: "i",
};

/** By `pg_type.typcategory`: numbers, strings, booleans, arrays. */
const BY_CATEGORY: Readonly<Record<string, string>> = {
  N: "i",
  S: "i::text",
  B: "i % 2 = 0",
  A: "'{}'",
};

function baseValue(column: SeedColumn): string | undefined {
  if (column.typtype === "e") {
    const labels = `enum_range(NULL::${column.type})`;
    return `${labels}[1 + (i - 1) % array_length(${labels}, 1)]`;
  }
  return BY_TYPE[column.typname] ?? BY_CATEGORY[column.category];
}
