/**
 * Runs plans: takes the lock, applies each migration and its tracking row in one transaction
 * (unless `no-transaction`), retries lock timeouts, logs every outcome.
 *
 * Over 300 lines: the `Migrator` is the one class every front end calls, and a third of it is
 * the documentation of its public methods, with their asserting examples. Each method is a few
 * lines over `plan.ts`, `run_steps.ts` (the step loop) and `records.ts`; the lock and the
 * planning they share stay private to it.
 *
 * @module
 */
import { Ledger, type LogEntry } from "./ledger.ts";
import { DEFAULT_LEDGER_LOCATION } from "./ledger_location.ts";
import { acquireLock, type HeldLock, migrationLockKey } from "./lock.ts";
import type { Migration } from "../files/migration.ts";
import {
  planDown,
  type PlanInput,
  type PlanStep,
  planUp,
  requireCount,
  type UpStep,
} from "./plan.ts";
import { orderModules, planModulesUp, refuseRequired } from "./plan_modules.ts";
import { appliedBy } from "./actor.ts";
import { plannedResult, runSteps } from "./run_steps.ts";
import { DEFAULT_LOCK_RETRIES, DEFAULT_TIMEOUTS } from "./timeouts.ts";
import { canonicalVersion, compareVersions, isRepeatableVersion } from "../files/version.ts";
import type {
  DownOptions,
  FreshOptions,
  FreshResult,
  MigratorOptions,
  ModuleMigrations,
  RepairOptions,
  RepairResult,
  RunResult,
  StepResult,
  UpOptions,
} from "./migrator_options.ts";
import {
  byCanonicalVersion,
  type MigrationStatus,
  migrationStatus,
  type StatusEntry,
} from "./status.ts";
import { adopt, type AdoptOptions, type AdoptResult } from "./adopt/adopt.ts";
import { baseline, type RecordContext, repair } from "./records.ts";

export type * from "./migrator_options.ts";

/**
 * Applies and rolls back migrations on one database.
 *
 * @example Apply everything pending
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { Migrator } from "./migrator.ts";
 *
 * const file = (path: string, sql: string) => ({ path, bytes: new TextEncoder().encode(sql) });
 * const migrations = await parseMigrationFiles([
 *   file("001_users.up.sql", "create table users (id int);"),
 *   file("001_users.down.sql", "drop table users;"),
 *   file("002_posts.up.sql", "create table posts (id int);"),
 *   file("002_posts.down.sql", "drop table posts;"),
 * ]);
 * await using driver = await connect("memory://");
 * const migrator = new Migrator({ driver, migrations });
 * assert.deepEqual((await migrator.up()).steps.map((step) => step.version), ["001", "002"]);
 * const { steps } = await migrator.down({ count: 1 });
 * assert.deepEqual(steps.map((step) => `${step.direction} ${step.version}`), ["down 002"]);
 * assert.deepEqual((await migrator.status()).pending.map((m) => m.version), ["002"]);
 * ```
 */
