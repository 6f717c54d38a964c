/**
 * Schema snapshots: every user-visible object of a database, read from the catalogs with one
 * query per object family, as structured objects (for {@linkcode diffSnapshots}) and as stable
 * SQL-like text (for `schema.sql` and text diffs).
 *
 * @module
 */

import type { Queryable, Row } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import {
  columnObjects,
  extensionObjects,
  functionObjects,
  ownersOf,
  type PlacedObject,
  relationObjects,
  schemaObjects,
  sequenceObjects,
  tableChildObjects,
  typeObjects,
} from "./catalog_objects.ts";
import { UNQUALIFIED_VIEWDEF_SINCE, unqualifySingleTableView } from "./catalog_normalize.ts";
import * as q from "./queries.ts";
import { compareKeys, completeTables, renderText } from "./snapshot_render.ts";
import {
  mergePlaced,
  scopeFor,
  type ScopeKeys,
  scopeKeys,
  type SnapshotScope,
} from "./snapshot_merge.ts";

export type { SnapshotScope } from "./snapshot_merge.ts";

/** What a {@linkcode SnapshotObject} is. */
export type SnapshotObjectKind =
  | "schema"
  | "extension"
  | "table"
  | "column"
  | "constraint"
  | "index"
  | "trigger"
  | "policy"
  | "view"
  | "materialized view"
  | "sequence"
  | "function"
  | "procedure"
  | "enum"
  | "domain"
  | "composite type"
  | "range type";

/** One object of a schema. */
export interface SnapshotObject {
  /** What it is. */
  kind: SnapshotObjectKind;
  /**
   * Qualified name, identifiers quoted where needed: `public.users`, `public.users.email` for a
   * column, `public.f(integer)` for a function.
   */
  name: string;
  /** Name of the table (or materialized view) it belongs to, for columns, indexes, etc. */
  parent?: string;
  /** SQL-like definition, one or more lines. A table's holds its columns and constraints. */
  definition: string;
  /** What the diff compares, e.g. `type`, `default`, `not null`, `comment`. Unset ones absent. */
  attributes: Record<string, string>;
}

/** A snapshot of a database schema. */
export interface SchemaSnapshot {
  /** Every object, in the order they appear in `text`. */
  objects: SnapshotObject[];
  /** All definitions as readable SQL-like text, schema by schema, stable across runs. */
  text: string;
}

/** Options of {@linkcode takeSnapshot}. */
export interface SnapshotOptions {
  /** Tables left out with everything under them, e.g. tide's own tracking tables. */
  exclude?: readonly { schema: string; table: string }[];
  /** Schemas left out with everything in them, e.g. a verifier's own bookkeeping schema. */
  excludeSchemas?: readonly string[];
  /** Include owners and GRANTs. Default false. */
  includeGrants?: boolean;
  /**
   * Re-read only the objects under these roots and merge them into `base`, a snapshot taken
   * with the same options. The caller vouches that nothing outside the roots changed since
   * `base`; the result then equals a full snapshot, with its `text` rendered when first read.
   */
  only?: {
    base: SchemaSnapshot;
    scope: SnapshotScope;
    /** A function made by {@linkcode scopedReaderFunction}: one call instead of 11 queries. */
    reader?: string;
  };
}

/** The sorted objects behind each snapshot, with the roots a scoped snapshot merges by. */
const placedOf = new WeakMap<SchemaSnapshot, readonly PlacedObject[]>();

