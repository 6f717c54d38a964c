/**
 * Prisma's `_prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at,
 * started_at, applied_steps_count)`: one row per attempt, `migration_name` the migration's folder
 * name. An attempt with `finished_at` and no `rolled_back_at` applied it; one with neither failed
 * and blocks `prisma migrate deploy` until resolved; one with `rolled_back_at` was resolved as
 * rolled back (`prisma migrate resolve --rolled-back`) and counts for nothing. The table is
 * always `_prisma_migrations`, in the schema of the URL's `schema` parameter.
 *
 * @module
 */
import { type Sql, sql } from "../../sql/render.ts";
import { type AdoptSource, type AppliedRef, dirty, namedRef } from "./source.ts";
import { prismaChecksums } from "./tool_checksums.ts";

/** A row of Prisma's table. */
export interface PrismaRow {
  /** `migration_name`: the folder name. */
  name: string;
  /** `finished_at`. */
  finishedAt: Date | null;
  /** `rolled_back_at IS NOT NULL`. */
  rolledBack: boolean;
  /** `logs`: the error of a failed attempt. */
  logs: string | null;
  /** `checksum`: SHA-256 of `migration.sql`, in hex. */
  checksum?: string | null;
  [column: string]: unknown;
}

/**
 * The reader of Prisma's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { source } from "./prisma.ts";
 *
 * const attempt = { name: "20240110090000_init", logs: null };
 * const refs = source.interpret([
 *   { ...attempt, finishedAt: null, rolledBack: true },
 *   { ...attempt, finishedAt: new Date(), rolledBack: false },
 * ], {});
 * assert.deepEqual(refs.map((ref) => ref.label), ["20240110090000_init"]);
 * ```
 */
export const source: AdoptSource<PrismaRow> = {
  tool: "prisma",
  defaultTable: "_prisma_migrations",
  tableOption: "the schema parameter of Prisma's URL (as schema._prisma_migrations)",
  columns: ["migration_name", "checksum", "finished_at", "rolled_back_at", "logs", "started_at"],
  select(table: Sql): Sql {
    return sql`SELECT migration_name AS name, finished_at::timestamptz AS "finishedAt",
      rolled_back_at IS NOT NULL AS "rolledBack", logs, checksum FROM ${table} ORDER BY started_at`;
  },
  interpret(rows): AppliedRef[] {
    const failed = rows.filter((row) => row.finishedAt === null && !row.rolledBack);
    if (failed.length > 0) {
      const names = failed.map((row) => row.name);
      throw dirty(
        "prisma",
        `failed migrations ${names.join(", ")}${firstLine(failed[0].logs)}`,
        "Finish or undo each by hand, then run `prisma migrate resolve --applied NAME` (all of " +
          "it is in place) or `--rolled-back NAME` (none of it is).",
      );
    }
    const applied = new Map<string, AppliedRef>();
    for (const row of rows) {
      if (row.finishedAt !== null && !row.rolledBack) {
        const ref = namedRef(row.name, row.finishedAt);
        applied.set(row.name, row.checksum ? { ...ref, checksum: row.checksum } : ref);
      }
    }
    return [...applied.values()];
  },
  checksumsOf: prismaChecksums,
};

function firstLine(logs: string | null): string {
  const line = logs?.trim().split("\n")[0];
  return line ? ` (${line})` : "";
}