export class Migrator {
  readonly #options:
    & Required<Omit<MigratorOptions, "onProgress" | "actor" | "verbose">>
    & MigratorOptions;
  readonly #ledger: Ledger;
  /** The schema as given: templates are unqualified when none was (as the README says). */
  readonly #templateSchema?: string;
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
    this.#templateSchema = options.schema;
  }

  /** Applied, pending, missing, edited and failed migrations. Read-only. */
  async status(): Promise<MigrationStatus> {
    return migrationStatus(this.#options.migrations, await this.#ledger.list());
  }

  /**
   * Whether `version` is applied (compared as a version: `1` is `001`); a failed one is not.
   * Read-only.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect } from "../drivers/connect.ts";
   * import { parseMigrationFiles } from "../files/load.ts";
   * import { Migrator } from "./migrator.ts";
   *
   * const bytes = new TextEncoder().encode("create table users (id int);");
   * const migrations = await parseMigrationFiles([{ path: "001_users.up.sql", bytes }]);
   * await using driver = await connect("memory://");
   * const migrator = new Migrator({ driver, migrations });
   * assert.equal(await migrator.isApplied("001"), false);
   * await migrator.up();
   * assert.equal(await migrator.isApplied("1"), true);
   * assert.equal((await migrator.current())?.version, "001");
   * assert.deepEqual(await migrator.pending(), []);
   * ```
   */
  async isApplied(version: string): Promise<boolean> {
    const rows = await this.#ledger.list();
    return rows.some((row) =>
      row.status === "applied" && compareVersions(row.version, version) === 0
    );
  }

  /**
   * The newest applied migration (repeatables aside), or `undefined` when none is. Read-only.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect } from "../drivers/connect.ts";
   * import { parseMigrationFiles } from "../files/load.ts";
   * import { Migrator } from "./migrator.ts";
   *
   * const file = (path: string, sql: string) => ({ path, bytes: new TextEncoder().encode(sql) });
   * const migrations = await parseMigrationFiles([
   *   file("001_users.up.sql", "-- Adds users\ncreate table users (id int);"),
   *   file("002_posts.up.sql", "create table posts (id int);"),
   * ]);
   * await using driver = await connect("memory://");
   * const migrator = new Migrator({ driver, migrations });
   * assert.equal(await migrator.current(), undefined);
   * await migrator.up({ to: "001" });
   * const current = await migrator.current();
   * assert.deepEqual([current?.version, current?.description], ["001", "Adds users"]);
   * ```
   */
  async current(): Promise<StatusEntry | undefined> {
    const { applied } = await this.status();
    return applied.filter((entry) => !isRepeatableVersion(entry.version)).at(-1);
  }

  /**
   * The migrations `up` would apply, in order. Read-only.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect } from "../drivers/connect.ts";
   * import { parseMigrationFiles } from "../files/load.ts";
   * import { Migrator } from "./migrator.ts";
   *
   * const file = (path: string, sql: string) => ({ path, bytes: new TextEncoder().encode(sql) });
   * const migrations = await parseMigrationFiles([
   *   file("001_users.up.sql", "create table users (id int);"),
   *   file("002_posts.up.sql", "create table posts (id int);"),
   * ]);
   * await using driver = await connect("memory://");
   * const migrator = new Migrator({ driver, migrations });
   * await migrator.up({ to: "001" });
   * assert.deepEqual((await migrator.pending()).map((m) => m.version), ["002"]);
   * ```
   */
  async pending(): Promise<StatusEntry[]> {
    return (await this.status()).pending;
  }

  /** The log of every up, down, baseline, adopt and repair, oldest first. Read-only. */
  history(options: { limit?: number } = {}): Promise<LogEntry[]> {
    return this.#ledger.history(options);
  }

  /**
   * Applies pending migrations (up to `to`), each only once the other modules' migrations it
   * requires are applied; with `modules`, theirs too, in an order that meets every requirement.
   */
  up(options: UpOptions = {}): Promise<RunResult> {
    if (options.modules !== undefined && options.modules.length > 0) {
      return this.#upModules(options, options.modules);
    }
    return this.#planAndRun(
      (input) => this.#withRequirements(planUp(input, options), input),
      options.dryRun,
    );
  }

  /**
   * Rolls back the last migration, or `count`, down `to` a version, or `all`; never what an
   * applied migration of another module requires. `only` rolls back one older migration, once
   * a PGlite copy shows it safe (see `rollback_check.ts`) or with `force`.
   */
  down(options: DownOptions = {}): Promise<RunResult> {
    return this.#planAndRun(async (input) => {
      const steps = await this.#unrequired(requireCount(planDown(input, options), options.count));
      if (options.only !== undefined && !options.force) await this.#checkOnly(steps[0], input);
      return steps;
    }, options.dryRun);
  }

  /** Refuses `down --only` with `UNSAFE_ROLLBACK` when the copy shows it unsafe. */
  async #checkOnly(step: PlanStep, input: PlanInput): Promise<void> {
    const { checkRollback } = await import("./rollback_check.ts");
    const files = byCanonicalVersion(input.migrations);
    const rows = input.applied.filter((row) => row.status === "applied");
    const fileOf = (version: string) => files.get(canonicalVersion(version));
    await checkRollback({
      version: step.version,
      applied: rows.flatMap((row) => fileOf(row.version) ?? []),
      missing: rows.filter((row) => !fileOf(row.version)).map((row) => row.version),
      schema: this.#options.schema,
      table: this.#options.table,
      migrator: (driver, migrations) =>
        new Migrator({
          ...this.#options,
          schema: this.#templateSchema, // unset stays unset: templates render as in this run
          driver,
          migrations,
          verbose: false,
          onProgress() {},
        }),
    });
  }

  /** `steps` ordered and checked against the requirements they hold on other modules. */
  async #withRequirements(steps: UpStep[], input: PlanInput): Promise<PlanStep[]> {
    if (!steps.some((step) => step.migration.requires?.length)) return steps;
    const module = this.#options.module;
    const own = input.applied.map((row) => ({ ...row, module }));
    const queue = steps.map((step) => ({ ...step, module }));
    // One module keeps its order: this only checks that each requirement is met in time.
    orderModules([queue], [...own, ...(await this.#ledger.otherRows())]);
    return steps;
  }

  /** `steps`, once no other module's applied migration requires one of them. */
  async #unrequired<T extends PlanStep>(steps: T[]): Promise<T[]> {
    if (steps.length === 0) return steps;
    const requiring = await this.#ledger.requiringRows();
    refuseRequired(this.#options.module, steps.map((step) => step.version), requiring);
    return steps;
  }

  /** `up` of this module and `others` in one run, under one lock. */
  async #upModules(
    options: UpOptions,
    others: readonly ModuleMigrations[],
    clear?: Clear,
  ): Promise<RunResult> {
    const { driver, module } = this.#options;
    const runs = [
      { module, migrations: this.#options.migrations, ledger: this.#ledger },
      ...others.map((m) => ({
        module: m.module,
        migrations: m.migrations,
        ledger: new Ledger(driver, { ...this.#options, module: m.module }),
      })),
    ];
    const names = new Set(runs.map((run) => run.module));
    const ledgers = new Map(runs.map((run) => [run.module, run.ledger]));
    const plan = async () => {
      const inputs = await Promise.all(runs.map(async (run) => ({
        module: run.module,
        migrations: run.migrations,
        applied: clear ? [] : await run.ledger.list(),
      })));
      const others = clear ? [] : await this.#ledger.otherRows();
      const elsewhere = others.filter((row) => !names.has(row.module));
      const steps = planModulesUp(inputs, elsewhere, options);
      await clear?.(options.dryRun === true);
      return steps;
    };
    if (options.dryRun) {
      return {
        dryRun: true,
        steps: (await plan()).map((s) => plannedResult(s, this.#templateSchema)),
      };
    }
    return await this.#locked(async (lock, steps) => ({
      dryRun: false,
      steps: await this.#runSteps(
        steps,
        lock,
        (step) => ledgers.get((step.direction === "up" ? step.module : undefined) ?? module)!,
      ),
    }), plan);
  }

  /**
   * Plans against the tracking table and runs the steps under the lock (or only lists them).
   * With `clear` (`fresh`), it plans as if nothing were applied, then runs `clear`.
   */
  async #planAndRun(
    plan: (input: PlanInput) => PlanStep[] | Promise<PlanStep[]>,
    dryRun?: boolean,
    clear?: Clear,
  ): Promise<RunResult> {
    const planned = async () => {
      const applied = clear ? [] : await this.#ledger.list();
      const steps = await plan({ ...this.#input(), applied });
      await clear?.(dryRun === true);
      return steps;
    };
    if (dryRun) {
      return {
        dryRun: true,
        steps: (await planned()).map((s) => plannedResult(s, this.#templateSchema)),
      };
    }
    // Planned before the tracking tables are created: a refused plan leaves nothing behind.
    return await this.#locked(async (lock, steps) => ({
      dryRun: false,
      steps: await this.#runSteps(steps, lock),
    }), planned);
  }

  /** Rolls back the last migration and applies it again. */
  async redo(): Promise<RunResult> {
    return await this.#locked(async (lock) => {
      const input = { ...this.#input(), applied: await this.#ledger.list() };
      const [down] = await this.#unrequired(planDown(input, { count: 1 }));
      if (!down) return { dryRun: false, steps: [] };
      const done = await this.#runSteps([down], lock);
      const up = planUp({ ...input, applied: await this.#ledger.list() }, { to: down.version });
      return { dryRun: false, steps: [...done, ...(await this.#runSteps(up, lock))] };
    });
  }

  /** Rolls back everything, then applies everything. */
  async reset(): Promise<RunResult> {
    return await this.#locked(async (lock) => {
      const input = { ...this.#input(), applied: await this.#ledger.list() };
      const done = await this.#runSteps(
        await this.#unrequired(planDown(input, { all: true })),
        lock,
      );
      const up = planUp({ ...input, applied: await this.#ledger.list() });
      return { dryRun: false, steps: [...done, ...(await this.#runSteps(up, lock))] };
    });
  }

  /**
   * Drops the managed schemas with everything in them (see `managedSchemas`: the tracking
   * tables' schema, created again as it was, and the schemas the ups create), then applies every
   * migration, with `modules` theirs too. For development; needs no down. Refuses
   * (`MISSING_FILE`) when the tracking table holds rows of a module not in the run.
   */
  async fresh(options: FreshOptions = {}): Promise<FreshResult> {
    const { dropSchemas, managedSchemas, refuseOtherModules } = await import("./fresh.ts");
    const modules = options.modules ?? [];
    const all = [this.#options.migrations, ...modules.map((m) => m.migrations)].flat();
    const schemas = managedSchemas(this.#options.schema, all, this.#templateSchema);
    const names = new Set([this.#options.module, ...modules.map((m) => m.module)]);
    const clear: Clear = async (dryRun) => {
      refuseOtherModules(await this.#ledger.otherRows(), names);
      if (dryRun) return;
      await dropSchemas(this.#options.driver, schemas, this.#options.schema);
      await this.#ledger.ensure(); // the tables again, and the ledger forgets the old ones
    };
    const up = { dryRun: options.dryRun, allowOutOfOrder: true };
    const result = modules.length > 0
      ? await this.#upModules({ ...up, modules }, modules, clear)
      : await this.#planAndRun(
        (input) => this.#withRequirements(planUp(input, up), input),
        options.dryRun,
        clear,
      );
    return { ...result, schemas };
  }

  /** Records every migration up to `version` as applied without running it. */
  baseline(version: string): Promise<StepResult[]> {
    return baseline(this.#records(), version);
  }

  /**
   * Records as applied, without running them, the migrations another tool applied, read from
   * its tracking table (which stays as it is); see {@linkcode AdoptOptions}.
   *
   * @example Take over a database that golang-migrate brought to version 1
   * ```ts
   * import assert from "node:assert/strict";
   * import { connect } from "../drivers/connect.ts";
   * import { parseMigrationFiles } from "../files/load.ts";
   * import { Migrator } from "./migrator.ts";
   *
   * const files = { "001_a.up.sql": "CREATE TABLE a ();", "002_b.up.sql": "CREATE TABLE b ();" };
   * const migrations = await parseMigrationFiles(Object.entries(files).map(([path, text]) => ({
   *   path,
   *   bytes: new TextEncoder().encode(text),
   * })));
   * await using driver = await connect("memory://");
   * await driver.exec(`CREATE TABLE a ();
   *   CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
   *   INSERT INTO schema_migrations VALUES (1, false);`);
   * const migrator = new Migrator({ driver, migrations });
   * const { adopted } = await migrator.adopt({ from: "golang-migrate" });
   * assert.deepEqual(adopted.map((m) => m.version), ["001"]);
   * assert.deepEqual((await migrator.status()).pending.map((m) => m.version), ["002"]);
   * ```
   */
  adopt(options: AdoptOptions): Promise<AdoptResult> {
    return adopt(this.#records(), options);
  }

  /**
   * Re-records checksums (and stored downs) of edited files, stores downs changed since they
   * were applied, and resolves a failed migration.
   */
  repair(options: RepairOptions = {}): Promise<RepairResult> {
    return repair(this.#records(), options);
  }

  /** What the commands that only write the ledger need. */
  #records(): RecordContext {
    return {
      driver: this.#options.driver,
      ledger: this.#ledger,
      migrations: this.#options.migrations,
      actor: () => this.#whoAmI(),
      locked: (fn) => this.#locked(fn),
    };
  }

  #input(): { migrations: readonly Migration[] } {
    return { migrations: this.#options.migrations };
  }

  /** Runs `fn` under the lock, the tables created first; `prepare` runs before they are. */
  async #locked<T, P = void>(
    fn: (lock: HeldLock, prepared: P) => Promise<T>,
    prepare?: () => Promise<P>,
  ): Promise<T> {
    const { driver, lockWaitMs } = this.#options;
    const key = migrationLockKey(this.#options);
    let lock: HeldLock | undefined;
    try {
      lock = await acquireLock(driver, key, {
        waitMs: lockWaitMs,
        onWait: (wait) => this.#options.onProgress?.({ type: "lock-wait", ...wait }),
      });
      const prepared = await prepare?.() as P;
      await this.#ledger.ensure();
      return await fn(lock, prepared);
    } finally {
      await lock?.release();
    }
  }

  async #runSteps(
    steps: readonly PlanStep[],
    lock: HeldLock,
    ledgerOf: (step: PlanStep) => Ledger = () => this.#ledger,
  ): Promise<StepResult[]> {
    const actor = await this.#whoAmI();
    const loop = { ...this.#options, templateSchema: this.#templateSchema, actor, ledgerOf };
    return await runSteps(loop, steps, lock);
  }

  async #whoAmI(): Promise<string> {
    this.#actor ??= await appliedBy(this.#options.driver, this.#options.actor);
    return this.#actor;
  }
}

/** Run after planning, under the lock (with `dryRun` in a dry run, not locked): `fresh`'s drop. */
type Clear = (dryRun: boolean) => Promise<void>;

/** Drops keys whose value is `undefined`, so an explicit `undefined` means "the default". */
function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}