/**
 * Reads the schema of the database behind `db`: schemas, extensions, tables, columns,
 * constraints, indexes, views, sequences, functions, triggers, types, policies and comments.
 * Objects of extensions (and the extensions' own schemas' members) are left out; the extension
 * itself is listed. Runs about a dozen catalog queries one after another, with `search_path`
 * emptied for their duration (restored after) so every name comes back schema-qualified.
 * With `only`, reads just the objects under the given roots and merges them into a previous
 * snapshot.
 *
 * @example Snapshot a PGlite database
 * ```ts ignore
 * import { PGlite } from "@electric-sql/pglite";
 * import { takeSnapshot } from "./snapshot.ts";
 *
 * const pg = await PGlite.create();
 * const db = {
 *   exec: (sql: string) => pg.exec(sql).then(() => {}),
 *   query: <T,>(sql: string, params?: readonly unknown[]) =>
 *     pg.query<T>(sql, params as unknown[]).then((r) => r.rows),
 * };
 * await db.exec("create table users (id int primary key, email text not null)");
 * console.log((await takeSnapshot(db)).text);
 * await pg.close();
 * ```
 */
export async function takeSnapshot(
  db: Queryable,
  options: SnapshotOptions = {},
): Promise<SchemaSnapshot> {
  const base = options.only && placedOf.get(options.only.base);
  if (options.only && base === undefined) {
    throw new TypeError("takeSnapshot(): `only.base` must be a snapshot returned by takeSnapshot.");
  }
  const keys = options.only && scopeKeys(options.only.scope);
  const reader = options.includeGrants ? undefined : options.only?.reader;
  const placed = base && keys && reader
    ? placeRows(await readWith(db, reader, keys))
    : await readWithQueries(db, options, keys);
  return finish(placed, options, options.only?.base, keys?.roots);
}

/** Filters, sorts and completes freshly placed objects; with `base`, merges them into it. */
function finish(
  placed: PlacedObject[],
  options: SnapshotOptions,
  base?: SchemaSnapshot,
  roots?: ReadonlySet<string>,
): SchemaSnapshot {
  placed = excludeSchemas(excludeTables(placed, options.exclude ?? []), options.excludeSchemas);
  placed.sort((a, b) => compareKeys(a.sortKey, b.sortKey));
  completeTables(placed.map((p) => p.object));
  const basePlaced = base && placedOf.get(base);
  if (base === undefined || basePlaced === undefined || roots === undefined) {
    return remember(placed);
  }
  return remember(mergePlaced(basePlaced, placed, roots), { parent: base, roots });
}

/**
 * Merges rows a {@linkcode scopedReaderFunction} returned (its JSON text) into `base`, a
 * snapshot taken with the same options, in place of everything under `roots`. The caller
 * vouches that the rows were read for those roots (or a subset of them, the rest being gone)
 * and that nothing outside them changed since `base`.
 *
 * @example
 * ```ts ignore
 * const [{ rows }] = await db.query("SELECT tide_verify.read_scope('{16384}', '{}', '{}', '{}', '{}') AS rows");
 * const after = mergeScopedRows(before, ["1259:16384"], rows);
 * ```
 */
export function mergeScopedRows(
  base: SchemaSnapshot,
  roots: Iterable<string>,
  rows: string | Record<string, unknown>,
  options: Pick<SnapshotOptions, "exclude" | "excludeSchemas"> = {},
): SchemaSnapshot {
  if (!placedOf.has(base)) {
    throw new TypeError("mergeScopedRows(): `base` must be a snapshot returned by takeSnapshot.");
  }
  const data = typeof rows === "string" ? JSON.parse(rows) as Record<string, unknown> : rows;
  return finish(placeRows(data), options, base, new Set(roots));
}

/** Reads with one query per family, `search_path` emptied meanwhile. */
async function readWithQueries(
  db: Queryable,
  options: SnapshotOptions,
  keys?: ScopeKeys,
): Promise<PlacedObject[]> {
  const [session] = await run<{ path: string; version: number }>(
    db,
    "the server version",
    // One round trip: the subquery reads search_path before the outer query clears it.
    "SELECT s.path, s.version, pg_catalog.set_config('search_path', '', false) AS cleared " +
      "FROM (SELECT pg_catalog.current_setting('search_path') AS path, " +
      "pg_catalog.current_setting('server_version_num')::int AS version OFFSET 0) s",
  );
  let placed: PlacedObject[];
  try {
    const grants = options.includeGrants ?? false;
    placed = await readObjects(db, { grants, version: session.version, keys });
  } finally {
    await run(
      db,
      "restoring search_path",
      "SELECT pg_catalog.set_config('search_path', $1, false)",
      [session.path],
    );
  }
  return placed;
}

