/**
 * The options and results of the `Migrator`'s methods.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import type { LedgerLocation } from "./ledger_location.ts";
import type { LockWait } from "./lock.ts";
import type { Migration } from "../files/migration.ts";
import type { PlanDownOptions, PlanStep, PlanUpOptions } from "./plan.ts";
import type { Timeouts } from "./timeouts.ts";
import type { StatementEvent } from "./run_code.ts";

export type { MigrationStatus, StatusEntry } from "./status.ts";
export type {
  AdoptedMigration,
  AdoptOptions,
  AdoptResult,
  AdoptTool,
  ChangedSinceApplied,
  VersionAndName,
} from "./adopt/adopt.ts";

/**
 * Options of the `Migrator`: the database and migrations, plus the ledger's location and the
 * timeouts (each defaulting as in `DEFAULT_LEDGER_LOCATION` and `DEFAULT_TIMEOUTS`).
 */
export interface MigratorOptions extends Partial<LedgerLocation>, Partial<Timeouts> {
  /** The database. The migrator does not close it. */
  driver: Driver;
  /** Migrations on disk, in version order (from `loadMigrations`). */
  migrations: readonly Migration[];
  /** Retries of a migration that hit `lock_timeout`. Default 3. */
  lockRetries?: number;
  /** Who runs it, for the tracking table. Default: `$GITHUB_ACTOR` or `$USER`. */
  actor?: string;
  /**
   * Report each statement to `onProgress` as it completes, with its time (`--verbose`). A
   * transactional SQL migration then runs statement by statement inside its transaction (same
   * transaction and outcome, one round trip per statement) instead of as one message.
   */
  verbose?: boolean;
  /**
   * Progress callback; it also gets the lines a TypeScript migration logs with `ctx.log`
   * (printed with `console.log` when there is no callback).
   */
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Progress of a run: a step starts, finishes with its duration, or is retried; or the run waits
 * for another run's lock (every few seconds, with who holds it); a TypeScript migration logs a
 * line; with `verbose`, a statement of a step completed (its text as sent, and its time).
 */
export type ProgressEvent =
  | { type: "start"; step: PlanStep }
  | { type: "done"; step: PlanStep; durationMs: number }
  | { type: "retry"; step: PlanStep; attempt: number; delayMs: number }
  | ({ type: "lock-wait" } & LockWait)
  | { type: "log"; step: PlanStep; line: string }
  | { type: "statement"; step: PlanStep; sql: string; durationMs: number };

/** A migration acted on. */
export interface StepResult {
  /** Version as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** Applied or rolled back. */
  direction: "up" | "down";
  /** How long it took; 0 in a dry run. */
  durationMs: number;
  /** The rendered SQL it ran (or would run, in a dry run). */
  sql: string;
  /** The file holding its up, as loaded; absent when the file is gone. */
  file?: string;
  /** The file holding its down, when it has one. */
  downFile?: string;
  /** `typescript`: its up and down are code in `file`, run (not shown) by a dry run. */
  code?: "typescript";
  /** Its module, in a run of several modules. */
  module?: string;
  /** With `verbose`: the statements it ran, in order, each with its time. */
  statements?: StatementEvent[];
}

/** What `up`, `down`, `redo`, `reset` did. */
export interface RunResult {
  /** Steps in the order they ran. */
  steps: StepResult[];
  /** True when nothing was run. */
  dryRun: boolean;
}

/** Options of `up`. */
export interface UpOptions extends PlanUpOptions {
  /** Plan only; run nothing. */
  dryRun?: boolean;
  /**
   * Other modules of the same tracking table to apply in the same run, under the same lock, in
   * an order that meets every `requires` (`to` stays this module's).
   */
  modules?: readonly ModuleMigrations[];
}

/** A module's migrations, for a run of several modules. */
export interface ModuleMigrations {
  /** The module, as `--module` names it. */
  module: string;
  /** Its migrations, in version order (from `loadMigrations`). */
  migrations: readonly Migration[];
}

/** Options of `down`. */
export interface DownOptions extends PlanDownOptions {
  /** Plan only; run nothing. */
  dryRun?: boolean;
  /**
   * With `only`: skip the check that, on a PGlite copy of the applied migrations, the down still
   * runs and leaves what later migrations made alone (`UNSAFE_ROLLBACK` otherwise).
   */
  force?: boolean;
}

/** Options of `fresh`. */
export interface FreshOptions {
  /** Plan only: drop and run nothing. */
  dryRun?: boolean;
  /** Other modules of the same tracking table, applied again in the same run (as `up`'s). */
  modules?: readonly ModuleMigrations[];
}

/** What `fresh` did (or would do). */
export interface FreshResult extends RunResult {
  /** The schemas dropped (or that would be), the tracking tables' first. */
  schemas: string[];
}

/** Options of `repair`. */
export interface RepairOptions {
  /** A failed migration whose changes are all in place: mark it applied. */
  markApplied?: string;
  /** A failed migration none of whose changes are in place: forget it. */
  markRolledBack?: string;
}

/** What `repair` changed. */
export interface RepairResult {
  /** Versions whose checksum (and stored down) were re-recorded: their up file was edited. */
  rechecksummed: string[];
  /** Versions whose checksum was right, and whose down, changed since apply, was stored. */
  downsStored: string[];
  /** Versions whose failed state was resolved. */
  resolved: string[];
}
