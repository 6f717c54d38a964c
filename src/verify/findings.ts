/**
 * A verdict under construction: the problems found while one migration went up, down and up
 * again, and the comparison of two schema snapshots in the words of the step that went wrong.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import type { DiffOptions, SchemaChange } from "../schema/diff.ts";
import {
  diffIncremental,
  type IncrementalSnapshot,
  snapshotOf,
} from "../schema/snapshot_incremental.ts";
import { textDiff } from "../schema/text_diff.ts";
import type { RoundTripFailure, SqlErrorLocation } from "./report.ts";

/**
 * The problems of one migration, the first failing step, the first SQL error and diff.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Findings } from "./findings.ts";
 *
 * const findings = new Findings();
 * findings.fail("down", "down failed: no such table");
 * findings.fail("re-up", "re-up failed: already exists");
 * assert.equal(findings.failure, "down");
 * assert.equal(findings.problems.length, 2);
 * ```
 */
export class Findings {
  /** Human-readable problems; empty while all is well. */
  problems: string[] = [];
  /** The first step that failed. */
  failure?: RoundTripFailure;
  /** Where the first SQL error was. */
  error?: SqlErrorLocation;
  /** Text diff of the first pair of snapshots that should have matched. */
  diff?: string;
  /** How many of the problems are columns back in another order. */
  reorderings = 0;

  /** Whether it failed only because columns came back in another order. */
  get onlyReordered(): boolean {
    return this.problems.length > 0 && this.reorderings === this.problems.length;
  }

  /** Records a problem; the first failure and SQL error are kept. */
  fail(failure: RoundTripFailure, problem: string, error?: unknown): void {
    this.failure ??= failure;
    this.problems.push(problem);
    this.error ??= locate(error);
  }
}

/** Which comparison: the state after the down against before the up, or re-up against up. */
export type Comparison = "down-differs" | "re-up-differs";

/**
 * Compares the snapshot a step should have restored (`expected`) with the one it left
 * (`actual`), recording each difference and the text diff of the two in `findings`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { readIncremental } from "../schema/snapshot_incremental.ts";
 * import { compareSnapshots, Findings } from "./findings.ts";
 *
 * await using db = await createPgliteDriver();
 * const before = await readIncremental(db);
 * await db.exec("create table left_behind (id int)");
 * const findings = new Findings();
 * compareSnapshots(before, await readIncremental(db), "down-differs", findings, {});
 * assert.equal(findings.failure, "down-differs");
 * assert.match(findings.problems[0], /table public\.left_behind exists after down but not before up/);
 * ```
 */
export function compareSnapshots(
  expected: IncrementalSnapshot,
  actual: IncrementalSnapshot,
  comparison: Comparison,
  findings: Findings,
  options: DiffOptions,
): void {
  const changes = diffIncremental(expected, actual, options);
  if (changes.length === 0) return;
  const [label, expectedLabel, actualLabel] = comparison === "down-differs"
    ? ["schema after down differs from before up", "before up", "after down"]
    : ["schema after re-up differs from after the first up", "after up", "after re-up"];
  for (const change of changes) {
    findings.fail(comparison, `${label}: ${describe(change, comparison)}`);
    if (change.reordered) findings.reorderings++;
  }
  // Rendered only now: the text of a snapshot that matched is never needed.
  findings.diff ??= textDiff(snapshotOf(expected).text, snapshotOf(actual).text, {
    labels: [expectedLabel, actualLabel],
  });
}

/** Says which state has the object, in the words of the step that went wrong. */
function describe(change: SchemaChange, comparison: Comparison): string {
  const [expected, actual] = comparison === "down-differs"
    ? ["before up", "after down"]
    : ["after the first up", "after re-up"];
  const object = `${change.kind} ${change.name}`;
  if (change.change === "added") return `${object} exists ${actual} but not ${expected}`;
  if (change.change === "removed") return `${object} exists ${expected} but not ${actual}`;
  return `${change.description} (${expected} -> ${actual})${change.reordered ? REORDERED : ""}`;
}

/** What to do about columns back in another order: ADD COLUMN cannot put one in its place. */
const REORDERED = ". ADD COLUMN appends: only rebuilding the table restores the order " +
  "(tide generate-down writes that); to accept the order, verify with --ignore column-order " +
  "(config verify.ignoreColumnOrder)";

function locate(error: unknown): SqlErrorLocation | undefined {
  // Without a known line there is no place to name: never a made-up one.
  if (!(error instanceof MigrationError) || !error.file || error.line === undefined) {
    return undefined;
  }
  return {
    file: error.file,
    line: error.line ?? 1,
    column: error.column ?? 1,
    message: error.message,
  };
}