/** How a merged snapshot was made: its base and the roots re-read since. */
interface Lineage {
  parent: SchemaSnapshot;
  roots: ReadonlySet<string>;
}

const lineageOf = new WeakMap<SchemaSnapshot, Lineage>();

/** Records the placed objects of a snapshot; a merged one renders its text when first read. */
function remember(placed: readonly PlacedObject[], lineage?: Lineage): SchemaSnapshot {
  const objects = placed.map((p) => p.object);
  let text: string | undefined;
  const snapshot: SchemaSnapshot = lineage
    ? {
      objects,
      get text() {
        return text ??= renderText(objects);
      },
    }
    : { objects, text: renderText(objects) };
  placedOf.set(snapshot, placed);
  if (lineage) lineageOf.set(snapshot, lineage);
  return snapshot;
}

/** Merges of one snapshot into another followed at most this far when comparing. */
const MAX_LINEAGE = 8;

/**
 * The objects two snapshots can differ in, when one was merged from the other (in a few
 * steps): those under the roots re-read in between. Everything else is shared, so a diff of
 * these equals a diff of the whole snapshots. `undefined` when they are not so related.
 *
 * @example
 * ```ts ignore
 * const after = await takeSnapshot(db, { only: { base: before, scope } });
 * const scoped = divergentObjects(before, after); // only what is under `scope`
 * ```
 */
export function divergentObjects(
  a: SchemaSnapshot,
  b: SchemaSnapshot,
): { a: SnapshotObject[]; b: SnapshotObject[] } | undefined {
  const roots = rootsBetween(a, b) ?? rootsBetween(b, a);
  const placedA = placedOf.get(a);
  const placedB = placedOf.get(b);
  if (roots === undefined || placedA === undefined || placedB === undefined) return undefined;
  const under = (placed: readonly PlacedObject[]) =>
    placed.filter((p) => roots.has(p.root)).map((p) => p.object);
  return { a: under(placedA), b: under(placedB) };
}

/** Roots re-read on the way from `ancestor` to `snapshot`, when it is one. */
function rootsBetween(
  ancestor: SchemaSnapshot,
  snapshot: SchemaSnapshot,
): Set<string> | undefined {
  const roots = new Set<string>();
  let current = snapshot;
  for (let depth = 0; depth <= MAX_LINEAGE; depth++) {
    if (current === ancestor) return roots;
    const lineage = lineageOf.get(current);
    if (lineage === undefined) return undefined;
    for (const root of lineage.roots) roots.add(root);
    current = lineage.parent;
  }
  return undefined;
}

/**
 * The scope a scoped snapshot needs after the objects with these keys (`classid:oid`, as
 * PostgreSQL's event triggers report them) changed since `base`: each known object becomes the
 * root it is read with, and a table's partitions and children come along.
 *
 * @example
 * ```ts ignore
 * const scope = changeScope(before, ["2606:16421"]); // a dropped constraint: its table
 * const after = await takeSnapshot(db, { only: { base: before, scope } });
 * ```
 */
export function changeScope(base: SchemaSnapshot, keys: Iterable<string>): SnapshotScope {
  const placed = placedOf.get(base);
  if (placed === undefined) {
    throw new TypeError("changeScope(): `base` must be a snapshot returned by takeSnapshot.");
  }
  return scopeFor(placed, keys);
}

