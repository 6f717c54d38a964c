/**
 * The step loop every run of the `Migrator` shares: each planned step run in order under the
 * lock, with its progress events and its result (what ran, from which files, how long).
 *
 * @module
 */
import type { HeldLock } from "./lock.ts";
import type { Ledger } from "./ledger.ts";
import { migrationFiles } from "../files/migration.ts";
import { renderScript } from "../files/templates.ts";
import { migrationLabel } from "../files/version.ts";
import type { MigratorOptions, StepResult } from "./migrator_options.ts";
import type { PlanStep } from "./plan.ts";
import type { StatementEvent } from "./run_code.ts";
import { downMigration, runStep, type StepContext } from "./step.ts";

/** What the steps of one run share. */
export interface StepLoop
  extends
    Omit<StepContext, "ledger" | "lock" | "onRetry" | "onStatement" | "log">,
    Pick<MigratorOptions, "onProgress" | "verbose"> {
  /** The ledger a step records itself in (the module's own, in a run of several modules). */
  ledgerOf: (step: PlanStep) => Ledger;
}

/**
 * Runs `steps` in order under `lock`, telling `loop.onProgress` of each start, retry,
 * statement (with `verbose`), log line and end; their results. Stops at the first failure.
 *
 * @example
 * ```ts ignore
 * const results = await runSteps({ ...stepOptions, ledgerOf: () => ledger }, steps, lock);
 * ```
 */
export async function runSteps(
  loop: StepLoop,
  steps: readonly PlanStep[],
  lock: HeldLock,
): Promise<StepResult[]> {
  const { onProgress, verbose } = loop;
  const results: StepResult[] = [];
  for (const step of steps) {
    onProgress?.({ type: "start", step });
    const started = performance.now();
    const statements: StatementEvent[] = [];
    await runStep({
      ...loop,
      ledger: loop.ledgerOf(step),
      lock,
      onRetry: (attempt, delayMs) => {
        statements.length = 0; // the attempt was rolled back: its statements did not stay
        onProgress?.({ type: "retry", step, attempt, delayMs });
      },
      onStatement: verbose
        ? (event) => {
          statements.push(event);
          onProgress?.({ type: "statement", step, ...event });
        }
        : undefined,
      log: (line) =>
        onProgress
          ? onProgress({ type: "log", step, line })
          : console.log(`${migrationLabel(step)}: ${line}`),
    }, step);
    const durationMs = performance.now() - started;
    onProgress?.({ type: "done", step, durationMs });
    results.push({
      ...plannedResult(step, loop.templateSchema),
      durationMs,
      ...verbose ? { statements } : {},
    });
  }
  return results;
}

/**
 * The result of `step` before it runs (a dry run's): its rendered SQL, files, code and module.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plannedResult } from "./run_steps.ts";
 *
 * const up = { path: "001_a.up.sql", sql: "CREATE TABLE {{schema}}.a ();", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "c" };
 * const result = plannedResult({ direction: "up", version: "001", name: "a", migration }, "app");
 * assert.equal(result.sql, 'CREATE TABLE "app".a ();');
 * assert.equal(result.file, "001_a.up.sql");
 * ```
 */
export function plannedResult(step: PlanStep, templateSchema?: string): StepResult {
  const migration = step.direction === "up" ? step.migration : downMigration(step);
  const script = step.direction === "up" ? migration.up : migration.down;
  return {
    version: step.version,
    name: step.name,
    direction: step.direction,
    durationMs: 0,
    sql: script === undefined ? "" : renderScript(script, { schema: templateSchema }).text,
    ...migrationFiles(step.migration),
    ...(migration.code === undefined ? {} : { code: migration.code }),
    ...(step.direction === "up" && step.module !== undefined ? { module: step.module } : {}),
  };
}
