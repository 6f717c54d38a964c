/**
 * The catalog queries of the measuring session: the relations that exist before an up, and what
 * the session holds after each statement. Each is one round trip returning JSON, so numbers come
 * back the same from every driver.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import { quoteIdentifier, quoteLiteral } from "../sql/quote.ts";

/** A constraint a statement created on an existing table. */
export interface NewConstraint {
  /** Its oid. */
  oid: number;
  /** Its name. */
  name: string;
  /** Oid of its table. */
  table: number;
  /** `pg_constraint.contype`: `c`heck, `f`oreign key, `u`nique, `p`rimary key, e`x`clusion, `n`ot null. */
  type: string;
  /** Whether it is valid, that is, it was checked against every row. */
  valid: boolean;
  /** Oid of its index; 0 when none. */
  index: number;
}

/** A relation that existed before an up. */
export interface Relation {
  /** Its oid. */
  oid: number;
  /** Its schema. */
  schema: string;
  /** Its name. */
  name: string;
  /** `pg_class.relkind`: `r` table, `p` partitioned table, `m` materialized view, `v` view, `i` index... */
  kind: string;
  /** Its `relfilenode` (0 for views). */
  filenode: number;
}

/** The relations that existed before an up, and what else was in force then. */
export interface Relations {
  /** By oid. */
  byOid: Map<number, Relation>;
  /** Foreign keys between tables: `[referencing, referenced]` oids. */
  fks: readonly (readonly [number, number])[];
  /** The largest relation oid then: anything above it is new. */
  maxOid: number;
  /** The largest constraint oid then. */
  maxConstraintOid: number;
  /** The session's `lock_timeout`, in ms. */
  lockTimeoutMs: number;
  /** Finds a relation by name as a statement writes it (`schema.name` or `name`). */
  find(name: string): Relation | undefined;
  /** The tables referencing any of `oids` through foreign keys, transitively, and those. */
  referencing(oids: readonly number[]): number[];
}

/**
 * A relation's SQL name, quoted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quotedName } from "./measure_sql.ts";
 *
 * assert.equal(quotedName({ schema: "app", name: "Users" }), '"app"."Users"');
 * ```
 */
export function quotedName(relation: Pick<Relation, "schema" | "name">): string {
  return `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.name)}`;
}

const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast"];

/**
 * Which relations to read: all of them, or those newer than a snapshot plus some by oid (or,
 * with `"locked"`, those the session holds a lock on: what a transaction touched).
 */
interface Scope {
  previous: Relations;
  oids: readonly number[] | "locked";
}

function relationsSql(excluded: readonly string[], scope?: Scope): string {
  const schemas = [...SYSTEM_SCHEMAS, ...excluded].map(quoteLiteral).join(", ");
  const relations = (where: string) =>
    `(SELECT coalesce(json_agg(json_build_array(c.oid::text, n.nspname, c.relname, c.relkind,
      c.relfilenode::text)), '[]') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${where} AND c.relkind IN ('r', 'p', 'm', 'v', 'f', 'i', 'I')
      AND n.nspname NOT IN (${schemas}) AND n.nspname NOT LIKE 'pg\\_temp\\_%'
      AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%')`;
  const oids = scope?.oids === "locked"
    ? "SELECT relation FROM pg_locks WHERE locktype = 'relation' AND pid = pg_backend_pid()"
    : scope?.oids.map((oid) => `'${oid}'::oid`).join(", ");
  // Each part one index scan: what is newer than the snapshot, and what was touched since.
  const parts = scope
    ? `'relations', ${relations(`c.oid > '${scope.previous.maxOid}'::oid`)},
  'touched', ${oids ? relations(`c.oid IN (${oids})`) : "'[]'::json"},
  'touchedOids', ${
      oids
        ? `(SELECT coalesce(json_agg(o::text), '[]') FROM (${
          scope.oids === "locked"
            ? oids
            : `VALUES ${scope.oids.map((oid) => `('${oid}'::oid)`).join(", ")}`
        }) AS t(o))`
        : "'[]'::json"
    },`
    : `'relations', ${relations("true")}, 'touched', '[]'::json, 'touchedOids', '[]'::json,`;
  const fks = scope ? `AND oid > '${scope.previous.maxConstraintOid}'::oid` : "";
  return `SELECT json_build_object(${parts}
  'fks', (SELECT coalesce(json_agg(json_build_array(conrelid::text, confrelid::text)), '[]')
    FROM pg_constraint WHERE contype = 'f' ${fks}),
  'searchPath', current_schemas(false),
  'maxOid', (SELECT max(oid)::text FROM pg_class),
  'maxConstraintOid', (SELECT coalesce(max(oid)::text, '0') FROM pg_constraint),
  'lockTimeout', current_setting('lock_timeout'))::text AS facts`;
}

