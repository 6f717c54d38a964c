/**
 * The generator: two schema snapshots in, the ordered DDL that turns the first into the
 * second out, with what it cannot do (or does at the cost of data) in words.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { planTableChildren } from "./children.ts";
import { planComments, planGrants } from "./comments.ts";
import { Plan } from "./context.ts";
import { formatSteps, type TemplateNames } from "./format.ts";
import { orderSteps } from "./order.ts";
import { findRebuilds, planRebuilds, withoutRebuilt } from "./rebuild.ts";
import { findRenames } from "./renames.ts";
import { planRoutines } from "./routines.ts";
import { planSchemas } from "./schemas.ts";
import { planSequences } from "./sequences.ts";
import type { Note } from "./step.ts";
import { planTables } from "./tables.ts";
import { planTypes } from "./types.ts";
import { planViews } from "./views.ts";

export type { Note } from "./step.ts";
export type { TemplateNames } from "./format.ts";

/** Options of {@linkcode generateSql}. */
export interface GenerateOptions {
  /** Also owners and grants (the snapshots must have been taken with them). Default false. */
  grants?: boolean;
  /**
   * Write names under `schema` as `{{schema}}` / `{{tables.x}}` templates; `tables` are the
   * tables' qualified names (by default those of `from` and `to`).
   */
  templates?: { schema: string; tables?: Iterable<string> };
}

/** Generated SQL and what it cannot do. */
export interface GeneratedSql {
  /** The statements, formatted; empty when the two schemas are the same. */
  sql: string;
  /** What the SQL cannot reach (`irreversible`), or reaches at a cost. */
  notes: Note[];
  /** True when an `irreversible` note says the SQL cannot reach the target. */
  blocked: boolean;
}

/**
 * The SQL that turns the schema of `from` into the schema of `to`: renames first found as
 * such, dependents dropped before what they depend on and created after it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateSql } from "./generate.ts";
 *
 * const column = { kind: "column" as const, name: "public.t.note", parent: "public.t",
 *   definition: "note text", attributes: { type: "text" } };
 * const table = (columns: string) => ({ kind: "table" as const, name: "public.t", definition: "",
 *   attributes: { columns } });
 * const id = { ...column, name: "public.t.id", definition: "id integer", attributes: { type: "integer" } };
 * const { sql } = generateSql([table("id, note"), id, column], [table("id"), id]);
 * assert.equal(sql, "ALTER TABLE public.t DROP COLUMN note;\n");
 * ```
 */
export function generateSql(
  from: readonly SnapshotObject[],
  to: readonly SnapshotObject[],
  options: GenerateOptions = {},
): GeneratedSql {
  const renamed = findRenames(from, to);
  const rebuilt = findRebuilds(renamed.from, to);
  const plan = new Plan(withoutRebuilt(renamed.from, rebuilt), to);
  for (const step of renamed.steps) plan.add(step);
  planRebuilds(plan, renamed.from, rebuilt);
  planSchemas(plan);
  planTypes(plan);
  planRoutines(plan);
  planSequences(plan);
  planTables(plan);
  planViews(plan);
  planTableChildren(plan);
  planComments(plan);
  if (options.grants) planGrants(plan);
  const names = options.templates && templateNames(options.templates, [...from, ...to]);
  return {
    sql: formatSteps(orderSteps(plan.steps), names),
    notes: plan.notes,
    blocked: plan.notes.some((note) => note.kind === "irreversible"),
  };
}

function templateNames(
  { schema, tables: given }: { schema: string; tables?: Iterable<string> },
  objects: readonly SnapshotObject[],
): TemplateNames {
  const tables = given ? [...given] : objects.filter((o) => o.kind === "table").map((o) => o.name);
  const quoted = /^[a-z_][a-z0-9_$]*$/.test(schema) ? schema : `"${schema.replaceAll('"', '""')}"`;
  return { schema: quoted, tables: new Set(tables) };
}
