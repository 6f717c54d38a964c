/**
 * A watcher of the first up of each verified migration: `tide lint` measures what a migration
 * does (locks, rewrites, scans) in the same pass as verification, through this one hook.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import type { StatementHook } from "../engine/run_script.ts";
import type { Migration } from "../files/migration.ts";

/** Applies a migration's up as verification does, each statement through `eachStatement`. */
export type ApplyUp = (eachStatement?: StatementHook) => Promise<void>;

/** Watches the first up of each verified migration. */
export interface StepObserver {
  /**
   * Applies `migration` on `db` by calling `up` (again, after undoing its own preparations, when
   * they made the up fail). Resolves once the up is applied; rejects with the up's error.
   */
  observeUp(db: Driver, migration: Migration, up: ApplyUp): Promise<void>;
}
