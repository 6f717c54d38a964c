/**
 * The part of tide the GitHub Action calls, as one injected object so tests can fake it.
 *
 * @module
 */
import type { MigrateOptions } from "../engine/migrate.ts";
import type { ModuleMigrations } from "../engine/migrator_options.ts";
import type { LoadOptions, ModuleDir } from "../files/load.ts";
import type { Migration } from "../files/migration.ts";
import type { StepObserver } from "../verify/observer.ts";
import type { VerifyReport } from "../verify/report.ts";
import type { VerifySetup } from "../verify/round_trip.ts";

/** A migration file's path and raw bytes, as read from git. */
export interface MigrationFileBytes {
  /** Path of the file, joined to the migrations directory like `loadMigrations` does. */
  path: string;
  /** Raw content. */
  bytes: Uint8Array;
}

/** Options of {@linkcode ActionEngine.verifyMigrations}. */
export interface EngineVerifyOptions {
  /** The whole set, in any order. */
  migrations: readonly Migration[];
  /** Apply every migration below this version first and verify from it on. */
  from?: string;
  /** Schema to snapshot. */
  schema?: string;
  /** Watches each first up: `tide lint`'s measuring session, so one pass serves both. */
  observer?: StepObserver;
  /** SQL run before the first migration (roles, extensions, a runner's tracking table). */
  setup?: VerifySetup;
  /** The module the migrations belong to, as requirements name it. */
  module?: string;
  /** Other modules: what the verified migrations require of them is applied first, unverified. */
  modules?: readonly ModuleMigrations[];
  /** Fail a data-only migration with no down (config `verify.strictData`). */
  strictData?: boolean;
  /** Accept columns re-added at the end of their table (config `verify.ignoreColumnOrder`). */
  ignoreColumnOrder?: boolean;
}

/** Options of {@linkcode ActionEngine.migrate}: those of `migrate()`, with URL and dir required. */
export type EngineMigrateOptions = MigrateOptions & {
  /** Target database. Holds a password: never print it. */
  databaseUrl: string;
  /** Absolute migrations directory. */
  dir: string;
};

/** One migration {@linkcode ActionEngine.plan} found pending. */
export interface PendingStep {
  /** Version exactly as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** The SQL `apply` would run, templates rendered. */
  sql: string;
  /** Its module, in a run of several (the config's `modules`). */
  module?: string;
}

/** What `apply` would do: the pending migrations, and whether the database is untracked. */
export interface PendingPlan {
  /** Migrations `apply` would run, in order. */
  pending: PendingStep[];
  /** Tables of the schema when the tracking table is missing (see `untrackedTables`). */
  untracked: string[];
}

/** One migration applied by {@linkcode ActionEngine.migrate}. */
export interface AppliedStep {
  /** Version exactly as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** Time spent applying it, in milliseconds. */
  durationMs: number;
  /** Its module, in a run of several (the config's `modules`). */
  module?: string;
}

/** Options of {@linkcode ActionEngine.drift}. */
export interface EngineDriftOptions {
  /** The live database. Holds a password: never print it. */
  databaseUrl: string;
  /** Absolute migrations directory. */
  dir: string;
  /** How to read it: its format and what the format uses, as the config says. */
  load?: LoadOptions;
  /** Schema of tide's tracking table. */
  schema?: string;
  /** tide's tracking table, when the config names another. */
  table?: string;
  /** Every other module of the config: their applied migrations are part of the schema too. */
  modules?: readonly ModuleDir[];
  /** Module the migrations belong to. */
  module?: string;
}

/** What {@linkcode ActionEngine.drift} found. */
export interface EngineDrift {
  /** True when the live schema differs from the one its applied migrations build. */
  drifted: boolean;
  /** Each difference in words. */
  changes: string[];
  /** SQL that brings the live schema back to the migrations'. */
  sql: string;
}

/** A generated down, as the PR comment offers it. */
export interface EngineGeneratedDown {
  /** Version exactly as written in the file name. */
  version: string;
  /** `proven` only when its round trip passed. */
  status: "proven" | "irreversible" | "failed";
  /** Why it is not proven, or what it cannot give back. */
  reason?: string;
  /** The SQL. */
  sql: string;
}

