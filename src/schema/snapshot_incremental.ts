/**
 * Incremental snapshots, for verification: after a step changed a few objects, only what is
 * under their roots is read again and merged into the previous snapshot, and a diff of the two
 * compares only that. Internal: the public API is `takeSnapshot` and `diffSnapshots`.
 *
 * An {@linkcode IncrementalSnapshot} is plain data, held by the change tracker in place of a
 * public snapshot. Nothing is keyed by object identity, so a copy (`structuredClone`) is as good
 * a base or diff side as the original:
 * - `placed`: every object with its sort key and its root (`classid:oid`), which merges go by;
 *   oids stay off the public objects, which are compared across databases;
 * - `lineage`: an id and the merges that led to it (base id, roots re-read), which narrows the
 *   diff of two related snapshots to the objects under those roots;
 * - `exclusions`: the options it was read with, reused by every merge into it.
 * Its text is rendered only when asked for ({@linkcode snapshotOf}): verification needs it only
 * for a failure's text diff, and rendering every step's snapshot would cost.
 *
 * @example Re-read only what a step changed
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { takeSnapshot } from "./snapshot.ts";
 * import {
 *   changeScope,
 *   diffIncremental,
 *   readIncremental,
 *   rereadScope,
 *   snapshotOf,
 * } from "./snapshot_incremental.ts";
 *
 * await using db = await connect("memory://");
 * await db.exec("create table t (id int)");
 * const before = await readIncremental(db);
 * await db.exec("alter table t add column name text");
 * // The key of the changed table, as an event trigger reports it (pg_class is 1259).
 * const [{ key }] = await db.query<{ key: string }>("select '1259:' || 't'::regclass::oid as key");
 * const after = await rereadScope(db, before, changeScope(before, [key]));
 * assert.deepEqual(diffIncremental(before, after).map((c) => c.description), [
 *   "column public.t.name added",
 * ]);
 * assert.equal(snapshotOf(after).text, (await takeSnapshot(db)).text);
 * ```
 *
 * @module
 */

import type { Queryable } from "../drivers/driver.ts";
import { diffObjects, type DiffOptions, type SchemaChange } from "./diff.ts";
import { FAMILIES, FAMILY_NAMES, type FamilyRows, placeRows } from "./families.ts";
import type { PlacedObject, SchemaSnapshot } from "./objects.ts";
import type { Access } from "./privileges.ts";
import { ROOT_CLASS, type RootKind } from "./queries.ts";
import {
  type Lineage,
  lineage,
  mergePlaced,
  rootsBetween,
  scopeFor,
  type ScopeKeys,
  scopeKeys,
} from "./snapshot_merge.ts";
import { type Exclusions, finishPlaced, readByQueries, readCatalog } from "./snapshot_read.ts";
import { renderText } from "./snapshot_render.ts";

/** What an incremental snapshot is read with: exclusions, and whether privileges are read. */
export interface IncrementalOptions extends Exclusions {
  /** Read the privileges that differ from the server's defaults (never owners). */
  privileges?: boolean;
}

/** A snapshot that scoped re-reads can be merged into. Owners are never read. */
export interface IncrementalSnapshot {
  /** Every object, sorted, with where it sorts and the root it is re-read with. */
  readonly placed: readonly PlacedObject[];
  /** Which snapshots it was merged from, and what was re-read since. */
  readonly lineage: Lineage;
  /** What it leaves out and whether it reads privileges; merges into it do the same. */
  readonly exclusions: IncrementalOptions;
}

/**
 * Reads a whole snapshot that later changes can be merged into.
 *
 * See the module example.
 */
export async function readIncremental(
  db: Queryable,
  exclusions: IncrementalOptions = {},
): Promise<IncrementalSnapshot> {
  const placed = finishPlaced(
    await readByQueries(db, { access: accessOf(exclusions) }),
    exclusions,
  );
  return { placed, lineage: lineage(), exclusions };
}

/**
 * Re-reads the objects under `roots` and merges them into `base`, in place of what `base` held
 * under them. The caller vouches that nothing outside the roots changed since `base`; the
 * result then equals a whole snapshot. With `reader`, a function made by
 * {@linkcode scopedReaderFunction}, one call replaces a query per family.
 *
 * See the module example, and {@linkcode scopedReaderFunction}'s for `reader`.
 */
