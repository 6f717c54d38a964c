/**
 * Schemas and extensions, the first created and the last dropped.
 *
 * @module
 */
import { names, type Plan } from "./context.ts";
import { RANK } from "./step.ts";

/**
 * Schemas and extensions dropped, created, and extensions moved to another schema.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planSchemas } from "./schemas.ts";
 *
 * const plan = new Plan([], [{ kind: "schema", name: "app", definition: "", attributes: {} }]);
 * planSchemas(plan);
 * assert.deepEqual(plan.steps[0].sql, ["CREATE SCHEMA app;"]);
 * ```
 */
export function planSchemas(plan: Plan): void {
  for (const before of plan.from.ofKind("schema")) {
    if (plan.to.has(before)) continue;
    plan.add({
      sql: [`DROP SCHEMA ${before.name};`],
      rank: RANK.dropSchema,
      drops: [before.name],
    });
  }
  for (const after of plan.to.ofKind("schema")) {
    if (plan.from.has(after)) continue;
    plan.add({
      sql: [`CREATE SCHEMA ${after.name};`],
      rank: RANK.createSchema,
      creates: [after.name],
    });
  }
  for (const before of plan.from.ofKind("extension")) {
    const after = plan.to.get("extension", before.name);
    if (after === undefined) {
      plan.add({
        sql: [`DROP EXTENSION ${before.name};`],
        rank: RANK.dropExtension,
        drops: names(before.name),
        frees: before.attributes.schema,
      });
    } else if (after.attributes.schema !== before.attributes.schema) {
      const sql = `ALTER EXTENSION ${after.name} SET SCHEMA ${after.attributes.schema};`;
      plan.add({ sql: [sql], rank: RANK.createExtension, needs: sql });
    }
  }
  for (const after of plan.to.ofKind("extension")) {
    if (plan.from.has(after)) continue;
    const sql =
      `CREATE EXTENSION IF NOT EXISTS ${after.name} WITH SCHEMA ${after.attributes.schema};`;
    plan.add({ sql: [sql], rank: RANK.createExtension, creates: names(after.name), needs: sql });
  }
}
