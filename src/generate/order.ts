/**
 * Dependency order of generated steps: a step comes after the creation of every name its new
 * definition mentions, and before the drop of every name its old definition mentions; what is
 * dropped and created again is dropped first. Among steps free to go, the lowest rank goes
 * first; inside a cycle, rank alone decides.
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
    // What is dropped and created again is dropped first.
    for (const name of step.creates ?? []) {
      for (const j of droppers.get(name) ?? []) link(j, i);
    }
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
  dropCycles(after);
  return kahn(steps, after);
}

/**
 * Removes the edges inside each cycle (a strongly connected component), whose steps then go by
 * rank and order: names mentioned both ways cannot all be honoured, and a cycle must not hold
 * its steps back while later ranks go first.
 */
function dropCycles(after: Set<number>[]): void {
  const index = after.map(() => -1);
  const low = after.map(() => 0);
  const onStack = after.map(() => false);
  const stack: number[] = [];
  let counter = 0;
  const component = after.map(() => -1);
  let components = 0;
  const visit = (v: number) => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    for (const w of after[v]) {
      if (index[w] < 0) {
        visit(w);
        low[v] = Math.min(low[v], low[w]);
      } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
    }
    if (low[v] !== index[v]) return;
    for (let w = -1; w !== v;) {
      w = stack.pop()!;
      onStack[w] = false;
      component[w] = components;
    }
    components++;
  };
  for (let v = 0; v < after.length; v++) if (index[v] < 0) visit(v);
  for (let v = 0; v < after.length; v++) {
    for (const w of after[v]) if (component[w] === component[v]) after[v].delete(w);
  }
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
    for (let i = 0; i < steps.length; i++) {
      if (!done[i] && waiting[i] === 0 && (pick < 0 || better(i, pick))) pick = i;
    }
    done[pick] = true;
    out.push(steps[pick]);
    for (const j of after[pick]) waiting[j]--;
  }
  return out;
}