export async function rereadScope(
  db: Queryable,
  base: IncrementalSnapshot,
  roots: Iterable<string>,
  reader?: string,
): Promise<IncrementalSnapshot> {
  const keys = scopeKeys(roots);
  const fresh = reader === undefined
    ? await readByQueries(db, { access: accessOf(base.exclusions), keys })
    : placeReaderRows(await readWith(db, reader, keys));
  return merge(base, fresh, keys.roots);
}

/**
 * Merges rows a {@linkcode scopedReaderFunction} returned (its JSON text) into `base`, in place
 * of everything under `roots`. The caller vouches that the rows were read for those roots (or a
 * subset of them, the rest being gone) and that nothing outside them changed since `base`.
 *
 * See {@linkcode scopedReaderFunction}'s example.
 */
export function mergeScopedRows(
  base: IncrementalSnapshot,
  roots: Iterable<string>,
  rows: string | Record<string, unknown>,
): IncrementalSnapshot {
  const data = typeof rows === "string" ? JSON.parse(rows) as Record<string, unknown> : rows;
  return merge(base, placeReaderRows(data), new Set(roots));
}

function accessOf(options: IncrementalOptions): Access {
  return options.privileges ? "privileges" : "none";
}

function merge(
  base: IncrementalSnapshot,
  fresh: PlacedObject[],
  roots: ReadonlySet<string>,
): IncrementalSnapshot {
  const placed = mergePlaced(base.placed, finishPlaced(fresh, base.exclusions), roots);
  return { placed, lineage: lineage(base.lineage, roots), exclusions: base.exclusions };
}

/**
 * The roots to re-read after the objects with these keys (`classid:oid`, as PostgreSQL's event
 * triggers report them) changed since `base`: each known object becomes the root it is read
 * with, and a table's partitions and children come along.
 *
 * See the module example.
 */
export function changeScope(base: IncrementalSnapshot, keys: Iterable<string>): string[] {
  return scopeFor(base.placed, keys);
}

/**
 * `diffSnapshots` of two incremental snapshots. When one was merged from the other in
 * a few steps, only the objects under the roots re-read in between are compared: everything
 * else is the same in both.
 *
 * See the module example.
 */
export function diffIncremental(
  before: IncrementalSnapshot,
  after: IncrementalSnapshot,
  options?: DiffOptions,
): SchemaChange[] {
  const roots = rootsBetween(before.lineage, after.lineage) ??
    rootsBetween(after.lineage, before.lineage);
  const objects = ({ placed }: IncrementalSnapshot) =>
    (roots === undefined ? placed : placed.filter((p) => roots.has(p.root))).map((p) => p.object);
  return diffObjects(objects(before), objects(after), options);
}

/**
 * The public snapshot of an incremental one, its text rendered: equal to what `takeSnapshot`
 * with the same exclusions (and `privileges`) returns.
 *
 * See the module example.
 */
export function snapshotOf(snapshot: IncrementalSnapshot): SchemaSnapshot {
  const objects = snapshot.placed.map((p) => p.object);
  return { objects, text: renderText(objects) };
}

/** The reader's parameters, one `oid[]` per kind of root. */
const ROOT_KINDS = Object.keys(ROOT_CLASS) as RootKind[];

/**
 * SQL creating a PL/pgSQL function `name` that reads every family for given roots in one call,
 * as JSON. Its plans are cached per session, where separate queries are planned each time:
 * that planning is most of a scoped snapshot's cost. It reads privileges when `options` says
 * so, as the snapshots merged with its rows must.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import * as incremental from "./snapshot_incremental.ts";
 *
 * const reader = "tide_verify.read_scope";
 * await using db = await connect("memory://");
 * await db.exec("create schema tide_verify; create table t (id int)");
 * await db.exec(incremental.scopedReaderFunction(reader));
 * const before = await incremental.readIncremental(db, { excludeSchemas: ["tide_verify"] });
 * await db.exec("alter table t add column name text");
 * const [{ oid }] = await db.query<{ oid: number }>("select 't'::regclass::oid as oid");
 * const call = incremental.scopedReaderCall(reader, (kind) =>
 *   kind === "relations" ? `'{${oid}}'` : "'{}'");
 * const [{ rows }] = await db.query<{ rows: string }>(`select ${call} as rows`);
 * const merged = incremental.mergeScopedRows(before, [`1259:${oid}`], rows);
 * const reread = await incremental.rereadScope(db, before, [`1259:${oid}`], reader);
 * assert.deepEqual(merged.placed, reread.placed); // the same rows, read in one call either way
 * ```
 */
