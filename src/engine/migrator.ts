/**
 * Runs plans: takes the lock, applies each migration and its tracking row in one transaction
 * (unless `no-transaction`), retries lock timeouts, logs every outcome.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import { type AppliedMigration, DEFAULT_LEDGER_LOCATION, Ledger, type LogEntry } from "./ledger.ts";
import { acquireLock, type HeldLock, migrationLockKey } from "./lock.ts";
import { CHECKSUM_ALGORITHM, type Migration } from "../files/migration.ts";
import { planDown, type PlanInput, type PlanStep, planUp } from "./plan.ts";
import { appliedBy } from "./actor.ts";
import { appliedFields, downMigration, logFields, runStep } from "./step.ts";
import { DEFAULT_LOCK_RETRIES, DEFAULT_TIMEOUTS } from "./timeouts.ts";
import { compareVersions } from "../files/version.ts";
import { renderScript } from "../files/templates.ts";
import type {
  DownOptions,
  MigratorOptions,
  RepairOptions,
  RepairResult,
  RunResult,
  StepResult,
  UpOptions,
} from "./migrator_options.ts";
import { type MigrationStatus, migrationStatus } from "./status.ts";

export type * from "./migrator_options.ts";

/**
 * Applies and rolls back migrations on one database.
 *
 * @example Apply everything pending
 * ```ts ignore
 * import { connect, loadMigrations, Migrator } from "@tide/tide";
 *
 * await using driver = await connect("postgres://app@localhost/app");
 * const migrator = new Migrator({ driver, migrations: await loadMigrations("migrations") });
 * const { steps } = await migrator.up();
 * console.log(`applied ${steps.length}`);
 * ```
 */
export class Migrator {
  readonly #options: Required<Omit<MigratorOptions, "onProgress" | "actor">> & MigratorOptions;
  readonly #ledger: Ledger;
  #actor?: string;

