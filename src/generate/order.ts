/**
 * Dependency order of generated steps: a step comes after the creation of every name its new
 * definition mentions, and before the drop of every name its old definition mentions. Among
 * steps free to go, the lowest rank goes first; a cycle is broken by rank too.
 *
 * @module
 */
import { mentions } from "./names.ts";
import type { Step } from "./step.ts";

/**
 * Orders `steps` (given in a stable order, which breaks ties).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderSteps } from "./order.ts";
 *
 * const view = { sql: ["CREATE VIEW public.v AS SELECT 1 FROM public.t;"], rank: 1,
 *   creates: ["public.v"], needs: "SELECT 1 FROM public.t" };
 * const table = { sql: ["CREATE TABLE public.t ();"], rank: 2, creates: ["public.t"] };
 * assert.deepEqual(orderSteps([view, table]).map((s) => s.rank), [2, 1]);
 * ```
 */
export function orderSteps(steps: readonly Step[]): Step[] {
  const creators = index(steps, (step) => step.creates);
  const droppers = index(steps, (step) => step.drops);
  const after = steps.map(() => new Set<number>());
  const link = (first: number, then: number) => {
    if (first !== then) after[first].add(then);
  };
  steps.forEach((step, i) => {
    if (step.needs) {
      for (const name of mentions(step.needs)) {
        for (const j of creators.get(name) ?? []) link(j, i);
      }
    }
    if (step.frees) {
      for (const name of mentions(step.frees)) {
        for (const j of droppers.get(name) ?? []) link(i, j);
      }
    }
  });
  return kahn(steps, after);
}

function index(steps: readonly Step[], names: (step: Step) => readonly string[] | undefined) {
  const map = new Map<string, number[]>();
  steps.forEach((step, i) => {
    for (const name of names(step) ?? []) {
      const list = map.get(name) ?? [];
      list.push(i);
      map.set(name, list);
    }
  });
  return map;
}

function kahn(steps: readonly Step[], after: Set<number>[]): Step[] {
  const waiting = steps.map(() => 0);
  for (const next of after) for (const j of next) waiting[j]++;
  const done = steps.map(() => false);
  const out: Step[] = [];
  const better = (a: number, b: number) =>
    steps[a].rank < steps[b].rank || (steps[a].rank === steps[b].rank && a < b);
  while (out.length < steps.length) {
    let pick = -1;
    let fallback = -1;
    for (let i = 0; i < steps.length; i++) {
      if (done[i]) continue;
      if (waiting[i] === 0 && (pick < 0 || better(i, pick))) pick = i;
      if (fallback < 0 || better(i, fallback)) fallback = i;
    }
    // A cycle: the step of lowest rank goes first, as if its dependencies were met.
    if (pick < 0) pick = fallback;
    done[pick] = true;
    out.push(steps[pick]);
    for (const j of after[pick]) waiting[j]--;
  }
  return out;
}