/**
 * SQL creating a PL/pgSQL function `name` that reads every family for given roots in one call,
 * as JSON. Its plans are cached per session, where separate queries are planned each time:
 * that planning is most of a scoped snapshot's cost. Grants are not read.
 *
 * @example
 * ```ts ignore
 * await db.exec(scopedReaderFunction("tide_verify.read_scope"));
 * const after = await takeSnapshot(db, { only: { base, scope, reader: "tide_verify.read_scope" } });
 * ```
 */
export function scopedReaderFunction(name: string): string {
  const families: [string, string, string][] = [
    ["schemas", "p_schemas", q.schemasQuery(false, "p_schemas")],
    ["extensions", "p_extensions", q.extensionsQuery("p_extensions")],
    ["relations", "p_relations", q.relationsQuery(false, "p_relations")],
    ["columns", "p_relations", q.columnsQuery("p_relations")],
    ["constraints", "p_relations", q.constraintsQuery("p_relations")],
    ["indexes", "p_relations", q.indexesQuery("p_relations")],
    ["triggers", "p_relations", q.triggersQuery("p_relations")],
    ["policies", "p_relations", q.policiesQuery("p_relations")],
    ["sequences", "p_relations", q.sequencesQuery(false, "p_relations")],
    ["functions", "p_functions", q.functionsQuery(false, "p_functions")],
    ["types", "p_types", q.typesQuery(false, "p_types")],
  ];
  // A family without roots is not queried: each query costs even when it finds nothing.
  const parts = families.map(([key, roots, sql]) =>
    `'${key}', CASE WHEN pg_catalog.cardinality(${roots}) > 0 THEN ` +
    `(SELECT pg_catalog.json_agg(r) FROM (${sql}) r) END`
  );
  const params = ["relations", "functions", "types", "schemas", "extensions"]
    .map((family) => `p_${family} pg_catalog.oid[]`);
  return `CREATE FUNCTION ${name}(${params.join(", ")}) RETURNS text LANGUAGE plpgsql STABLE
  SET search_path = '' SET plan_cache_mode = force_generic_plan AS $reader$
BEGIN
  RETURN pg_catalog.json_build_object(${parts.join(",\n")},
    'version', pg_catalog.current_setting('server_version_num')::int)::text;
END $reader$`;
}

type Families = {
  schemas: q.SchemaRow[];
  extensions: q.ExtensionRow[];
  relations: q.RelationRow[];
  columns: q.ColumnRow[];
  constraints: q.ConstraintRow[];
  indexes: q.IndexRow[];
  triggers: q.TriggerRow[];
  policies: q.PolicyRow[];
  sequences: q.SequenceRow[];
  functions: q.FunctionRow[];
  types: q.TypeRow[];
};

/** One call of a {@linkcode scopedReaderFunction}: every family under the roots. */
async function readWith(
  db: Queryable,
  reader: string,
  keys: ScopeKeys,
): Promise<Record<string, unknown>> {
  const arrays = [keys.relations, keys.functions, keys.types, keys.schemas, keys.extensions]
    .map((oids) => `'${oids}'::pg_catalog.oid[]`);
  const [row] = await run<{ data: string }>(
    db,
    "the changed objects",
    `SELECT ${reader}(${arrays.join(", ")}) AS data`,
  );
  return JSON.parse(row.data);
}

/** Places what a scoped reader returned. */
function placeRows(data: Record<string, unknown>): PlacedObject[] {
  const { version, ...families } = data as Record<string, unknown[] | null> & { version: number };
  // json_agg of no rows is null.
  const rows: Record<string, unknown[]> = {};
  for (const [key, value] of Object.entries(families)) rows[key] = value ?? [];
  return place(rows as Families, version);
}

interface ReadContext {
  grants: boolean;
  version: number;
  /** Roots of a scoped read, as `oid[]` literals per family; absent for a full read. */
  keys?: ScopeKeys;
}

