/**
 * Scoped snapshots: the objects under a few roots, read afresh and merged into a previous
 * snapshot in place of what those roots held before.
 *
 * @module
 */

import type { PlacedObject } from "./catalog_objects.ts";
import { compareKeys } from "./snapshot_render.ts";

/** Catalog oids that prefix root keys (fixed in every PostgreSQL version). */
export const ROOT_CLASS = {
  relation: 1259,
  function: 1255,
  type: 1247,
  schema: 2615,
  extension: 3079,
} as const;

/**
 * Which roots a scoped snapshot re-reads. A root is `classid:oid`: `1259:` for a table, view or
 * sequence (with its columns, constraints, indexes, triggers and policies), `1255:` a function,
 * `1247:` a type, `2615:` a schema, `3079:` an extension.
 */
export interface SnapshotScope {
  /** Root keys, e.g. `"1259:16384"`. */
  roots: readonly string[];
}

/** A scope split per family, as `oid[]` literals for the catalog queries. */
export interface ScopeKeys {
  /** Every root key. */
  roots: ReadonlySet<string>;
  /** `{oid,...}` of relations and sequences. */
  relations: string;
  /** `{oid,...}` of functions. */
  functions: string;
  /** `{oid,...}` of types. */
  types: string;
  /** `{oid,...}` of schemas. */
  schemas: string;
  /** `{oid,...}` of extensions. */
  extensions: string;
}

/**
 * Splits a scope per family.
 *
 * @example
 * ```ts
 * import { scopeKeys } from "./snapshot_merge.ts";
 *
 * console.log(scopeKeys({ roots: ["1259:16384", "1255:16390"] }).relations); // {16384}
 * ```
 */
export function scopeKeys(scope: SnapshotScope): ScopeKeys {
  const lists = new Map<number, string[]>();
  for (const root of scope.roots) {
    const [classid, oid] = root.split(":");
    if (!/^\d+$/.test(oid ?? "")) throw new TypeError(`Not a root key: ${root}`);
    const list = lists.get(Number(classid)) ?? [];
    list.push(oid);
    lists.set(Number(classid), list);
  }
  const literal = (classid: number) => `{${(lists.get(classid) ?? []).join(",")}}`;
  return {
    roots: new Set(scope.roots),
    relations: literal(ROOT_CLASS.relation),
    functions: literal(ROOT_CLASS.function),
    types: literal(ROOT_CLASS.type),
    schemas: literal(ROOT_CLASS.schema),
    extensions: literal(ROOT_CLASS.extension),
  };
}

/**
 * Replaces everything `base` held under `roots` by `fresh`. Both are sorted; so is the result.
 *
 * @example
 * ```ts
 * import { mergePlaced } from "./snapshot_merge.ts";
 *
 * const placed = (name: string, root: string) => ({
 *   object: { kind: "function" as const, name, definition: "", attributes: {} },
 *   sortKey: ["public", 2, name, 0, ""],
 *   root,
 * });
 * const merged = mergePlaced([placed("public.a()", "1255:1")], [placed("public.b()", "1255:1")], new Set(["1255:1"]));
 * console.log(merged.map((p) => p.object.name)); // ["public.b()"]
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
 * import { rootIndex } from "./snapshot_merge.ts";
 *
 * const index = rootIndex([{
 *   object: { kind: "index" as const, name: "public.t_idx", definition: "", attributes: {} },
 *   sortKey: [],
 *   root: "1259:10",
 *   self: "1259:11",
 * }]);
 * console.log(index.get("1259:11")); // 1259:10
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
 * import { scopeFor } from "./snapshot_merge.ts";
 *
 * console.log(scopeFor([], ["1259:10"]).roots); // ["1259:10"]
 * ```
 */
export function scopeFor(placed: readonly PlacedObject[], keys: Iterable<string>): SnapshotScope {
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
  return { roots: [...roots] };
}