  /** A migrator over `options.driver`; nothing runs until a method is called. */
  constructor(options: MigratorOptions) {
    this.#options = {
      ...DEFAULT_LEDGER_LOCATION,
      ...DEFAULT_TIMEOUTS,
      lockRetries: DEFAULT_LOCK_RETRIES,
      ...withoutUndefined(options),
    };
    this.#ledger = new Ledger(options.driver, this.#options);
  }

  /** Applied, pending, missing, edited and failed migrations. Read-only. */
  async status(): Promise<MigrationStatus> {
    return migrationStatus(this.#options.migrations, await this.#ledger.list());
  }

  /** The log of every up, down, baseline and repair, oldest first. Read-only. */
  history(options: { limit?: number } = {}): Promise<LogEntry[]> {
    return this.#ledger.history(options);
  }

  /** Applies pending migrations (up to `to`). */
  up(options: UpOptions = {}): Promise<RunResult> {
    return this.#planAndRun((input) => planUp(input, options), options.dryRun);
  }

  /** Rolls back the last migration, or `count`, down `to` a version, or `all`. */
  down(options: DownOptions = {}): Promise<RunResult> {
    return this.#planAndRun((input) => planDown(input, options), options.dryRun);
  }

  /** Plans against the tracking table and runs the steps under the lock (or only lists them). */
  async #planAndRun(plan: (input: PlanInput) => PlanStep[], dryRun?: boolean): Promise<RunResult> {
    const planned = async () => plan({ ...this.#input(), applied: await this.#ledger.list() });
    if (dryRun) return { dryRun: true, steps: (await planned()).map((s) => this.#dryStep(s)) };
    return await this.#locked(async () => ({
      dryRun: false,
      steps: await this.#runSteps(await planned()),
    }));
  }

  /** Rolls back the last migration and applies it again. */
  async redo(): Promise<RunResult> {
    return await this.#locked(async () => {
      const input = { ...this.#input(), applied: await this.#ledger.list() };
      const [down] = planDown(input, { count: 1 });
      if (!down) return { dryRun: false, steps: [] };
      const done = await this.#runSteps([down]);
      const up = planUp({ ...input, applied: await this.#ledger.list() }, { to: down.version });
      return { dryRun: false, steps: [...done, ...(await this.#runSteps(up))] };
    });
  }

  /** Rolls back everything, then applies everything. */
  async reset(): Promise<RunResult> {
    return await this.#locked(async () => {
      const input = { ...this.#input(), applied: await this.#ledger.list() };
      const done = await this.#runSteps(planDown(input, { all: true }));
      const up = planUp({ ...input, applied: await this.#ledger.list() });
      return { dryRun: false, steps: [...done, ...(await this.#runSteps(up))] };
    });
  }

  /** Records every migration up to `version` as applied without running it. */
  async baseline(version: string): Promise<StepResult[]> {
    if (!this.#options.migrations.some((m) => compareVersions(m.version, version) === 0)) {
      throw new MigrationError(
        "UNKNOWN_VERSION",
        `Cannot baseline at ${version}: no migration file has that version. Run \`tide status\` to list them.`,
        { version },
      );
    }
    return await this.#locked(async () => {
      const applied = new Set((await this.#ledger.list()).map((row) => row.version));
      const chosen = this.#options.migrations.filter((m) =>
        compareVersions(m.version, version) <= 0 && !applied.has(m.version)
      );
      const actor = await this.#whoAmI();
      for (const migration of chosen) {
        await this.#options.driver.transaction(async (tx) => {
          await this.#ledger.recordApplied(
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
      }));
    });
  }

  /** Re-records checksums and stored downs of edited files; resolves a failed migration. */
  async repair(options: RepairOptions = {}): Promise<RepairResult> {
    return await this.#locked(async () => {
      const actor = await this.#whoAmI();
      const applied = await this.#ledger.list();
      const resolved = await this.#resolveFailed(applied, options, actor);
      const byVersion = new Map(this.#options.migrations.map((m) => [m.version, m]));
      const rechecksummed: string[] = [];
      for (const row of applied) {
        const migration = byVersion.get(row.version);
        if (!migration || row.status !== "applied") continue;
        const stored = appliedFields(migration, row.appliedBy);
        if (
          row.checksum === stored.checksum && row.downSql === stored.downSql &&
          row.checksumAlgorithm === CHECKSUM_ALGORITHM
        ) continue;
        await this.#options.driver.transaction(async (tx) => {
          await this.#ledger.rechecksum(tx, row.version, stored);
          await this.#ledger.log(tx, { ...logFields(migration, "repair", actor), durationMs: 0 });
        });
        rechecksummed.push(row.version);
      }
      return { rechecksummed, resolved };
    });
  }

  async #resolveFailed(
    applied: AppliedMigration[],
    options: RepairOptions,
    actor: string,
  ): Promise<string[]> {
    const version = options.markApplied ?? options.markRolledBack;
    if (version === undefined) return [];
    const row = applied.find((r) => r.version === version && r.status === "failed");
    if (!row) {
      throw new MigrationError(
        "UNKNOWN_VERSION",
        `Cannot resolve ${version}: it is not a failed migration. Run \`tide status\` to see which one failed.`,
        { version },
      );
    }
    await this.#options.driver.transaction(async (tx) => {
      if (options.markApplied !== undefined) await this.#ledger.markApplied(tx, version);
      else await this.#ledger.remove(tx, version);
      await this.#ledger.log(tx, {
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

  #input(): { migrations: readonly Migration[] } {
    return { migrations: this.#options.migrations };
  }

  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    const { driver, lockWaitMs } = this.#options;
    const key = migrationLockKey(this.#options);
    let lock: HeldLock | undefined;
    try {
      lock = await acquireLock(driver, key, {
        waitMs: lockWaitMs,
        onWait: (wait) => this.#options.onProgress?.({ type: "lock-wait", ...wait }),
      });
      await this.#ledger.ensure();
      return await fn();
    } finally {
      await lock?.release();
    }
  }

  async #runSteps(steps: readonly PlanStep[]): Promise<StepResult[]> {
    const results: StepResult[] = [];
    const actor = await this.#whoAmI();
    for (const step of steps) {
      this.#options.onProgress?.({ type: "start", step });
      const started = performance.now();
      await runStep({
        ...this.#options,
        ledger: this.#ledger,
        actor,
        onRetry: (attempt, delayMs) =>
          this.#options.onProgress?.({ type: "retry", step, attempt, delayMs }),
      }, step);
      const durationMs = performance.now() - started;
      this.#options.onProgress?.({ type: "done", step, durationMs });
      results.push({ ...this.#dryStep(step), durationMs });
    }
    return results;
  }

  #dryStep(step: PlanStep): StepResult {
    const migration = step.direction === "up" ? step.migration : downMigration(step);
    const script = step.direction === "up" ? migration.up : migration.down;
    return {
      version: step.version,
      name: step.name,
      direction: step.direction,
      durationMs: 0,
      // The SQL as it runs: templates rendered for the ledger's schema.
      sql: script ? renderScript(script, { schema: this.#options.schema }).text : "",
    };
  }

  async #whoAmI(): Promise<string> {
    this.#actor ??= await appliedBy(this.#options.driver, this.#options.actor);
    return this.#actor;
  }
}

/** Drops keys whose value is `undefined`, so an explicit `undefined` means "the default". */
function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}
