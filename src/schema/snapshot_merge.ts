/**
 * Scoped snapshots: the objects under a few roots, read afresh and merged into a previous
 * snapshot in place of what those roots held before; and the lineage of merged snapshots, which
 * says what two of them can differ in.
 *
 * @module
 */

import type { PlacedObject } from "./objects.ts";
import { ROOT_CLASS, type RootKind } from "./queries.ts";
import { compareKeys } from "./snapshot_render.ts";

/** Roots split per kind, as `oid[]` literals for the catalog queries. */
export interface ScopeKeys {
  /** Every root key, `classid:oid` (see {@linkcode ROOT_CLASS}). */
  roots: ReadonlySet<string>;
  /** `{oid,...}` of the roots of each kind. */
  oids: Record<RootKind, string>;
}

/**
 * Splits root keys per kind.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scopeKeys } from "./snapshot_merge.ts";
 *
 * const keys = scopeKeys(["1259:16384", "1255:16390"]);
 * assert.equal(keys.oids.relations, "{16384}");
 * assert.equal(keys.oids.functions, "{16390}");
 * ```
 */
export function scopeKeys(roots: Iterable<string>): ScopeKeys {
  const all = new Set(roots);
  const lists = new Map<number, string[]>();
  for (const root of all) {
    const [classid, oid] = root.split(":");
    if (!/^\d+$/.test(oid ?? "")) throw new TypeError(`Not a root key: ${root}`);
    const list = lists.get(Number(classid)) ?? [];
    list.push(oid);
    lists.set(Number(classid), list);
  }
  const oids = {} as Record<RootKind, string>;
  for (const [kind, classid] of Object.entries(ROOT_CLASS) as [RootKind, number][]) {
    oids[kind] = `{${(lists.get(classid) ?? []).join(",")}}`;
  }
  return { roots: all, oids };
}

/**
 * Replaces everything `base` held under `roots` by `fresh`. Both are sorted; so is the result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergePlaced } from "./snapshot_merge.ts";
 *
 * const placed = (name: string, root: string) => ({
 *   object: { kind: "function" as const, name, definition: "", attributes: {} },
 *   sortKey: ["public", 2, name, 0, ""],
 *   root,
 * });
 * const base = [placed("public.a()", "1255:1"), placed("public.z()", "1255:2")];
 * // What base held under root 1255:1 is replaced by what was re-read there.
 * const merged = mergePlaced(base, [placed("public.b()", "1255:1")], new Set(["1255:1"]));
 * assert.deepEqual(merged.map((p) => p.object.name), ["public.b()", "public.z()"]);
 * ```
 */
export function mergePlaced(
  base: readonly PlacedObject[],
  fresh: readonly PlacedObject[],
  roots: ReadonlySet<string>,
): PlacedObject[] {
  const kept = base.filter((p) => !roots.has(p.root));
  const merged: PlacedObject[] = [];
  let i = 0;
  let j = 0;
  while (i < kept.length && j < fresh.length) {
    if (compareKeys(kept[i].sortKey, fresh[j].sortKey) <= 0) merged.push(kept[i++]);
    else merged.push(fresh[j++]);
  }
  while (i < kept.length) merged.push(kept[i++]);
  while (j < fresh.length) merged.push(fresh[j++]);
  return merged;
}

/**
 * Maps every key a snapshot knows (each root, and each object's own key) to its root: how a
 * dropped index, constraint or trigger finds the table it belonged to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rootIndex } from "./snapshot_merge.ts";
 *
 * const index = rootIndex([{
 *   object: { kind: "index" as const, name: "public.t_idx", definition: "", attributes: {} },
 *   sortKey: [],
 *   root: "1259:10",
 *   self: "1259:11",
 * }]);
 * assert.equal(index.get("1259:11"), "1259:10");
 * ```
 */
export function rootIndex(placed: readonly PlacedObject[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const { root, self } of placed) {
    index.set(root, root);
    if (self !== undefined) index.set(self, root);
  }
  return index;
}

/**
 * The scope that covers `keys` (roots or own keys of changed objects) in a snapshot: unknown
 * keys stay as they are, known ones become their root, and a table's partitions and inheritance
 * children come along (a `DETACH PARTITION` reports only the parent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scopeFor } from "./snapshot_merge.ts";
 *
 * assert.deepEqual(scopeFor([], ["1259:10"]), ["1259:10"]);
 * ```
 */
export function scopeFor(placed: readonly PlacedObject[], keys: Iterable<string>): string[] {
  const index = rootIndex(placed);
  const roots = new Set<string>();
  for (const key of keys) roots.add(index.get(key) ?? key);
  const names = new Set<string>();
  for (const { object, root } of placed) {
    if (object.kind === "table" && roots.has(root)) names.add(object.name);
  }
  if (names.size > 0) {
    for (const { object, root } of placed) {
      if (object.kind !== "table") continue;
      const parents = object.attributes["partition of"] ?? object.attributes.inherits;
      if (parents?.split(", ").some((name) => names.has(name))) roots.add(root);
    }
  }
  return [...roots];
}

/**
 * How a snapshot came about, as plain data (a copy keeps it): an id of its own and the merges
 * that led to it, newest first.
 */
export interface Lineage {
  /** Unique to each snapshot read or merged. */
  id: string;
  /** Up to {@linkcode MAX_LINEAGE} merges: the snapshot merged into and the roots re-read. */
  merges: readonly { into: string; roots: readonly string[] }[];
}

/** Merges followed at most this far back when comparing two snapshots. */
export const MAX_LINEAGE = 8;

/**
 * The lineage of a fresh snapshot, or of one merged from `base` by re-reading `roots`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineage, rootsBetween } from "./snapshot_merge.ts";
 *
 * const full = lineage();
 * const merged = lineage(full, ["1259:10"]);
 * assert.deepEqual(rootsBetween(full, merged), new Set(["1259:10"]));
 * ```
 */
export function lineage(base?: Lineage, roots: Iterable<string> = []): Lineage {
  const id = crypto.randomUUID();
  if (base === undefined) return { id, merges: [] };
  const merges = [{ into: base.id, roots: [...roots] }, ...base.merges];
  return { id, merges: merges.slice(0, MAX_LINEAGE) };
}

/** Roots re-read on the way from `ancestor` to `snapshot`, when it is one; else `undefined`. */
export function rootsBetween(ancestor: Lineage, snapshot: Lineage): Set<string> | undefined {
  const roots = new Set<string>();
  if (snapshot.id === ancestor.id) return roots;
  for (const merge of snapshot.merges) {
    for (const root of merge.roots) roots.add(root);
    if (merge.into === ancestor.id) return roots;
  }
  return undefined;
}
