/**
 * Views and materialized views. A view is dropped and created again when its definition
 * changes, or when something it reads is dropped, retyped or recreated: views of views
 * follow, in dependency order.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { keyOf, names, type Plan } from "./context.ts";
import { RANK } from "./step.ts";

const VIEWS = ["view", "materialized view"] as const;

function changed(before: SnapshotObject, after: SnapshotObject): boolean {
  return before.attributes.definition !== after.attributes.definition ||
    before.attributes.options !== after.attributes.options;
}

/**
 * Views dropped, created, and recreated. Call after tables, types and routines, which mark
 * what views reading them must be recreated for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planViews } from "./views.ts";
 *
 * const view = { kind: "view" as const, name: "public.v", definition: "CREATE VIEW public.v AS\n SELECT 1;",
 *   attributes: { definition: " SELECT 1;" } };
 * const plan = new Plan([view], []);
 * planViews(plan);
 * assert.deepEqual(plan.steps[0].sql, ["DROP VIEW public.v;"]);
 * ```
 */
export function planViews(plan: Plan): void {
  const kept = plan.from.ofKind(...VIEWS).filter((v) => plan.to.has(v));
  for (const before of kept) {
    if (changed(before, plan.to.get(before.kind, before.name)!)) plan.recreate(before);
  }
  // Recreating a view recreates those reading it: repeat until nothing more is marked.
  for (let grew = true; grew;) {
    grew = false;
    for (const before of kept) {
      if (plan.isRecreated(before)) continue;
      if (plan.dependsOnTouched(before.definition, before.name)) {
        plan.recreate(before);
        grew = true;
      }
    }
  }
  for (const before of plan.from.ofKind(...VIEWS)) {
    if (plan.to.has(before) && !plan.isRecreated(before)) continue;
    // Its indexes and triggers go with it, and come back with it.
    for (const child of plan.to.children.get(before.name) ?? []) plan.recreated.add(keyOf(child));
    const what = before.kind === "view" ? "VIEW" : "MATERIALIZED VIEW";
    plan.add({
      sql: [`DROP ${what} ${before.name};`],
      rank: RANK.dropView,
      drops: names(before.name),
      frees: before.definition,
    });
  }
  for (const after of plan.to.ofKind(...VIEWS)) {
    if (plan.fate(after) === "kept") continue;
    plan.add({
      sql: [after.definition],
      rank: RANK.createView,
      creates: names(after.name),
      needs: after.definition,
    });
  }
}
