/**
 * Flyway's `flyway_schema_history`, one row per run in `installed_rank` order: versioned
 * migrations by `version`, repeatables (no version) by `description`, the latest run of each
 * deciding. A `BASELINE` row counts every migration up to its version as applied; `DELETE` and
 * undo (`UNDO_SQL`, ...) rows take theirs back; `SCHEMA` rows are Flyway's own. Any row with
 * `success = false` is a failure to resolve first. Another table: `flyway.table`, in
 * `flyway.defaultSchema` (or the first of `flyway.schemas`).
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { type AdoptSource, type AppliedRef, dirty } from "./source.ts";
import { flywayChecksum } from "./tool_checksums.ts";

/** A row of Flyway's table. */
export interface FlywayRow {
  /** `installed_rank`. */
  rank: number;
  /** `version`; `null` for a repeatable. */
  version: string | null;
  /** `description`. */
  description: string;
  /** `type`: `SQL`, `BASELINE`, `UNDO_SQL`, `DELETE`, `SCHEMA`, ... */
  type: string;
  /** `script`. */
  script: string;
  /** `success`. */
  success: boolean;
  /** `installed_on`. */
  appliedAt: Date | null;
  /** `checksum`: the CRC-32 of an `SQL` row's file; `null` for Java migrations and baselines. */
  checksum?: string | null;
  [column: string]: unknown;
}

/**
 * The reader of Flyway's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./flyway.ts";
 *
 * const row = { description: "d", script: "V2__d.sql", success: true, appliedAt: null };
 * const refs = source.interpret([
 *   { ...row, rank: 1, version: "1", type: "BASELINE", script: "<< Flyway Baseline >>" },
 *   { ...row, rank: 2, version: "2", type: "SQL" },
 * ], {});
 * assert.deepEqual(refs.map((ref) => ref.by), ["through", "version"]);
 * ```
 */
export const source: AdoptSource<FlywayRow> = {
  tool: "flyway",
  defaultTable: "flyway_schema_history",
  tableOption: "flyway.table (in flyway.defaultSchema)",
  columns: ["installed_rank", "version", "description", "type", "script", "checksum", "success"],
  select(table: Sql): Sql {
    return sql`SELECT installed_rank AS rank, version::text AS version, description, type, script,
      success, installed_on::timestamptz AS "appliedAt", checksum::text AS checksum
      FROM ${table} ORDER BY installed_rank`;
  },
  interpret(rows): AppliedRef[] {
    const failed = rows.filter((row) => !row.success);
    if (failed.length > 0) {
      const list = failed.map((row) => `${row.script} (rank ${row.rank})`).join(", ");
      throw dirty(
        "flyway",
        `failed migrations: ${list}`,
        "Finish or undo each by hand, then run `flyway repair` to remove the failed rows.",
      );
    }
    const applied = new Map<string, AppliedRef>();
    let baseline: FlywayRow | undefined;
    for (const row of rows) {
      const key = row.version === null ? `R:${row.description}` : `V:${row.version}`;
      if (row.type === "SCHEMA") continue;
      if (row.type === "BASELINE") baseline = row;
      else if (row.type === "DELETE" || row.type.startsWith("UNDO_")) applied.delete(key);
      else applied.set(key, flywayRef(row));
    }
    const through: AppliedRef[] = baseline?.version
      ? [{ by: "through", version: baseline.version, label: baseline.version, fileRequired: false }]
      : [];
    return [...through, ...applied.values()];
  },
  checksumsOf: (bytes) => [flywayChecksum(bytes)],
};

function flywayRef(row: FlywayRow): AppliedRef {
  const when = {
    ...(row.appliedAt ? { appliedAt: row.appliedAt } : {}),
    // Only an SQL script's is its file's: a Java migration's is whatever its class returns.
    ...(row.type === "SQL" && typeof row.checksum === "string" ? { checksum: row.checksum } : {}),
  };
  return row.version === null
    ? { by: "name", name: row.description, label: row.script, ...when }
    : { by: "version", version: row.version, name: row.description, label: row.script, ...when };
}
