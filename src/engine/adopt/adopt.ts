/**
 * Adopting a database another tool migrated: reads that tool's tracking table and records the
 * same migrations as applied in tide's ledger (today's checksums and down SQL, each logged as
 * `adopt`), in one transaction, under tide's migration lock. Runs no migration, and never
 * writes to the other tool's table.
 *
 * @module
 */
import type { Driver } from "../../drivers/driver.ts";
import { CHECKSUM_ALGORITHM, type Migration } from "../../files/migration.ts";
import type { AppliedMigration, Ledger } from "../ledger.ts";
import { appliedFields, logFields } from "../step.ts";
import { type AdoptedMigration, planAdoption, type VersionAndName } from "./plan.ts";
import { readToolTable } from "./read.ts";
import type { AdoptSource, AdoptTool } from "./source.ts";
import { ADOPT_SOURCES } from "./sources.ts";

export type { AdoptedMigration, VersionAndName } from "./plan.ts";
export { ADOPT_TOOLS, type AdoptTool } from "./source.ts";

/** Options of `Migrator.adopt()`. */
export interface AdoptOptions {
  /** The tool whose tracking table says what is applied. */
  from: AdoptTool;
  /** Its table, `[schema.]table` (sqitch: the registry schema); default: the tool's own. */
  table?: string;
  /** sqitch: the project to adopt, when the registry holds several. */
  project?: string;
  /** Record applied migrations that have no file (as "missing file") instead of refusing. */
  allowMissing?: boolean;
  /** Read both tables and say what would be recorded; write nothing, take no lock. */
  dryRun?: boolean;
}

/** What `Migrator.adopt()` recorded (or would record, in a dry run). */
export interface AdoptResult {
  /** The tool. */
  from: AdoptTool;
  /** Its table, `schema.table`. */
  table: string;
  /** True when nothing was written. */
  dryRun: boolean;
  /** Recorded as applied, in version order. */
  adopted: AdoptedMigration[];
  /** Applied by the tool and already in tide's ledger. */
  alreadyRecorded: VersionAndName[];
  /** In tide's ledger but not applied according to the tool; left as they are. */
  onlyInTide: VersionAndName[];
  /** Applied by the tool without a file or a version to record them by, so not recorded. */
  skipped: string[];
  /**
   * Adopted (or to adopt) whose file changed since the tool applied it, by the tool's own
   * checksum (sqlx, Flyway, Prisma): the database holds the version the tool ran.
   */
  changed: ChangedSinceApplied[];
}

/** An adopted migration whose file is not what the other tool applied, by its checksum. */
export interface ChangedSinceApplied extends VersionAndName {
  /** Its file. */
  file: string;
  /** The checksum the tool recorded when it applied the file. */
  recorded: string;
  /** The same checksum of the file now. */
  now: string;
}

/** What adopting needs from the migrator. */
export interface AdoptContext {
  /** The database. */
  driver: Driver;
  /** tide's ledger on it. */
  ledger: Ledger;
  /** Migrations on disk, in order. */
  migrations: readonly Migration[];
  /** Who runs it, for the ledger. */
  actor(): Promise<string>;
  /** Runs `fn` under the migration lock, the ledger created. */
  locked<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * Records as applied what `options.from` applied. Throws `ADOPT_TABLE_NOT_FOUND`,
 * `ADOPT_INCONSISTENT`, `ADOPT_DIRTY`, `MISSING_FILE` or `ADOPT_CONFLICT` before writing
 * anything.
 *
 * @example A dry run against a dbmate table that lists nothing
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../../drivers/connect.ts";
 * import { Ledger } from "../ledger.ts";
 * import { adopt } from "./adopt.ts";
 *
 * await using driver = await connect("memory://");
 * await driver.exec("CREATE TABLE schema_migrations (version varchar PRIMARY KEY)");
 * const ledger = new Ledger(driver, { schema: "public", table: "tide_migrations", module: "" });
 * const context = {
 *   driver,
 *   ledger,
 *   migrations: [],
 *   actor: () => Promise.resolve("ci"),
 *   locked: <T>(fn: () => Promise<T>) => fn(),
 * };
 * const result = await adopt(context, { from: "dbmate", dryRun: true });
 * assert.deepEqual([result.table, result.adopted], ["public.schema_migrations", []]);
 * ```
 */
export async function adopt(context: AdoptContext, options: AdoptOptions): Promise<AdoptResult> {
  const plan = async () => {
    const source = ADOPT_SOURCES[options.from];
    const tool = await readToolTable(context.driver, source, options.table, options);
    const ledger = await context.ledger.list();
    const { adopt: adopted, ...rest } = planAdoption({
      tool: options.from,
      refs: tool.refs,
      migrations: context.migrations,
      ledger,
      allowMissing: options.allowMissing,
    });
    const changed = changedSinceApplied(source, adopted);
    return { from: options.from, table: tool.table, adopted, ...rest, changed };
  };
  if (options.dryRun) return { ...(await plan()), dryRun: true };
  return await context.locked(async () => {
    const result = await plan();
    if (result.adopted.length > 0) await record(context, result.adopted);
    return { ...result, dryRun: false };
  });
}

/** The adopted migrations whose file no longer has the checksum the tool recorded. */
function changedSinceApplied(
  source: AdoptSource,
  adopted: readonly AdoptedMigration[],
): ChangedSinceApplied[] {
  const checksumsOf = source.checksumsOf;
  if (checksumsOf === undefined) return [];
  return adopted.flatMap((entry) => {
    const { migration, toolChecksum } = entry;
    if (migration === undefined || toolChecksum === undefined) return [];
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(migration.up.path);
    } catch {
      return []; // gone since it was loaded: nothing to compare
    }
    const accepted = checksumsOf(bytes);
    if (accepted.includes(toolChecksum)) return [];
    const now = accepted[0];
    const { version, name } = entry;
    return [{ version, name, file: migration.up.path, recorded: toolChecksum, now }];
  });
}

async function record(context: AdoptContext, adopted: readonly AdoptedMigration[]): Promise<void> {
  const actor = await context.actor();
  await context.driver.transaction(async (tx) => {
    await context.ledger.upgradeLogActions(tx);
    for (const entry of adopted) {
      await context.ledger.recordApplied(
        tx,
        { ...trackingFields(entry, actor), executionTimeMs: 0 },
        { ...logFields(entry, "adopt", actor), durationMs: 0 },
      );
    }
  });
}

/** The tracking row of an adopted migration: its file's, or what is known without one. */
function trackingFields(
  entry: AdoptedMigration,
  actor: string,
): Omit<AppliedMigration, "appliedAt" | "executionTimeMs"> & { appliedAt?: Date } {
  const fields = entry.migration ? appliedFields(entry.migration, actor) : {
    version: entry.version,
    name: entry.name,
    // No file to sum: it shows as "missing file"; a restored file shows as edited until
    // `tide repair` records its checksum.
    checksum: "",
    checksumAlgorithm: CHECKSUM_ALGORITHM,
    status: "applied" as const,
    appliedBy: actor,
    downSql: null,
    downNoTransaction: false,
    error: null,
  };
  return entry.appliedAt ? { ...fields, appliedAt: entry.appliedAt } : fields;
}