async function readObjects(db: Queryable, context: ReadContext): Promise<PlacedObject[]> {
  const { grants, keys } = context;
  // A scoped family with no roots is not queried at all.
  const read = <T extends Row>(what: string, sql: (roots?: string) => string, roots?: string) =>
    keys === undefined
      ? run<T>(db, what, sql())
      : roots === "{}"
      ? []
      : run<T>(db, what, sql(`'${roots}'::pg_catalog.oid[]`));
  const rels = keys?.relations;
  const schemas = await read<q.SchemaRow>(
    "schemas",
    (r) => q.schemasQuery(grants, r),
    keys?.schemas,
  );
  const extensions = await read<q.ExtensionRow>("extensions", q.extensionsQuery, keys?.extensions);
  const relations = await read<q.RelationRow>(
    "relations",
    (r) => q.relationsQuery(grants, r),
    rels,
  );
  const columns = await read<q.ColumnRow>("columns", q.columnsQuery, rels);
  const constraints = await read<q.ConstraintRow>("constraints", q.constraintsQuery, rels);
  const indexes = await read<q.IndexRow>("indexes", q.indexesQuery, rels);
  const triggers = await read<q.TriggerRow>("triggers", q.triggersQuery, rels);
  const policies = await read<q.PolicyRow>("policies", q.policiesQuery, rels);
  const sequences = await read<q.SequenceRow>(
    "sequences",
    (r) => q.sequencesQuery(grants, r),
    rels,
  );
  const functions = await read<q.FunctionRow>(
    "functions",
    (r) => q.functionsQuery(grants, r),
    keys?.functions,
  );
  const types = await read<q.TypeRow>("types", (r) => q.typesQuery(grants, r), keys?.types);
  const families = {
    schemas,
    extensions,
    relations,
    columns,
    constraints,
    indexes,
    triggers,
    policies,
    sequences,
    functions,
    types,
  };
  return place(families, context.version);
}

/** Turns catalog rows into placed objects. */
function place(rows: Families, version: number): PlacedObject[] {
  if (version < UNQUALIFIED_VIEWDEF_SINCE) {
    for (const row of rows.relations) {
      if (row.view_definition) row.view_definition = unqualifySingleTableView(row.view_definition);
    }
  }
  const tables = relationObjects(rows.relations, rows.columns);
  // Whatever hangs off a table is read with it; an owned sequence brings its owner's place.
  const owners = ownersOf(tables);
  return [
    ...schemaObjects(rows.schemas),
    ...extensionObjects(rows.extensions),
    ...tables,
    ...columnObjects(rows.columns, owners),
    ...tableChildObjects(rows, owners),
    ...sequenceObjects(rows.sequences),
    ...functionObjects(rows.functions),
    ...typeObjects(rows.types),
  ];
}

async function run<T extends Row>(
  db: Queryable,
  what: string,
  sql: string,
  params?: readonly unknown[],
): Promise<T[]> {
  try {
    return await db.query<T>(sql, params);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      "SQL_ERROR",
      `Taking a schema snapshot failed while reading ${what}: ${reason}. The database must be ` +
        "PostgreSQL 13 or later (or PGlite) and the role must be able to read pg_catalog.",
      { cause: error },
    );
  }
}

function excludeTables(
  placed: PlacedObject[],
  exclude: readonly { schema: string; table: string }[],
): PlacedObject[] {
  if (exclude.length === 0) return placed;
  const ident = (s: string) => /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replaceAll('"', '""')}"`;
  const names = new Set(exclude.map((e) => `${ident(e.schema)}.${ident(e.table)}`));
  return placed.filter(({ object }) =>
    !names.has(object.name) && (object.parent === undefined || !names.has(object.parent))
  );
}

function excludeSchemas(placed: PlacedObject[], schemas?: readonly string[]): PlacedObject[] {
  if (schemas === undefined || schemas.length === 0) return placed;
  const ident = (s: string) => /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replaceAll('"', '""')}"`;
  const names = new Set(schemas.map(ident));
  return placed.filter(({ sortKey }) => !names.has(String(sortKey[0])));
}
