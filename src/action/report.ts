/**
 * What the check mode found, in a shape the renderer and the outputs share.
 *
 * @module
 */
import type { MigrationLint } from "../lint/report.ts";
import type { MigrationVerdict, RoundTripFailure } from "../verify/report.ts";
import type { EngineGeneratedDown } from "./engine.ts";

/** Which kind of finding; the `fail-on` input lists the kinds that fail the check. */
export type FindingKind =
  | "validation"
  | "round-trip"
  | "edited"
  | "deleted"
  | "out-of-order"
  | "lint";

/** The kinds that fail the check when `fail-on` is empty: all but `lint`, which is opt-in. */
export const FINDING_KINDS: readonly FindingKind[] = [
  "validation",
  "round-trip",
  "edited",
  "deleted",
  "out-of-order",
];

/** Every kind `fail-on` may name. */
export const FAIL_ON_KINDS: readonly FindingKind[] = [...FINDING_KINDS, "lint"];

/** One problem with the PR's migrations. */
export interface Finding {
  /** Which kind. */
  kind: FindingKind;
  /** What is wrong, one sentence. */
  message: string;
  /** What to do about it. */
  fix: string;
  /** True when `kind` is in `fail-on`. */
  failing: boolean;
  /** File, relative to the repository root. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Version of the migration concerned. */
  version?: string;
  /** `warning`: never fails the check, whatever `fail-on` says (a lint warning). */
  severity?: "warning";
}

/** One migration the PR adds or edits. */
export interface PlanEntry {
  /** Version exactly as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** Whether the PR adds it or edits it. */
  status: "new" | "edited";
  /** Up SQL. */
  upSql: string;
  /** Down SQL; `undefined` when there is none. */
  downSql?: string;
  /** Round-trip verdict; `undefined` when verification did not run. */
  verdict?: MigrationVerdict;
  /** A down generated for a migration that fails its round trip, when the engine makes one. */
  generatedDown?: EngineGeneratedDown;
  /** Where its down file goes, repository-relative, when its layout has one (not a section). */
  downFile?: string;
  /** What it does to production (`tide lint`); `undefined` when not linted. */
  lint?: MigrationLint;
}

/**
 * The check mode's result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Plan } from "./report.ts";
 *
 * const plan: Plan = { verdict: "pass", entries: [], findings: [] };
 * assert.equal(plan.verdict, "pass");
 * ```
 */
export interface Plan {
  /** `fail` when any finding is failing. */
  verdict: "pass" | "fail";
  /** The PR's migrations, in version order. */
  entries: PlanEntry[];
  /** Problems found, failing ones first. */
  findings: Finding[];
}

/**
 * The hidden marker that identifies the action's comment on a PR.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMMENT_MARKER } from "./report.ts";
 *
 * assert.ok("<!-- tide:plan -->\n### ✅ tide".startsWith(COMMENT_MARKER));
 * ```
 */
export const COMMENT_MARKER = "<!-- tide:plan -->";

/**
 * The `migrations` output: one object per PR migration.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrationsOutput } from "./report.ts";
 *
 * const entry = { version: "002", name: "users", status: "new" as const, upSql: "select 1;" };
 * const output = migrationsOutput({ verdict: "pass", entries: [entry], findings: [] });
 * assert.deepEqual(JSON.parse(output), [{
 *   version: "002",
 *   name: "users",
 *   status: "new",
 *   roundTrip: "skipped", // no verdict: verification did not run
 *   failure: null,
 *   note: null,
 *   durationMs: null,
 * }]);
 * ```
 */
export function migrationsOutput(plan: Plan): string {
  return JSON.stringify(plan.entries.map((entry) => ({
    version: entry.version,
    name: entry.name,
    status: entry.status,
    roundTrip: entry.verdict === undefined ? "skipped" : entry.verdict.ok ? "pass" : "fail",
    failure: entry.verdict?.failure ?? null,
    note: entry.verdict?.note ?? null,
    durationMs: entry.verdict?.durationMs ?? null,
  })));
}

/**
 * Each round-trip failure in a few words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FAILURE_TITLE } from "./report.ts";
 *
 * assert.equal(FAILURE_TITLE["no-down"], "the migration has no down");
 * ```
 */
export const FAILURE_TITLE: Readonly<Record<RoundTripFailure, string>> = {
  "no-down": "the migration has no down",
  "up": "the up failed",
  "down": "the down failed",
  "re-up": "the up failed when run again after the down",
  "down-differs": "the down does not restore the schema",
  "re-up-differs": "the up run again gives a different schema",
};

/**
 * How to fix each round-trip failure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FAILURE_FIX } from "./report.ts";
 *
 * assert.match(FAILURE_FIX["down-differs"], /see the schema diff/);
 * ```
 */
export const FAILURE_FIX: Readonly<Record<RoundTripFailure, string>> = {
  "no-down": "Add a down that undoes everything the up does.",
  "up": "Fix the up's SQL at the location shown.",
  "down": "Fix the down's SQL at the location shown.",
  "re-up":
    "The down leaves something behind that the up then collides with: make the down drop everything the up creates.",
  "down-differs":
    "The down is incomplete or lossy: make it undo exactly what the up does (see the schema diff).",
  "re-up-differs":
    "The down does not restore the state the up started from: make it undo exactly what the up does (see the schema diff).",
};
