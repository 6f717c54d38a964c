/**
 * What hangs off a table: constraints (primary key, unique, foreign key with its actions and
 * deferrability, check, exclusion, NOT VALID), indexes (partial, expression, opclass, INCLUDE:
 * all in the catalog's own definition), triggers with their enabled state, and policies.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { keyOf, names, type Plan } from "./context.ts";
import { localName, mentions } from "./names.ts";
import { RANK } from "./step.ts";
import { inlineConstraint } from "./tables.ts";

const isForeignKey = (c: SnapshotObject) => /^FOREIGN KEY/.test(c.attributes.definition ?? "");

/** Whether an object of `from` goes away with its table (dropped, or recreated). */
function goesWithTable(plan: Plan, object: SnapshotObject): boolean {
  const table = object.parent!;
  if (plan.from.get("table", table) !== undefined) return !plan.to.get("table", table);
  const view = plan.from.get("materialized view", table) ?? plan.from.get("view", table);
  return view !== undefined && (!plan.to.has(view) || plan.isRecreated(view));
}

/** Indexes of partitions are made by their parent's: create and drop them only if needed. */
function onPartition(side: Plan["to"], object: SnapshotObject): boolean {
  return side.get("table", object.parent!)?.attributes["partition of"] !== undefined;
}

/** Whether an object of `to` comes with its table's CREATE TABLE. */
function comesWithTable(plan: Plan, object: SnapshotObject): boolean {
  const table = plan.to.get("table", object.parent!);
  if (table === undefined || plan.from.has(table)) return false;
  return object.kind === "constraint" && inlineConstraint(object) && !isForeignKey(object);
}

/**
 * Objects of one kind under tables: dropped when gone or changed, created when new or changed.
 * `same` says whether two versions of one object are equal; `recreate` whether what it depends
 * on forces it to be recreated anyway.
 */
function planChildren(
  plan: Plan,
  kind: "constraint" | "index" | "trigger" | "policy",
  drop: (o: SnapshotObject) => { sql: string; rank: number },
  create: (o: SnapshotObject) => { sql: string[]; rank: number },
  alter?: (before: SnapshotObject, after: SnapshotObject) => string[] | undefined,
): void {
  for (const before of plan.from.ofKind(kind)) {
    const after = plan.to.get(kind, before.name);
    let change: "drop" | "keep" | "alter" = "keep";
    if (after === undefined) change = "drop";
    else if (plan.isRecreated(after) || dependsOnTouched(plan, before)) change = "drop";
    else if (before.attributes.definition !== after.attributes.definition) change = "drop";
    else if (alter && alter(before, after)?.length) change = "alter";
    if (change === "drop") {
      if (after !== undefined) plan.recreate(after);
      if (goesWithTable(plan, before)) continue;
      const { sql, rank } = drop(before);
      plan.add({ sql: [sql], rank, drops: names(before.name), frees: before.definition });
    } else if (change === "alter") {
      plan.add({ sql: alter!(before, after!)!, rank: RANK.createTrigger });
    }
  }
  for (const after of plan.to.ofKind(kind)) {
    if (plan.fate(after) === "kept" || comesWithTable(plan, after)) continue;
    const { sql, rank } = create(after);
    plan.add({ sql, rank, creates: names(after.name), needs: after.definition });
  }
}

/** Whether an object mentions something recreated, so it must be recreated with it. */
function dependsOnTouched(plan: Plan, object: SnapshotObject): boolean {
  // Indexes, constraints and triggers follow a column's new type by themselves; recreated
  // types and routines they mention do not. Policies block a column change.
  if (object.kind === "policy") return plan.dependsOnTouched(object.definition);
  return [...mentions(object.definition)].some((name) =>
    plan.touched.has(name) && plan.from.get("table", name) === undefined
  );
}

/**
 * Constraints, indexes, triggers and policies of every table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planTableChildren } from "./children.ts";
 *
 * const index = { kind: "index" as const, name: "public.t_a_idx", parent: "public.t",
 *   definition: "CREATE INDEX t_a_idx ON public.t USING btree (a);",
 *   attributes: { definition: "CREATE INDEX t_a_idx ON public.t USING btree (a)" } };
 * const plan = new Plan([], [index]);
 * planTableChildren(plan);
 * assert.deepEqual(plan.steps[0].sql, [index.definition]);
 * ```
 */