export function scopedReaderFunction(name: string, options: IncrementalOptions = {}): string {
  const access = accessOf(options);
  const read = (family: keyof FamilyRows, roots: string) =>
    `(SELECT pg_catalog.json_agg(r) FROM (${FAMILIES[family].query(access, roots)}) r)`;
  // A family without roots is not queried: each query costs even when it finds nothing.
  const parts = FAMILY_NAMES.filter((family) => !SEPARATE.has(family)).map((family) => {
    const roots = `p_${FAMILIES[family].roots}`;
    return `'${family}', CASE WHEN pg_catalog.cardinality(${roots}) > 0 THEN ` +
      `${read(family, roots)} END`;
  });
  // Every subquery of a statement is set up each time it runs, read or not: a family seldom
  // read is a statement of its own, run (and planned) only when it is.
  const separate = [...SEPARATE].map((family) => {
    const roots = `p_${FAMILIES[family].roots}`;
    return `IF pg_catalog.cardinality(${roots}) > 0 THEN
    result := pg_catalog.left(result, -1) || ',"${family}":' ||
      COALESCE(${read(family, roots)}::text, 'null') || '}';
  END IF;`;
  });
  const params = ROOT_KINDS.map((kind) => `p_${kind} pg_catalog.oid[]`);
  return `CREATE FUNCTION ${name}(${params.join(", ")}) RETURNS text LANGUAGE plpgsql STABLE
  SET search_path = '' SET plan_cache_mode = force_generic_plan AS $reader$
DECLARE
  result text;
BEGIN
  result := pg_catalog.json_build_object(${parts.join(",\n")},
    'version', pg_catalog.current_setting('server_version_num')::int)::text;
  ${separate.join("\n  ")}
  RETURN result;
END $reader$`;
}

/** Families the scoped reader reads in a statement of their own. */
const SEPARATE: ReadonlySet<keyof FamilyRows> = new Set(["others"]);

/**
 * A call of the {@linkcode scopedReaderFunction} `name`, each argument (an `oid[]` of the roots
 * of one kind) written by `argument`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scopedReaderCall } from "./snapshot_incremental.ts";
 *
 * const call = scopedReaderCall("read_scope", (kind) => kind === "types" ? "'{10}'" : "'{}'");
 * assert.equal(call, "read_scope('{}', '{}', '{10}', '{}', '{}', '{}')");
 * ```
 */
export function scopedReaderCall(
  name: string,
  argument: (kind: RootKind, classid: number) => string,
): string {
  return `${name}(${ROOT_KINDS.map((kind) => argument(kind, ROOT_CLASS[kind])).join(", ")})`;
}

/** One call of a {@linkcode scopedReaderFunction}: every family under the roots. */
async function readWith(
  db: Queryable,
  reader: string,
  keys: ScopeKeys,
): Promise<Record<string, unknown>> {
  const call = scopedReaderCall(reader, (kind) => `'${keys.oids[kind]}'::pg_catalog.oid[]`);
  const [row] = await readCatalog<{ data: string }>(
    db,
    "the changed objects",
    `SELECT ${call} AS data`,
  );
  return JSON.parse(row.data);
}

/** Places what a scoped reader returned. */
function placeReaderRows(data: Record<string, unknown>): PlacedObject[] {
  const rows: Record<string, unknown[]> = {};
  // json_agg of no rows is null.
  for (const name of FAMILY_NAMES) rows[name] = (data[name] as unknown[] | null) ?? [];
  return placeRows(rows as unknown as FamilyRows, data.version as number);
}
