/**
 * Renames, found before anything else: a table, index, constraint, column, view, sequence or
 * type that is gone on one side and has an equal twin under another name on the other is
 * renamed, not dropped and created (which would lose its rows). The `from` side is rewritten
 * under the new names, so the rest of the plan compares like with like.
 *
 * @module
 */
import type { SnapshotObject, SnapshotObjectKind } from "../schema/objects.ts";
import { keyOf, Side } from "./context.ts";
import { lastPart, localName, renameIn, schemaOf } from "./names.ts";
import { RANK, type Step } from "./step.ts";

/** The `from` side under the target's names, and the steps that rename. */
export interface Renamed {
  from: SnapshotObject[];
  steps: Step[];
}

const ALTER: Partial<Record<SnapshotObjectKind, string>> = {
  table: "TABLE",
  view: "VIEW",
  "materialized view": "MATERIALIZED VIEW",
  sequence: "SEQUENCE",
  enum: "TYPE",
  "composite type": "TYPE",
  domain: "DOMAIN",
};

/**
 * Finds renames from `from` to `to`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findRenames } from "./renames.ts";
 *
 * const table = (name: string) => ({ kind: "table" as const, name, definition: `CREATE TABLE ${name} ();`,
 *   attributes: { columns: "" } });
 * const { steps } = findRenames([table("public.a")], [table("public.b")]);
 * assert.deepEqual(steps[0].sql, ["ALTER TABLE public.a RENAME TO b;"]);
 * ```
 */
export function findRenames(
  from: readonly SnapshotObject[],
  to: readonly SnapshotObject[],
): Renamed {
  let objects = [...from];
  const steps: Step[] = [];
  const target = new Side(to);
  const rename = (kind: SnapshotObjectKind, was: string, now: string, sql: string) => {
    steps.push({ sql: [sql], rank: RANK.rename, creates: [now] });
    objects = rewrite(objects, kind, was, now);
  };
  for (const kind of Object.keys(ALTER) as SnapshotObjectKind[]) {
    for (const [was, now] of pairs(objects, target, kind, topLevelTwin)) {
      const verb = schemaOf(was.name) === schemaOf(now.name)
        ? `RENAME TO ${lastPart(now.name)}`
        : `SET SCHEMA ${schemaOf(now.name)}`;
      rename(kind, was.name, now.name, `ALTER ${ALTER[kind]} ${was.name} ${verb};`);
    }
  }
  // A table's columns and constraints: ALTER TABLE t RENAME COLUMN|CONSTRAINT a TO b.
  for (const [kind, twin] of [["column", columnTwin], ["constraint", childTwin]] as const) {
    for (const [was, now] of pairs(objects, target, kind, twin)) {
      const table = now.parent!;
      const names = `${localName(was.name, table)} TO ${localName(now.name, table)}`;
      rename(
        kind,
        was.name,
        now.name,
        `ALTER TABLE ${table} RENAME ${kind.toUpperCase()} ${names};`,
      );
    }
  }
  for (const [was, now] of pairs(objects, target, "index", childTwin)) {
    rename("index", was.name, now.name, `ALTER INDEX ${was.name} RENAME TO ${lastPart(now.name)};`);
  }
  return { from: objects, steps };
}

type Twin = (was: SnapshotObject, now: SnapshotObject, from: Side, to: Side) => boolean;

/** Pairs of an object only in `objects` with its twin only in `target`, each used once. */
function pairs(
  objects: readonly SnapshotObject[],
  target: Side,
  kind: SnapshotObjectKind,
  twin: Twin,
): [SnapshotObject, SnapshotObject][] {
  const source = new Side(objects);
  const gone = objects.filter((o) => o.kind === kind && !target.has(o));
  const added = target.objects.filter((o) => o.kind === kind && !source.has(o));
  const found: [SnapshotObject, SnapshotObject][] = [];
  const used = new Set<string>();
  for (const was of gone) {
    const now = added.find((n) => !used.has(keyOf(n)) && twin(was, n, source, target));
    if (now === undefined) continue;
    used.add(keyOf(now));
    found.push([was, now]);
  }
  return found;
}