interface RelationsJson {
  relations: [string, string, string, string, string][];
  touched: [string, string, string, string, string][];
  touchedOids: string[];
  fks: [string, string][];
  searchPath: string[];
  maxOid: string;
  maxConstraintOid: string;
  lockTimeout: string;
}

/**
 * Reads the relations that exist now, leaving out the schemas in `excluded`. With `scope`, only
 * the relations newer than `scope.previous` and those of `scope.oids` (which may have changed or
 * gone) are read again; the rest are taken from `scope.previous`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { readRelations } from "./measure_sql.ts";
 *
 * await using db = await createPgliteDriver();
 * await db.exec("CREATE TABLE users (id int PRIMARY KEY)");
 * const relations = await readRelations(db);
 * assert.equal(relations.find("users")?.kind, "r");
 * await db.exec("CREATE TABLE posts (id int); DROP TABLE users");
 * const users = relations.find("users")!.oid;
 * const later = await readRelations(db, [], { previous: relations, oids: [users] });
 * assert.equal(later.find("public.users_pkey")?.kind, "i");
 * assert.equal(later.find("users"), undefined);
 * assert.equal(later.find("posts")?.kind, "r");
 * ```
 */
export async function readRelations(
  db: Queryable,
  excluded: readonly string[] = [],
  scope?: Scope,
): Promise<Relations> {
  const [row] = await db.query<{ facts: string }>(relationsSql(excluded, scope));
  return buildRelations(JSON.parse(row.facts) as RelationsJson, scope);
}

function buildRelations(json: RelationsJson, scope?: Scope): Relations {
  const byOid = new Map(scope?.previous.byOid);
  for (const oid of json.touchedOids) byOid.delete(Number(oid));
  for (const [oid, schema, name, kind, filenode] of [...json.relations, ...json.touched]) {
    byOid.set(Number(oid), { oid: Number(oid), schema, name, kind, filenode: Number(filenode) });
  }
  const byName = new Map<string, Relation>();
  // An unqualified name is found along the search path, first schema first.
  for (const relation of byOid.values()) {
    byName.set(`${relation.schema}.${relation.name}`, relation);
  }
  for (const schema of [...json.searchPath].reverse()) {
    for (const relation of byOid.values()) {
      if (relation.schema === schema) byName.set(relation.name, relation);
    }
  }
  const edges = [
    ...(scope?.previous.fks ?? []),
    ...json.fks.map(([c, p]) => [Number(c), Number(p)] as const),
  ];
  const children = Map.groupBy(edges, ([, parent]) => parent);
  return {
    byOid,
    fks: edges,
    maxOid: Number(json.maxOid),
    maxConstraintOid: Number(json.maxConstraintOid),
    lockTimeoutMs: parseLockTimeout(json.lockTimeout),
    find: (name) => byName.get(name),
    referencing: (oids) => {
      const found = new Set(oids);
      const queue = [...oids];
      while (queue.length > 0) {
        for (const [child] of children.get(queue.pop()!) ?? []) {
          if (!found.has(child)) queue.push(child), found.add(child);
        }
      }
      return [...found];
    },
  };
}

/** What the session holds after a statement. */
export interface Facts {
  /** Its relation locks (granted) on relations not newer than the migration. */
  locks: { oid: number; mode: string; filenode: number | null }[];
  /** Constraints of the transaction on existing tables that are newer than the migration. */
  constraints: NewConstraint[];
  /** Indexes of the transaction on existing tables that are newer than the migration. */
  indexes: { oid: number; table: number }[];
  /** `lock_timeout` now. */
  lockTimeout: string;
  /** The relations as they are now, when asked for (at the last statement of an up). */
  next?: Relations;
}

