/**
 * The check mode's findings: what it found (unreadable files, edits to merged migrations,
 * out-of-order versions, failed round trips, lint findings) worded for the PR, each on its file,
 * and the plan they make.
 *
 * @module
 */
import { type MigrationError, problemsOf } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { LintReport } from "../lint/report.ts";
import type { MigrationVerdict } from "../verify/report.ts";
import {
  FAILURE_FIX,
  FAILURE_TITLE,
  type Finding,
  type FindingKind,
  type Plan,
  type PlanEntry,
} from "./report.ts";
import { type PrDiff, repoPath } from "./pr_diff.ts";

/** A finding before `fail-on` says whether it fails the check. */
export type NewFinding = Omit<Finding, "failing">;

/** Each problem of a directory that cannot be read, as an annotation on its file. */
export function validationFindings(error: MigrationError, root: string): NewFinding[] {
  // A MigrationSourceError lists every problem of the directory: annotate each one.
  return problemsOf(error).map((problem) => ({
    kind: "validation",
    message: problem.message,
    fix: "Fix the file, then push again.",
    file: problem.file === undefined ? undefined : repoPath(root, problem.file),
    line: problem.file === undefined ? undefined : problem.line ?? 1,
    column: problem.column,
    version: problem.version,
  }));
}

/** Migrations of the base branch that the PR edits, deletes or renames. */
export function historyFindings(
  diff: PrDiff,
  head: readonly Migration[],
  root: string,
): NewFinding[] {
  const findings: NewFinding[] = [];
  const headByVersion = new Map(head.map((migration) => [migration.version, migration]));
  for (const version of diff.edited) {
    findings.push({
      kind: "edited",
      message: `Migration ${version} is already on the base branch and this PR edits it.`,
      fix: "Databases that applied it will not rerun it: revert the edit and add a new migration.",
      file: diff.changedFiles.get(version) ?? repoPath(root, headByVersion.get(version)!.up.path),
      line: 1,
      version,
    });
  }
  for (const migration of diff.base.filter((m) => diff.deleted.includes(m.version))) {
    findings.push({
      kind: "deleted",
      message:
        `Migration ${migration.version} (${migration.name}) is on the base branch and this PR deletes or renames it.`,
      fix: "Databases that applied it still record it: restore the file under its name.",
      file: repoPath(root, migration.up.path),
      line: 1,
      version: migration.version,
    });
  }
  return findings;
}

/** New migrations that sort before the newest one of the base branch. */
export function outOfOrderFindings(
  compare: (a: string, b: string) => number,
  diff: PrDiff,
  head: readonly Migration[],
  root: string,
): NewFinding[] {
  const newest = diff.base.map((m) => m.version).sort(compare).at(-1);
  if (newest === undefined) return [];
  return head.filter((m) => diff.added.includes(m.version) && compare(m.version, newest) < 0)
    .map((migration) => ({
      kind: "out-of-order" as const,
      message:
        `New migration ${migration.version} sorts before ${newest}, the newest on the base branch.`,
      fix: `Databases past ${newest} would skip it: rename it to a version after ${newest}.`,
      file: repoPath(root, migration.up.path),
      line: 1,
      version: migration.version,
    }));
}

/** A migration that does not round-trip, pointed at the file to fix. */
export function roundTripFinding(
  verdict: MigrationVerdict,
  migration: Migration,
  root: string,
): NewFinding {
  // A failure after the up is the down's fault: point at the down when it has its own file.
  const blamesDown = verdict.failure !== undefined && !["no-down", "up"].includes(verdict.failure);
  const where = verdict.error ??
    { file: (blamesDown && migration.down?.path) || migration.up.path, line: 1 };
  return {
    kind: "round-trip" as const,
    message: `Migration ${verdict.version} (${verdict.name}) does not round-trip: ` +
      (verdict.failure ? FAILURE_TITLE[verdict.failure] : "see the plan") +
      (verdict.error ? ` (${verdict.error.message}).` : "."),
    fix: verdict.failure ? FAILURE_FIX[verdict.failure] : "See the plan for details.",
    file: repoPath(root, where.file),
    line: where.line,
    column: verdict.error?.column,
    version: verdict.version,
  };
}

/** The lint findings that fail or warn: errors (failing with `fail-on: lint`) and warnings. */
export function lintFindings(report: LintReport, root: string): NewFinding[] {
  return report.migrations.flatMap((migration) =>
    migration.findings.filter((f) => f.severity === "error" || f.severity === "warning")
      .map((finding) => ({
        kind: "lint" as const,
        message: `Migration ${migration.version} (${migration.name}), ${finding.rule}: ` +
          finding.message,
        fix: finding.fix,
        file: repoPath(root, finding.file),
        line: finding.line,
        version: migration.version,
        ...(finding.severity === "warning" ? { severity: "warning" as const } : {}),
      }))
  );
}

/**
 * The plan: findings marked failing per `fail-on`, failing ones first, and the verdict.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finish } from "./check_findings.ts";
 *
 * const warning = { kind: "lint" as const, message: "w", fix: "f", severity: "warning" as const };
 * const edited = { kind: "edited" as const, message: "e", fix: "f" };
 * const plan = finish([warning, edited], new Set(["edited", "lint"]), []);
 * assert.equal(plan.verdict, "fail");
 * assert.deepEqual(plan.findings.map((f) => [f.kind, f.failing]), [["edited", true], ["lint", false]]);
 * ```
 */
export function finish(
  found: NewFinding[],
  failOn: ReadonlySet<FindingKind>,
  list: PlanEntry[],
): Plan {
  const findings = found
    .map((finding) => ({
      ...finding,
      failing: finding.severity !== "warning" && failOn.has(finding.kind),
    }))
    .sort((a, b) => Number(b.failing) - Number(a.failing));
  const verdict = findings.some((finding) => finding.failing) ? "fail" : "pass";
  return { verdict, entries: list, findings };
}