/** Same definition once renamed; a table also needs the same columns and constraints. */
function topLevelTwin(was: SnapshotObject, now: SnapshotObject, from: Side, to: Side): boolean {
  if (schemaOf(was.name) !== schemaOf(now.name) && lastPart(was.name) !== lastPart(now.name)) {
    return false;
  }
  const same = (a: SnapshotObject, b: SnapshotObject) =>
    renameIn(a.definition, was.name, now.name) === b.definition;
  if (was.kind !== "table") return same(was, now);
  // A table's columns must match; its constraints by what they are, whatever their names.
  const columns = (side: Side, name: string) =>
    side.childrenOf(name, "column").map((c) =>
      withoutNotNullName(renameIn(c.definition, was.name, now.name))
    );
  const constraints = (side: Side, name: string) =>
    side.childrenOf(name, "constraint")
      .map((c) => renameIn(c.attributes.definition ?? "", was.name, now.name)).sort();
  const equal = (a: string[], b: string[]) => a.join("\n") === b.join("\n");
  return equal(columns(from, was.name), columns(to, now.name)) &&
    equal(constraints(from, was.name), constraints(to, now.name));
}

/**
 * A column's definition without its NOT NULL constraint's name (PostgreSQL 18 names it after
 * the table and keeps that name through a rename, so a renamed table's columns show one).
 */
function withoutNotNullName(definition: string): string {
  return definition.replace(/CONSTRAINT (?:"(?:[^"]|"")+"|\S+) NOT NULL\b/g, "NOT NULL");
}

/**
 * A column at the same place of the same table: with the same attributes (comment aside), or
 * the only one renamed of a table whose column count did not change (renamed and retyped).
 */
function columnTwin(was: SnapshotObject, now: SnapshotObject, from: Side, to: Side): boolean {
  if (was.parent !== now.parent) return false;
  const [before, after] = [from, to].map((side) => side.childrenOf(was.parent!, "column"));
  const place = (list: SnapshotObject[], o: SnapshotObject) =>
    list.findIndex((c) => c.name === o.name);
  if (place(before, was) !== place(after, now)) return false;
  const { comment: _a, ...x } = was.attributes;
  const { comment: _b, ...y } = now.attributes;
  if (JSON.stringify(x) === JSON.stringify(y)) return true;
  const renamed = before.filter((c, i) => after[i]?.name !== c.name);
  return before.length === after.length && renamed.length === 1;
}

/** A constraint or index of the same table with the same definition once renamed. */
function childTwin(was: SnapshotObject, now: SnapshotObject): boolean {
  if (was.parent !== now.parent) return false;
  if (was.kind === "constraint") return was.attributes.definition === now.attributes.definition;
  const local = (o: SnapshotObject) => lastPart(o.name);
  return renameIn(was.definition, local(was), local(now)) === now.definition;
}

/** The objects with `was` renamed to `now`: its key, what hangs off it, what mentions it. */
function rewrite(
  objects: SnapshotObject[],
  kind: SnapshotObjectKind,
  was: string,
  now: string,
): SnapshotObject[] {
  const isChild = kind === "column" || kind === "constraint" || kind === "index";
  const table = isChild ? objects.find((o) => o.name === was)?.parent : undefined;
  const [from, to] = isChild && kind !== "index"
    ? [localName(was, table!), localName(now, table!)]
    : kind === "index"
    ? [lastPart(was), lastPart(now)]
    : [was, now];
  return objects.map((o) => {
    // Routine bodies are text the server never rewrites.
    if (o.kind === "function" || o.kind === "procedure") return o;
    const scoped = !isChild || o.parent === table || o.name === table;
    if (!scoped) return o;
    const copy = structuredClone(o);
    if (o.name === was && o.kind === kind) copy.name = now;
    if (!isChild && o.parent === was) copy.parent = now;
    if (!isChild && o.name.startsWith(`${was}.`)) copy.name = now + o.name.slice(was.length);
    copy.definition = renameIn(o.definition, from, to);
    for (const [key, value] of Object.entries(o.attributes)) {
      copy.attributes[key] = key === "columns"
        ? value.split(", ").map((c) => c === from ? to : c).join(", ")
        : renameIn(value, from, to);
    }
    return copy;
  });
}