export function planTableChildren(plan: Plan): void {
  planChildren(plan, "policy", (p) => ({
    sql: `DROP POLICY ${localName(p.name, p.parent!)} ON ${p.parent};`,
    rank: RANK.dropPolicy,
  }), (p) => ({ sql: [p.definition], rank: RANK.createPolicy }));
  planChildren(
    plan,
    "trigger",
    (t) => ({
      sql: `DROP TRIGGER ${localName(t.name, t.parent!)} ON ${t.parent};`,
      rank: RANK.dropTrigger,
    }),
    (t) => ({ sql: t.definition.split("\n"), rank: RANK.createTrigger }),
    triggerState,
  );
  planChildren(plan, "constraint", (c) => ({
    sql: `ALTER TABLE ${c.parent} DROP CONSTRAINT ${localName(c.name, c.parent!)};`,
    rank: isForeignKey(c) ? RANK.dropForeignKey : RANK.dropConstraint,
  }), (c) => ({
    sql: [`ALTER TABLE ${c.parent} ADD ${c.definition};`],
    rank: isForeignKey(c) ? RANK.addForeignKey : RANK.addConstraint,
  }));
  // A partition's index is dropped after its parent's, which takes it along, and created
  // after it, which makes it: both only when still needed.
  planChildren(plan, "index", (i) => ({
    sql: `DROP INDEX ${onPartition(plan.from, i) ? "IF EXISTS " : ""}${i.name};`,
    rank: RANK.dropIndex + (onPartition(plan.from, i) ? 0.5 : 0),
  }), (i) => ({
    sql: [
      onPartition(plan.to, i)
        ? i.definition.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS ")
        : i.definition,
    ],
    rank: RANK.createIndex + (onPartition(plan.to, i) ? 0.5 : 0),
  }));
  dropDependentForeignKeys(plan);
}

function triggerState(before: SnapshotObject, after: SnapshotObject): string[] | undefined {
  const state = (o: SnapshotObject) =>
    o.attributes.disabled
      ? "DISABLE"
      : o.attributes["enabled for"] === "replica"
      ? "ENABLE REPLICA"
      : o.attributes["enabled for"] === "always"
      ? "ENABLE ALWAYS"
      : "ENABLE";
  if (state(before) === state(after)) return undefined;
  return [
    `ALTER TABLE ${after.parent} ${state(after)} TRIGGER ${localName(after.name, after.parent!)};`,
  ];
}

/**
 * A primary key or unique constraint that is dropped takes the foreign keys referencing it
 * along: those that stay are dropped first and added again after.
 */
function dropDependentForeignKeys(plan: Plan): void {
  const dropped = plan.from.ofKind("constraint").filter((c) =>
    /^(PRIMARY KEY|UNIQUE)/.test(c.attributes.definition ?? "") &&
    (!plan.to.has(c) || plan.isRecreated(c)) && !goesWithTable(plan, c)
  );
  const tables = new Set(dropped.map((c) => c.parent!));
  if (tables.size === 0) return;
  for (const fk of plan.from.ofKind("constraint").filter(isForeignKey)) {
    const after = plan.to.get("constraint", fk.name);
    if (after === undefined || plan.isRecreated(after)) continue;
    const target = /REFERENCES ([^(]+)\(/.exec(fk.attributes.definition ?? "")?.[1];
    if (target === undefined || !tables.has(target)) continue;
    plan.recreate(after);
    plan.recreated.add(keyOf(after));
    plan.add({
      sql: [`ALTER TABLE ${fk.parent} DROP CONSTRAINT ${localName(fk.name, fk.parent!)};`],
      rank: RANK.dropForeignKey,
    });
    plan.add({
      sql: [`ALTER TABLE ${fk.parent} ADD ${after.definition};`],
      rank: RANK.addForeignKey,
      needs: after.definition,
    });
  }
}
