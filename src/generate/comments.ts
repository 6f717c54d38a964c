/**
 * Comments, and (as an option) owners and grants: set on every object that is new or created
 * again, and changed where they differ.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { commentLine, ownerLine } from "../schema/snapshot_render.ts";
import type { Plan } from "./context.ts";
import { RANK } from "./step.ts";

/**
 * Comments of every object of the target.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planComments } from "./comments.ts";
 *
 * const table = (comment?: string) => ({ kind: "table" as const, name: "public.t", definition: "",
 *   attributes: (comment ? { comment } : {}) as Record<string, string> });
 * const plan = new Plan([table("old")], [table()]);
 * planComments(plan);
 * assert.deepEqual(plan.steps[0].sql, ["COMMENT ON TABLE public.t IS '';"]);
 * ```
 */
export function planComments(plan: Plan): void {
  for (const after of plan.to.objects) {
    const comment = after.attributes.comment;
    const fate = plan.fate(after);
    const before = fate === "kept" ? plan.from.get(after.kind, after.name) : undefined;
    if (fate === "kept" && before?.attributes.comment === comment) continue;
    if (fate !== "kept" && comment === undefined) continue;
    const sql = commentLine(after, comment ?? "");
    plan.add({ sql: [sql], rank: RANK.comment, needs: after.name });
  }
}

/**
 * Owners and grants: a grant gone is revoked, a new one granted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planGrants } from "./comments.ts";
 *
 * const table = (grants: string) => ({ kind: "table" as const, name: "public.t", definition: "",
 *   attributes: { grants } });
 * const plan = new Plan([table("GRANT SELECT ON TABLE public.t TO bob;")], [table("")]);
 * planGrants(plan);
 * assert.deepEqual(plan.steps[0].sql, ["REVOKE SELECT ON TABLE public.t FROM bob;"]);
 * ```
 */
export function planGrants(plan: Plan): void {
  for (const after of plan.to.objects) {
    const before = plan.fate(after) === "kept" ? plan.from.get(after.kind, after.name) : undefined;
    const owner = after.attributes.owner;
    if (owner !== undefined && before?.attributes.owner !== owner) {
      plan.add({ sql: [ownerLine(after, owner)], rank: RANK.grant, needs: after.name });
    }
    const lines = (o?: SnapshotObject) => (o?.attributes.grants ?? "").split("\n").filter(Boolean);
    const was = lines(before);
    const now = lines(after);
    // The owner's own privileges are the default when nothing was granted: never revoked.
    const toOwner = (g: string) => owner !== undefined && g.endsWith(` TO ${owner};`);
    const sql = [
      ...was.filter((g) => !now.includes(g) && !toOwner(g)).map(revoke),
      ...now.filter((g) => !was.includes(g) && !toOwner(g)),
    ];
    if (sql.length > 0) plan.add({ sql, rank: RANK.grant, needs: after.name });
  }
}

function revoke(grant: string): string {
  return grant.replace(/^GRANT /, "REVOKE ").replace(
    / TO ([^ ]+)( WITH GRANT OPTION)?;$/,
    " FROM $1;",
  );
}
