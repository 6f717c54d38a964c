/**
 * sqitch's registry, schema `sqitch`: `changes` holds one row per deployed change of each
 * project (a revert deletes it; `events` keeps the history), matched by change name. Another
 * registry: sqitch's `--registry` (give the schema to `--from-table`); another project than the
 * only one: `--from-project` (the `%project` of `sqitch.plan`).
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { MigrationError } from "../../errors.ts";
import type { AdoptSource, AppliedRef } from "./source.ts";

/** A row of sqitch's `changes`. */
export interface SqitchRow {
  /** `change`: its name in the plan. */
  change: string;
  /** `project`. */
  project: string;
  /** `committed_at`. */
  appliedAt: Date | null;
  [column: string]: unknown;
}

/**
 * The reader of sqitch's registry.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./sqitch.ts";
 *
 * const refs = source.interpret([{ change: "users", project: "flipr", appliedAt: null }], {});
 * assert.deepEqual(refs, [{ by: "name", name: "users", label: "users" }]);
 * ```
 */
export const source: AdoptSource<SqitchRow> = {
  tool: "sqitch",
  defaultTable: "sqitch",
  tableOption: "sqitch's --registry (the registry schema)",
  relation: (registry) => `${registry}.changes`,
  columns: ["change_id", "change", "project", "committed_at"],
  select(table: Sql): Sql {
    return sql`SELECT change, project, committed_at::timestamptz AS "appliedAt" FROM ${table}
      ORDER BY committed_at`;
  },
  interpret(rows, options): AppliedRef[] {
    if (rows.length === 0) return [];
    const projects = [...new Set(rows.map((row) => row.project))].sort();
    const project = options.project ?? (projects.length > 1 ? undefined : projects[0]);
    if (project === undefined || !projects.includes(project)) {
      throw new MigrationError(
        "ADOPT_INCONSISTENT",
        `Cannot adopt from sqitch: ${
          options.project === undefined
            ? "its registry holds several projects"
            : `its registry has no deployed change of project "${project}"`
        } (${projects.join(", ")}). Pass --from-project NAME, the %project of your sqitch.plan.`,
      );
    }
    return rows.filter((row) => row.project === project).map((row) => ({
      by: "name",
      name: row.change,
      label: row.change,
      ...(row.appliedAt ? { appliedAt: row.appliedAt } : {}),
    }));
  },
};
