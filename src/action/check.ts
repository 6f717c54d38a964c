/**
 * The check mode: validate a PR's migrations, round-trip the new and edited ones on PGlite,
 * flag edits to merged migrations and out-of-order versions, then report. How each finding is
 * worded is `check_findings.ts`.
 *
 * @module
 */
import type { ModuleMigrations } from "../engine/migrator_options.ts";
import { errorMessage, MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { downFileOf } from "../files/down_path.ts";
import { codeMigrationLeftOut } from "../files/formats/format.ts";
import type { LintReport } from "../lint/report.ts";
import type { VerifyReport } from "../verify/report.ts";
import type { EngineGeneratedDown, EngineVerifyOptions } from "./engine.ts";
import type { VerifySetup } from "../verify/round_trip.ts";
import type { ActionInputs } from "./inputs.ts";
import type { ActionIo } from "./io.ts";
import type { Plan, PlanEntry } from "./report.ts";
import { diffPullRequest, type PrDiff, repoPath } from "./pr_diff.ts";
import {
  finish,
  historyFindings,
  lintFindings,
  type NewFinding,
  outOfOrderFindings,
  roundTripFinding,
  validationFindings,
} from "./check_findings.ts";

/** Downs generated for the migrations whose up applies but whose down does not round-trip. */
async function generatedDowns(
  io: ActionIo,
  options: EngineVerifyOptions,
  report: VerifyReport,
): Promise<Map<string, EngineGeneratedDown>> {
  const versions = report.migrations.filter((v) => !v.ok && v.failure !== "up")
    .map((v) => v.version);
  if (versions.length === 0 || io.engine.generateDowns === undefined) return new Map();
  try {
    const downs = await io.engine.generateDowns({ ...options, versions });
    return new Map(downs.map((down) => [down.version, down]));
  } catch (error) {
    io.warning(`Generating the failing migrations' downs failed: ${errorMessage(error)}`);
    return new Map();
  }
}

/** tide's lock_timeout and lint levels from the project's config, if it has one. */
async function lintSettings(io: ActionIo, inputs: ActionInputs) {
  const { loadConfig } = await import("../config/config_file.ts");
  try {
    const config = await loadConfig(inputs.workingDirectory);
    return { lockTimeoutMs: config.lockTimeoutMs ?? 0, rules: config.lint?.rules };
  } catch (error) {
    io.warning(`Reading tide's config failed, so lint uses its defaults: ${errorMessage(error)}`);
    return { lockTimeoutMs: 0, rules: undefined };
  }
}

async function verify(
  io: ActionIo,
  inputs: ActionInputs,
  head: readonly Migration[],
  versions: readonly string[],
  root: string,
): Promise<{
  report?: VerifyReport;
  lint?: LintReport;
  findings: NewFinding[];
  downs?: Map<string, EngineGeneratedDown>;
}> {
  if (versions.length === 0) return { findings: [] };
  const from = [...versions].sort(io.engine.compareVersions)[0];
  try {
    const { createLintSession } = await import("../lint/lint.ts");
    const lint = await createLintSession({
      migrations: head,
      lint: (migration) => versions.includes(migration.version),
      schema: inputs.schema,
      ...await lintSettings(io, inputs),
    });
    // What the verification and the generated downs run with besides the migrations.
    const context = {
      module: inputs.settings.module,
      modules: await requiredModules(io, inputs, head),
      ...(inputs.schema === undefined ? {} : { schema: inputs.schema }),
      ...(inputs.verifySetup === undefined
        ? {}
        : { setup: await readSetup(inputs.verifySetup, root) }),
    };
    const report = await io.engine.verifyMigrations({
      migrations: head,
      from,
      observer: lint.observer,
      strictData: inputs.settings.verify.strictData,
      ignoreColumnOrder: inputs.settings.verify.ignoreColumnOrder,
      ...context,
    });
    const byVersion = new Map(head.map((migration) => [migration.version, migration]));
    const findings = report.migrations.filter((verdict) => !verdict.ok)
      .map((verdict) => roundTripFinding(verdict, byVersion.get(verdict.version)!, root));
    const linted = lint.report();
    return {
      report,
      lint: linted,
      findings: [...findings, ...lintFindings(linted, root)],
      downs: await generatedDowns(io, { migrations: head, ...context }, report),
    };
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    return {
      findings: validationFindings(error, root).map((f) => ({ ...f, kind: "round-trip" as const })),
    };
  }
}

/**
 * Every other module of the config, read at the PR's head, when a migration requires one: verify
 * applies what is required first (even with the `module` input, as `tide verify --module` does).
 */
async function requiredModules(
  io: ActionIo,
  inputs: ActionInputs,
  head: readonly Migration[],
): Promise<ModuleMigrations[]> {
  if (!head.some((m) => (m.requires?.length ?? 0) > 0)) return [];
  return await Promise.all(
    inputs.otherModules.map(async ({ module, dir }) => ({
      module,
      migrations: await io.engine.loadMigrations(dir, inputs.load),
    })),
  );
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
  root: string,
  report?: VerifyReport,
  lint?: LintReport,
  downs?: Map<string, EngineGeneratedDown>,
): PlanEntry[] {
  const verdicts = new Map(report?.migrations.map((verdict) => [verdict.version, verdict]));
  const lints = new Map(lint?.migrations.map((migration) => [migration.version, migration]));
  return head.filter((m) => diff.added.includes(m.version) || diff.edited.includes(m.version))
    .map((migration) => ({
      version: migration.version,
      name: migration.name,
      status: diff.added.includes(migration.version) ? "new" : "edited",
      upSql: migration.up.sql,
      downSql: migration.down?.sql,
      verdict: verdicts.get(migration.version),
      lint: lints.get(migration.version),
      ...(downs?.has(migration.version) ? { generatedDown: downs.get(migration.version) } : {}),
      ...downFileEntry(migration, root),
    }));
}

/** Where the migration's down file goes in the repository, when its layout has one. */
function downFileEntry(migration: Migration, root: string): { downFile?: string } {
  const file = downFileOf(migration);
  return file === undefined ? {} : { downFile: repoPath(root, file) };
}

/**
 * Builds the plan for the PR in `io.pullRequest` (or, without a PR, for every migration).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { checkMigrations } from "./check.ts";
 * import { realEngine } from "./engine.ts";
 * import { readInputs } from "./inputs.ts";
 * import type { ActionIo } from "./io.ts";
 *
 * const workspace = await Deno.makeTempDir();
 * await Deno.mkdir(join(workspace, "migrations"));
 * await Deno.writeTextFile(join(workspace, "migrations", "001_t.up.sql"), "create table t ();\n");
 * // No pull request: every migration is checked. The fake gives what checkMigrations uses.
 * const io = {
 *   workspace,
 *   engine: await realEngine(),
 *   warning() {},
 *   getInput: () => "",
 *   env: { get: () => undefined },
 * } as unknown as ActionIo;
 * const plan = await checkMigrations(io, await readInputs(io));
 * assert.equal(plan.verdict, "fail");
 * assert.deepEqual(plan.findings.map((f) => [f.kind, f.version]), [["round-trip", "001"]]);
 * await Deno.remove(workspace, { recursive: true });
 * ```
 */
export async function checkMigrations(io: ActionIo, inputs: ActionInputs): Promise<Plan> {
  const root = io.pullRequest ? await io.git.root() : io.workspace;
  // Another tool's code migrations (goose .go) cannot run: the SQL ones are checked without them.
  const load = {
    ...inputs.load,
    onCodeMigration: (path: string) =>
      io.warning(codeMigrationLeftOut(repoPath(root, path), "checked")),
  };
  let head: Migration[];
  try {
    head = await io.engine.loadMigrations(inputs.dir, load);
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    return finish(validationFindings(error, root), inputs.failOn, []);
  }
  const diff: PrDiff = io.pullRequest
    ? await diffPullRequest(
      io.git,
      io.engine,
      head,
      io.pullRequest.baseSha,
      inputs.dir,
      { ...load, onCodeMigration: () => {} },
    )
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
    ...outOfOrderFindings(io.engine.compareVersions, diff, head, root),
  ];
  const list = entries(head, diff, root, checked.report, checked.lint, checked.downs);
  return finish(found, inputs.failOn, list);
}
