/**
 * Functions and procedures, from the catalog's full definition (`pg_get_functiondef`). A
 * changed body is replaced in place; a changed signature or result drops the routine and
 * creates it again, with the triggers and views that use it.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { names, type Plan } from "./context.ts";
import { RANK } from "./step.ts";

const ROUTINES = ["function", "procedure"] as const;

/** The part of a definition before its attributes and body: name, arguments, result. */
function head(definition: string): string {
  return definition.split("\n").filter((line) => /^(CREATE|\s*RETURNS)\b/.test(line)).join("\n");
}

function drop(routine: SnapshotObject): string {
  return `DROP ${routine.kind === "procedure" ? "PROCEDURE" : "FUNCTION"} ${routine.name};`;
}

/**
 * Routines dropped, created and replaced.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planRoutines } from "./routines.ts";
 *
 * const f = { kind: "function" as const, name: "public.f()", definition: "CREATE OR REPLACE FUNCTION public.f()\n RETURNS integer\n LANGUAGE sql\nAS $function$select 1$function$;",
 *   attributes: {} };
 * const plan = new Plan([], [f]);
 * planRoutines(plan);
 * assert.deepEqual(plan.steps[0].sql, [f.definition]);
 * ```
 */
export function planRoutines(plan: Plan): void {
  for (const before of plan.from.ofKind(...ROUTINES)) {
    const after = plan.to.get(before.kind, before.name);
    // A routine whose arguments or result use a recreated type goes and comes back with it.
    const typeRecreated = plan.dependsOnTouched(head(before.definition), before.name);
    if (
      after !== undefined && head(after.definition) === head(before.definition) && !typeRecreated
    ) {
      continue;
    }
    if (after !== undefined) plan.recreate(after);
    plan.add({
      sql: [drop(before)],
      rank: RANK.dropRoutine,
      drops: names(before.name),
      frees: head(before.definition),
    });
  }
  for (const after of plan.to.ofKind(...ROUTINES)) {
    const before = plan.from.get(after.kind, after.name);
    if (
      before !== undefined && before.definition === after.definition && !plan.isRecreated(after)
    ) {
      continue;
    }
    plan.add({
      sql: [after.definition],
      rank: RANK.createRoutine,
      creates: names(after.name),
      needs: after.definition,
    });
  }
}
