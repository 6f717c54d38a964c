/**
 * Structured comparison of two schema snapshots, in words a reviewer reads:
 * `column public.accounts.email: type character varying(50) -> character varying(100)`.
 *
 * @module
 */

import type { SchemaSnapshot, SnapshotObject } from "./objects.ts";
import { sameUpToLayout } from "./layout.ts";
import { sameUpToTimeLiterals, type TimeWindow } from "./time_literals.ts";

/** One difference between two snapshots. Compatible with `SchemaChangeSummary`. */
export interface SchemaChange {
  /** Object kind: `table`, `column`, `index`, `constraint`, `view`, `function`, ... */
  kind: string;
  /** Qualified name of the object. */
  name: string;
  /** What happened to it. */
  change: "added" | "removed" | "changed";
  /** A sentence for humans. */
  description: string;
  /** The object's definition before, when it existed. */
  before?: string;
  /** The object's definition after, when it exists. */
  after?: string;
  /** Set when the change is the order of a table's columns. */
  reordered?: true;
}

/** Options of {@linkcode diffSnapshots}. */
export interface DiffOptions {
  /** Do not report tables whose columns are the same but in another order. Default false. */
  ignoreColumnOrder?: boolean;
  /**
   * Treat date, timestamp and time literals whose value lies inside this window as equal: the
   * times a server stored while both schemas were built (`timestamp 'now'` in a view).
   */
  timeWindow?: TimeWindow;
}

/** Values longer than this, or on several lines, are reported as "changed" without quoting. */
const MAX_INLINE = 120;

/**
 * Lists what differs between two snapshots, objects in `after`'s order then removed ones in
 * `before`'s order. Columns, constraints and indexes of an added or removed table are not
 * listed again. An empty array means the schemas are the same.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diffSnapshots } from "./diff.ts";
 *
 * const column = (type: string) => ({
 *   kind: "column" as const,
 *   name: "public.accounts.email",
 *   parent: "public.accounts",
 *   definition: `email ${type}`,
 *   attributes: { type },
 * });
 * const before = { objects: [column("varchar(50)")], text: "" };
 * const after = { objects: [column("varchar(100)")], text: "" };
 * assert.deepEqual(diffSnapshots(before, after).map((change) => change.description), [
 *   "column public.accounts.email: type varchar(50) -> varchar(100)",
 * ]);
 * ```
 */
export function diffSnapshots(
  before: SchemaSnapshot,
  after: SchemaSnapshot,
  options: DiffOptions = {},
): SchemaChange[] {
  return diffObjects(before.objects, after.objects, options);
}

/**
 * {@linkcode diffSnapshots} of two lists of objects, each in snapshot order: how an incremental
 * snapshot diffs just the objects it re-read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diffObjects } from "./diff.ts";
 *
 * const f = { kind: "function" as const, name: "public.f()", definition: "", attributes: {} };
 * assert.deepEqual(diffObjects([], [f]).map((change) => change.description), [
 *   "function public.f() added",
 * ]);
 * ```
 */
export function diffObjects(
  beforeObjects: readonly SnapshotObject[],
  afterObjects: readonly SnapshotObject[],
  options: DiffOptions = {},
): SchemaChange[] {
  const key = (o: SnapshotObject) => `${o.kind}\u0000${o.name}`;
  const old = new Map(beforeObjects.map((o) => [key(o), o]));
  const current = new Set(afterObjects.map(key));
  const added = new Set(afterObjects.filter((o) => !old.has(key(o))).map((o) => o.name));
  const removed = new Set(beforeObjects.filter((o) => !current.has(key(o))).map((o) => o.name));
  const changes: SchemaChange[] = [];
  for (const object of afterObjects) {
    const previous = old.get(key(object));
    if (previous === undefined) {
      if (!added.has(object.parent ?? "")) changes.push(whole(object, "added"));
    } else {
      changes.push(...compare(previous, object, options));
    }
  }
  for (const object of beforeObjects) {
    if (!current.has(key(object)) && !removed.has(object.parent ?? "")) {
      changes.push(whole(object, "removed"));
    }
  }
  return changes;
}

function whole(object: SnapshotObject, change: "added" | "removed"): SchemaChange {
  return {
    kind: object.kind,
    name: object.name,
    change,
    description: `${object.kind} ${object.name} ${change}`,
    ...(change === "added" ? { after: object.definition } : { before: object.definition }),
  };
}

function compare(before: SnapshotObject, after: SnapshotObject, options: DiffOptions) {
  const changes: SchemaChange[] = [];
  const changed = (description: string): SchemaChange => ({
    kind: after.kind,
    name: after.name,
    change: "changed",
    description,
    before: before.definition,
    after: after.definition,
  });
  const order = columnOrderChange(before.attributes.columns, after.attributes.columns);
  if (order !== undefined && !options.ignoreColumnOrder) {
    changes.push({
      ...changed(`column order of ${after.name} changed: ${order}`),
      reordered: true,
    });
  }
  const details: string[] = [];
  const keys = new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)]);
  for (const key of keys) {
    if (key === "columns") continue;
    const [was, now] = [serverGiven(before, key), serverGiven(after, key)];
    if (was !== undefined && now !== undefined && was !== now) {
      if (sameUpToLayout(after.kind, key, was, now)) continue;
      if (options.timeWindow && sameUpToTimeLiterals(was, now, options.timeWindow)) continue;
    }
    const detail = describe(key, was, now);
    if (detail !== undefined) details.push(detail);
  }
  if (details.length > 0) {
    changes.push(changed(`${after.kind} ${after.name}: ${details.join("; ")}`));
  }
  return changes;
}

/**
 * An attribute's value, or undefined when it is one the server gives by itself and pg_dump
 * leaves out: the public schema's comment, which `DROP SCHEMA public CASCADE; CREATE SCHEMA
 * public` (a common first down) loses.
 */
function serverGiven(object: SnapshotObject, key: string): string | undefined {
  const value = object.attributes[key];
  const standard = object.kind === "schema" && object.name === "public" && key === "comment" &&
    value === "standard public schema";
  return standard ? undefined : value;
}

/** Describes one attribute's change, or undefined when it did not change. */
function describe(key: string, before?: string, after?: string): string | undefined {
  if (before === after) return undefined;
  if (key === "comment") {
    const quote = (value?: string) => value && `'${value.replaceAll("'", "''")}'`;
    [before, after] = [quote(before), quote(after)];
  }
  const long = (value: string) => value.includes("\n") || value.length > MAX_INLINE;
  // Flags ("true") and long values read better without their value.
  const quiet = (value: string) => value === "true" || long(value);
  if (before === undefined) return quiet(after!) ? `${key} added` : `${key} ${after} added`;
  if (after === undefined) return quiet(before) ? `${key} removed` : `${key} ${before} removed`;
  if (long(before) || long(after)) return `${key} changed`;
  return `${key} ${before} -> ${after}`;
}

/**
 * Column order matters only among columns present on both sides: an added or dropped column is
 * reported as such, not as a reordering.
 */
function columnOrderChange(before?: string, after?: string): string | undefined {
  if (before === undefined || after === undefined || before === after) return undefined;
  const was = before.split(", ");
  const now = after.split(", ");
  const common = (list: string[], other: string[]) => list.filter((c) => other.includes(c));
  const wasCommon = common(was, now);
  const nowCommon = common(now, was);
  if (wasCommon.join(", ") === nowCommon.join(", ")) return undefined;
  return `(${was.join(", ")}) -> (${now.join(", ")})`;
}
