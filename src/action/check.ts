/**
 * The check mode: validate a PR's migrations, round-trip the new and edited ones on PGlite,
 * flag edits to merged migrations and out-of-order versions, then report.
 *
 * @module
 */
import { errorMessage, MigrationError, problemsOf } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { MigrationVerdict, VerifyReport } from "../verify/report.ts";
import type { VerifySetup } from "../verify/round_trip.ts";
import type { ActionInputs } from "./inputs.ts";
import type { ActionIo } from "./io.ts";
import {
  FAILURE_FIX,
  FAILURE_TITLE,
  type Finding,
  type FindingKind,
  type Plan,
  type PlanEntry,
} from "./report.ts";
import { diffPullRequest, type PrDiff, repoPath } from "./pr_diff.ts";

type NewFinding = Omit<Finding, "failing">;

function validationFindings(error: MigrationError, root: string): NewFinding[] {
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

function historyFindings(diff: PrDiff, head: readonly Migration[], root: string): NewFinding[] {
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

function outOfOrderFindings(
  io: ActionIo,
  diff: PrDiff,
  head: readonly Migration[],
  root: string,
): NewFinding[] {
  const compare = io.engine.compareVersions;
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

function roundTripFinding(verdict: MigrationVerdict, migration: Migration, root: string) {
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

async function verify(
  io: ActionIo,
  inputs: ActionInputs,
  head: readonly Migration[],
  versions: readonly string[],
  root: string,
): Promise<{ report?: VerifyReport; findings: NewFinding[] }> {
  if (versions.length === 0) return { findings: [] };
  const from = [...versions].sort(io.engine.compareVersions)[0];
  try {
    const report = await io.engine.verifyMigrations({
      migrations: head,
      from,
      ...(inputs.schema === undefined ? {} : { schema: inputs.schema }),
      ...(inputs.verifySetup === undefined
        ? {}
        : { setup: await readSetup(inputs.verifySetup, root) }),
    });
    const byVersion = new Map(head.map((migration) => [migration.version, migration]));
    const findings = report.migrations.filter((verdict) => !verdict.ok)
      .map((verdict) => roundTripFinding(verdict, byVersion.get(verdict.version)!, root));
    return { report, findings };
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    return {
      findings: validationFindings(error, root).map((f) => ({ ...f, kind: "round-trip" as const })),
    };
  }
}

/** The `verify-setup` file, named relative to the repository in messages. */
async function readSetup(path: string, root: string): Promise<VerifySetup> {
  const file = repoPath(root, path);
  try {
    return { path: file, sql: await Deno.readTextFile(path) };
  } catch (error) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Reading the verify-setup file ${file} failed: ${errorMessage(error)}. Check the ` +
        "verify-setup input; it is relative to working-directory.",
      { file: path, cause: error },
    );
  }
}

function entries(
  head: readonly Migration[],
  diff: Pick<PrDiff, "added" | "edited">,
  report?: VerifyReport,
): PlanEntry[] {
  const verdicts = new Map(report?.migrations.map((verdict) => [verdict.version, verdict]));
  return head.filter((m) => diff.added.includes(m.version) || diff.edited.includes(m.version))
    .map((migration) => ({
      version: migration.version,
      name: migration.name,
      status: diff.added.includes(migration.version) ? "new" : "edited",
      upSql: migration.up.sql,
      downSql: migration.down?.sql,
      verdict: verdicts.get(migration.version),
    }));
}

function finish(found: NewFinding[], failOn: ReadonlySet<FindingKind>, list: PlanEntry[]): Plan {
  const findings = found.map((finding) => ({ ...finding, failing: failOn.has(finding.kind) }))
    .sort((a, b) => Number(b.failing) - Number(a.failing));
  const verdict = findings.some((finding) => finding.failing) ? "fail" : "pass";
  return { verdict, entries: list, findings };
}

/**
 * Builds the plan for the PR in `io.pullRequest` (or, without a PR, for every migration).
 *
 * @example
 * ```ts ignore
 * const plan = await checkMigrations(io, readInputs(io));
 * console.log(plan.verdict);
 * ```
 */
export async function checkMigrations(io: ActionIo, inputs: ActionInputs): Promise<Plan> {
  const root = io.pullRequest ? await io.git.root() : io.workspace;
  let head: Migration[];
  try {
    head = await io.engine.loadMigrations(inputs.dir);
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    return finish(validationFindings(error, root), inputs.failOn, []);
  }
  const diff: PrDiff = io.pullRequest
    ? await diffPullRequest(io.git, io.engine, head, io.pullRequest.baseSha, inputs.dir)
    : {
      base: [],
      added: head.map((m) => m.version),
      edited: [],
      deleted: [],
      changedFiles: new Map(),
    };
  if (diff.baseError) {
    io.warning(
      `Reading the base branch's migrations failed, so edits go unnoticed: ${diff.baseError}`,
    );
  }
  const checked = await verify(io, inputs, head, [...diff.added, ...diff.edited], root);
  const found = [
    ...checked.findings,
    ...historyFindings(diff, head, root),
    ...outOfOrderFindings(io, diff, head, root),
  ];
  return finish(found, inputs.failOn, entries(head, diff, checked.report));
}