function factsSql(relations: Relations, constraints: boolean): string {
  const maxOid = `'${relations.maxOid}'::oid`;
  if (!constraints) {
    return `SELECT json_build_object('locks', ${locksSql(maxOid)}, 'constraints', '[]'::json,
  'indexes', '[]'::json, 'lockTimeout', current_setting('lock_timeout'))::text AS facts`;
  }
  return `SELECT json_build_object(
  'locks', ${locksSql(maxOid)},
  'constraints', (SELECT coalesce(json_agg(json_build_array(oid::text, conname, conrelid::text,
      contype, convalidated, conindid::text)), '[]') FROM pg_constraint
    WHERE age(xmin) = 0 AND oid > '${relations.maxConstraintOid}'::oid AND conrelid <> 0
      AND conrelid <= ${maxOid}),
  'indexes', (SELECT coalesce(json_agg(json_build_array(indexrelid::text, indrelid::text)), '[]')
    FROM pg_index WHERE age(xmin) = 0 AND indexrelid > ${maxOid} AND indrelid <= ${maxOid}),
  'lockTimeout', current_setting('lock_timeout'))::text AS facts`;
}

/** The session's locks on relations; 16384 is the first oid of an object not built in. */
function locksSql(maxOid: string): string {
  return `(SELECT coalesce(json_agg(json_build_array(l.relation::text, l.mode,
      c.relfilenode::text)), '[]') FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation
    WHERE l.locktype = 'relation' AND l.pid = pg_backend_pid() AND l.granted
      AND l.relation >= '16384'::oid AND l.relation <= ${maxOid})`;
}

interface FactsJson {
  locks: [string, string, string | null][];
  constraints: [string, string, string, string, boolean, string][];
  indexes: [string, string][];
  lockTimeout: string;
}

/**
 * Reads what the session holds now (see {@linkcode Facts}); with `constraints` false, only its
 * locks and `lock_timeout` (the statement could not have added constraints or indexes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { readFacts, readRelations } from "./measure_sql.ts";
 *
 * await using db = await createPgliteDriver();
 * await db.exec("CREATE TABLE users (id int)");
 * const relations = await readRelations(db);
 * await db.exec("BEGIN; CREATE INDEX users_id ON users (id)");
 * const facts = await readFacts(db, relations);
 * assert.ok(facts.locks.some((l) => l.mode === "ShareLock"));
 * assert.equal(facts.indexes.length, 1);
 * await db.exec("ROLLBACK");
 * ```
 */
export async function readFacts(
  db: Queryable,
  relations: Relations,
  constraints = true,
  next?: { excluded: readonly string[] },
): Promise<Facts> {
  const sql = factsSql(relations, constraints) +
    (next
      ? `, (${relationsSql(next.excluded, { previous: relations, oids: "locked" })}) AS next`
      : "");
  const [row] = await db.query<{ facts: string; next?: string }>(sql);
  const json = JSON.parse(row.facts) as FactsJson;
  const after = row.next === undefined
    ? undefined
    : buildRelations(JSON.parse(row.next) as RelationsJson, {
      previous: relations,
      oids: "locked",
    });
  return {
    ...(after ? { next: after } : {}),
    locks: json.locks.map(([oid, mode, filenode]) => ({
      oid: Number(oid),
      mode,
      filenode: filenode === null ? null : Number(filenode),
    })),
    constraints: json.constraints.map(([oid, name, table, type, valid, index]) => ({
      oid: Number(oid),
      name,
      table: Number(table),
      type,
      valid,
      index: Number(index),
    })),
    indexes: json.indexes.map(([oid, table]) => ({ oid: Number(oid), table: Number(table) })),
    lockTimeout: json.lockTimeout,
  };
}

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Reads a `lock_timeout` setting as PostgreSQL shows it (`2s`, `500ms`, `0`) in ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLockTimeout } from "./measure_sql.ts";
 *
 * assert.equal(parseLockTimeout("2s"), 2000);
 * assert.equal(parseLockTimeout("0"), 0);
 * ```
 */
export function parseLockTimeout(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return 0;
  return Number(match[1]) * (UNITS[match[2].toLowerCase() || "ms"] ?? 1);
}