/**
 * What the action needs from tide.
 *
 * @example A fake for tests
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ActionEngine } from "./engine.ts";
 *
 * const engine: Pick<ActionEngine, "compareVersions"> = {
 *   compareVersions: (a, b) => Number(a) - Number(b),
 * };
 * assert.ok(engine.compareVersions("001", "002") < 0);
 * ```
 */
export interface ActionEngine {
  /** Reads and validates every migration of a directory; throws `MigrationError`. */
  loadMigrations(dir: string, options?: LoadOptions): Promise<Migration[]>;
  /** Same as `loadMigrations` for files that are not on disk (read from git). */
  parseMigrationFiles(
    files: readonly MigrationFileBytes[],
    options?: LoadOptions & { dir?: string },
  ): Promise<Migration[]>;
  /** Orders two versions: negative, zero or positive. */
  compareVersions(a: string, b: string): number;
  /** Runs up -> down -> up on PGlite for each migration from `from` on. */
  verifyMigrations(options: EngineVerifyOptions): Promise<VerifyReport>;
  /** Lists what `migrate` would apply, running nothing. */
  plan(options: EngineMigrateOptions): Promise<PendingPlan>;
  /** Applies pending migrations to a database. */
  migrate(options: EngineMigrateOptions): Promise<{ steps: AppliedStep[] }>;
  /** Compares a live database with the schema of its applied migrations (drift mode). */
  drift?(options: EngineDriftOptions): Promise<EngineDrift>;
  /** Generates and proves the downs of `versions`, applying the migrations before them. */
  generateDowns?(
    options: EngineVerifyOptions & { versions: readonly string[] },
  ): Promise<EngineGeneratedDown[]>;
}

/**
 * The engine of this repository (`mod.ts`), imported lazily so that the action's start-up and
 * its tests with a fake engine do not load PGlite and postgres.js.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realEngine } from "./engine.ts";
 *
 * const engine = await realEngine(); // loads mod.ts only now
 * assert.ok(engine.compareVersions("2", "10") < 0);
 * ```
 */
export async function realEngine(): Promise<ActionEngine> {
  const [tide, { untrackedTables }, { loadModules }] = await Promise.all([
    import("../../mod.ts"),
    import("../engine/untracked.ts"),
    import("../files/load.ts"),
  ]);
  return {
    loadMigrations: tide.loadMigrations,
    parseMigrationFiles: tide.parseMigrationFiles,
    compareVersions: tide.compareVersions,
    verifyMigrations: tide.verifyMigrations,
    async plan(options) {
      // Read and connected as `migrate` does, so the plan is what apply then runs.
      const { databaseUrl, dir, load, allowOutOfOrder, modules: dirs = [], ...migratorOptions } =
        options;
      const migrations = await tide.loadMigrations(dir, load);
      const modules = await loadModules(dirs, load);
      await using driver = await tide.connect(databaseUrl, {
        networkTimeoutMs: migratorOptions.networkTimeoutMs,
      });
      const untracked = await untrackedTables(driver, migratorOptions);
      const migrator = new tide.Migrator({ ...migratorOptions, driver, migrations });
      const { steps } = await migrator.up({
        dryRun: true,
        allowOutOfOrder,
        ...(modules.length > 0 ? { modules } : {}),
      });
      return {
        pending: steps.map(({ version, name, sql, module }) => ({
          version,
          name,
          sql,
          ...(modules.length > 0 && module !== undefined ? { module } : {}),
        })),
        untracked,
      };
    },
    migrate: tide.migrate,
    drift: async (options) => {
      const { findDrift } = await import("../generate/drift.ts");
      await using driver = await tide.connect(options.databaseUrl);
      const migrations = await tide.loadMigrations(options.dir, options.load);
      const modules = await loadModules(options.modules ?? [], options.load);
      const found = await findDrift(driver, migrations, {
        ...(options.schema === undefined ? {} : { schema: options.schema }),
        ...(options.table === undefined ? {} : { table: options.table }),
        ...(options.module === undefined ? {} : { module: options.module }),
      }, modules);
      const changes = found.changes.map((change) => change.description);
      return { drifted: found.drifted, changes, sql: found.reconcile.sql };
    },
    generateDowns: async (options) => {
      const { generateDowns } = await import("../generate/down.ts");
      return await generateDowns(options);
    },
  };
}
