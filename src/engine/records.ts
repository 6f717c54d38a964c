/**
 * The commands that write only the ledger and run no migration: `baseline` and `repair`.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import { CHECKSUM_ALGORITHM, type Migration, migrationFiles } from "../files/migration.ts";
import {
  canonicalVersion,
  compareVersions,
  isValidVersion,
  migrationLabel,
} from "../files/version.ts";
import type { AppliedMigration, Ledger } from "./ledger.ts";
import type { HeldLock } from "./lock.ts";
import type { RepairOptions, RepairResult, StepResult } from "./migrator_options.ts";
import { byCanonicalVersion, downChanged } from "./status.ts";
import { appliedFields, logFields } from "./step.ts";

/** What these commands need from the migrator. */
export interface RecordContext {
  /** The database. */
  driver: Driver;
  /** tide's ledger on it. */
  ledger: Ledger;
  /** Migrations on disk, in order. */
  migrations: readonly Migration[];
  /** Who runs it, for the ledger. */
  actor(): Promise<string>;
  /** Runs `fn` under the migration lock, the ledger created. */
  locked<T>(fn: (lock: HeldLock) => Promise<T>): Promise<T>;
}

/** Records every migration up to `version` as applied without running it. */
export async function baseline(ctx: RecordContext, version: string): Promise<StepResult[]> {
  if (!ctx.migrations.some((m) => compareVersions(m.version, version) === 0)) {
    throw new MigrationError(
      "UNKNOWN_VERSION",
      `Cannot baseline at ${version}: no migration file has that version. Run \`tide status\` to list them.`,
      { version },
    );
  }
  return await ctx.locked(async (lock) => {
    const applied = byCanonicalVersion(await ctx.ledger.list());
    const chosen = ctx.migrations.filter((m) =>
      compareVersions(m.version, version) <= 0 && !applied.has(canonicalVersion(m.version))
    );
    const actor = await ctx.actor();
    for (const migration of chosen) {
      await lock.assertHeld(`recording ${migrationLabel(migration)}`);
      await ctx.driver.transaction(async (tx) => {
        await ctx.ledger.recordApplied(
          tx,
          { ...appliedFields(migration, actor), executionTimeMs: 0 },
          { ...logFields(migration, "baseline", actor), durationMs: 0 },
        );
      });
    }
    return chosen.map((m) => ({
      version: m.version,
      name: m.name,
      direction: "up" as const,
      durationMs: 0,
      sql: "",
      ...migrationFiles(m),
    }));
  });
}

/**
 * Re-records checksums (and stored downs) of edited files, stores downs changed since they
 * were applied, and resolves a failed migration.
 */
export async function repair(ctx: RecordContext, options: RepairOptions): Promise<RepairResult> {
  return await ctx.locked(async () => {
    const actor = await ctx.actor();
    const applied = await ctx.ledger.list();
    const resolved = await resolveFailed(ctx, applied, options, actor);
    const byVersion = byCanonicalVersion(ctx.migrations);
    const rechecksummed: string[] = [];
    const downsStored: string[] = [];
    for (const row of applied) {
      const migration = byVersion.get(canonicalVersion(row.version));
      if (!migration || row.status !== "applied") continue;
      const stored = appliedFields(migration, row.appliedBy);
      const checksumRight = row.checksum === stored.checksum &&
        row.checksumAlgorithm === CHECKSUM_ALGORITHM;
      if (checksumRight && !downChanged(migration, row)) continue;
      await ctx.driver.transaction(async (tx) => {
        await ctx.ledger.rechecksum(tx, row.version, stored);
        await ctx.ledger.log(tx, { ...logFields(migration, "repair", actor), durationMs: 0 });
      });
      (checksumRight ? downsStored : rechecksummed).push(row.version);
    }
    return { rechecksummed, downsStored, resolved };
  });
}

async function resolveFailed(
  ctx: RecordContext,
  applied: AppliedMigration[],
  options: RepairOptions,
  actor: string,
): Promise<string[]> {
  const version = options.markApplied ?? options.markRolledBack;
  if (version === undefined) return [];
  const row = applied.find((r) =>
    r.status === "failed" && isValidVersion(version) === isValidVersion(r.version) &&
    (r.version === version || compareVersions(r.version, version) === 0)
  );
  if (!row) {
    throw new MigrationError(
      "UNKNOWN_VERSION",
      `Cannot resolve ${version}: it is not a failed migration. Run \`tide status\` to see which one failed.`,
      { version },
    );
  }
  await ctx.driver.transaction(async (tx) => {
    if (options.markApplied !== undefined) await ctx.ledger.markApplied(tx, row.version);
    else await ctx.ledger.remove(tx, row.version);
    await ctx.ledger.log(tx, {
      ...row,
      action: "repair",
      outcome: "success",
      error: null,
      durationMs: 0,
      performedBy: actor,
    });
  });
  return [version];
}
