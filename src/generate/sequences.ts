/**
 * Sequences: created before the tables whose defaults call them, owned by their column once
 * it exists, altered option by option, dropped after the tables (a sequence owned by a dropped
 * table has gone with it, hence `IF EXISTS`).
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { names, type Plan } from "./context.ts";
import { RANK } from "./step.ts";

function options(a: Record<string, string>): string {
  return `AS ${a.type} INCREMENT BY ${a.increment} MINVALUE ${a.min} MAXVALUE ${a.max} ` +
    `START WITH ${a.start} CACHE ${a.cache}`;
}

/**
 * Sequences dropped, created and altered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planSequences } from "./sequences.ts";
 *
 * const s = { kind: "sequence" as const, name: "public.s", definition: "", attributes: {
 *   type: "bigint", start: "1", increment: "1", min: "1", max: "9", cache: "1" } };
 * const plan = new Plan([s], []);
 * planSequences(plan);
 * assert.deepEqual(plan.steps[0].sql, ["DROP SEQUENCE IF EXISTS public.s;"]);
 * ```
 */
export function planSequences(plan: Plan): void {
  for (const before of plan.from.ofKind("sequence")) {
    if (plan.to.has(before)) continue;
    plan.add({
      sql: [`DROP SEQUENCE IF EXISTS ${before.name};`],
      rank: RANK.dropSequence,
      drops: names(before.name),
    });
  }
  for (const after of plan.to.ofKind("sequence")) {
    const before = plan.from.get("sequence", after.name);
    if (before === undefined) create(plan, after);
    else alter(plan, before, after);
  }
}

function create(plan: Plan, sequence: SnapshotObject): void {
  const a = sequence.attributes;
  const unlogged = a.unlogged ? "UNLOGGED " : "";
  const cycle = a.cycle ? " CYCLE" : "";
  plan.add({
    sql: [`CREATE ${unlogged}SEQUENCE ${sequence.name} ${options(a)}${cycle};`],
    rank: RANK.createSequence,
    creates: names(sequence.name),
  });
  if (a["owned by"]) ownedBy(plan, sequence.name, a["owned by"]);
}

function ownedBy(plan: Plan, name: string, owner: string): void {
  const sql = `ALTER SEQUENCE ${name} OWNED BY ${owner};`;
  plan.add({ sql: [sql], rank: RANK.alterSequence, needs: sql });
}

function alter(plan: Plan, before: SnapshotObject, after: SnapshotObject): void {
  const was = before.attributes;
  const now = after.attributes;
  const keys = ["type", "increment", "min", "max", "start", "cache", "cycle"];
  if (keys.some((key) => was[key] !== now[key])) {
    const cycle = now.cycle ? " CYCLE" : " NO CYCLE";
    plan.add({
      sql: [`ALTER SEQUENCE ${after.name} ${options(now)}${cycle};`],
      rank: RANK.alterSequence,
    });
  }
  if (was.unlogged !== now.unlogged) {
    plan.add({
      sql: [`ALTER SEQUENCE ${after.name} SET ${now.unlogged ? "UNLOGGED" : "LOGGED"};`],
      rank: RANK.alterSequence,
    });
  }
  if (was["owned by"] !== now["owned by"]) {
    // Disowned first: a sequence still owned by a column being dropped would go with it.
    if (was["owned by"]) {
      plan.add({ sql: [`ALTER SEQUENCE ${after.name} OWNED BY NONE;`], rank: RANK.relaxColumn });
    }
    if (now["owned by"]) ownedBy(plan, after.name, now["owned by"]);
  }
}
