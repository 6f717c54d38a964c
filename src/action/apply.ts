/**
 * The apply and plan modes: migrate the database in `database-url` (or the configuration's), or
 * list what that would run, with its password masked first.
 *
 * @module
 */
import { errorMessage, MigrationError } from "../errors.ts";
import { redactSecrets, redactUrl } from "../sql/redact.ts";
import type { AppliedStep, EngineMigrateOptions, PendingStep } from "./engine.ts";
import type { ActionInputs } from "./inputs.ts";
import type { ActionIo } from "./io.ts";
import { repoPath } from "./pr_diff.ts";
import { codeBlock, codeSpan, escapeMarkdown } from "./render.ts";
import { urlSecrets } from "./secrets.ts";
import { migrationLabel } from "../files/version.ts";

/**
 * The job summary of an apply run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderApplied } from "./apply.ts";
 *
 * assert.equal(
 *   renderApplied([{ version: "001", name: "init", durationMs: 12 }]),
 *   "### ✅ tide: applied 1 migration in 0.01 s\n\n| Version | Name | Time |\n|---|---|---|\n" +
 *     "| `001` | init | 0.01 s |\n",
 * );
 * assert.equal(renderApplied([]), "### ✅ tide: database already up to date\n");
 * ```
 */
export function renderApplied(steps: readonly AppliedStep[]): string {
  if (steps.length === 0) return "### ✅ tide: database already up to date\n";
  const total = steps.reduce((sum, step) => sum + step.durationMs, 0);
  const rows = steps.map((step) =>
    `| \`${escapeMarkdown(moduleVersion(step))}\` | ${escapeMarkdown(step.name)} | ${
      (step.durationMs / 1000).toFixed(2)
    } s |`
  );
  const count = `${steps.length} migration${steps.length === 1 ? "" : "s"}`;
  return [
    `### ✅ tide: applied ${count} in ${(total / 1000).toFixed(2)} s`,
    "",
    "| Version | Name | Time |",
    "|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/**
 * A step's version, with its module in a run of several (`auth:001`), as `tide up` names it: in the
 * summaries, the log and the `versions` output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moduleVersion } from "./apply.ts";
 *
 * assert.equal(moduleVersion({ version: "001" }), "001");
 * assert.equal(moduleVersion({ version: "001", module: "auth" }), "auth:001");
 * ```
 */
export function moduleVersion(step: { version: string; module?: string }): string {
  return step.module === undefined ? step.version : `${step.module}:${step.version}`;
}

/**
 * The engine's options for `plan` and `apply`: every setting in force, from the config file and
 * the inputs.
 *
 * @example
 * ```ts ignore
 * await io.engine.migrate(engineOptions(await readInputs(io)));
 * ```
 */
export function engineOptions(inputs: ActionInputs): EngineMigrateOptions {
  const { settings } = inputs;
  return {
    databaseUrl: inputs.databaseUrl!,
    dir: inputs.dir,
    load: inputs.load,
    // Unset unless given: templates stay unqualified, the ledger takes its default schema.
    schema: inputs.schema,
    module: settings.module,
    table: settings.table,
    lockWaitMs: settings.lockWaitMs,
    lockTimeoutMs: settings.lockTimeoutMs,
    statementTimeoutMs: settings.statementTimeoutMs,
    networkTimeoutMs: settings.networkTimeoutMs,
    allowOutOfOrder: settings.allowOutOfOrder,
    ...(inputs.modules.length > 0 ? { modules: inputs.modules } : {}),
  };
}

/**
 * The refusal of a schema that already holds tables but not the chosen tracking table: every
 * migration would run again on it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { untrackedSchemaError } from "./apply.ts";
 *
 * const error = untrackedSchemaError({ schema: "public", table: "tide_migrations" }, ["users"]);
 * assert.equal(error.code, "UNTRACKED_SCHEMA");
 * assert.match(error.message, /tide baseline/);
 * ```
 */
export function untrackedSchemaError(
  location: { schema: string; table: string },
  tables: readonly string[],
): MigrationError {
  const shown = tables.slice(0, 5).join(", ") + (tables.length > 5 ? ", ..." : "");
  const count = `${tables.length} table${tables.length === 1 ? "" : "s"}`;
  return new MigrationError(
    "UNTRACKED_SCHEMA",
    `Refusing to apply: the tracking table ${location.schema}.${location.table} does not exist, ` +
      `but schema ${location.schema} already holds ${count} (${shown}), so every migration would ` +
      "run again on a schema built without it. If these migrations built it under another " +
      'tracking table, set table (the input, or "table" in tide.json) to that one. If it was ' +
      "built another way, record what it already has with `tide baseline <version>`, or take " +
      "over another tool's tracking table with `tide adopt`, then apply again.",
  );
}

/**
 * Applies pending migrations. Every secret of the URL is masked before anything else runs, and
 * every message that leaves this function is redacted. Refuses an untracked schema.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { applyMigrations } from "./apply.ts";
 * import { realEngine } from "./engine.ts";
 * import { readInputs } from "./inputs.ts";
 * import type { ActionIo } from "./io.ts";
 *
 * const workspace = await Deno.makeTempDir();
 * await Deno.mkdir(join(workspace, "migrations"));
 * await Deno.writeTextFile(join(workspace, "migrations", "001_t.up.sql"), "create table t ();\n");
 * const given: Record<string, string> = { mode: "apply", "database-url": "memory://" };
 * const outputs: Record<string, string> = {};
 * const io = {
 *   workspace,
 *   env: new Map(),
 *   engine: await realEngine(),
 *   getInput: (name: string) => given[name] ?? "",
 *   setOutput: (name: string, value: string) => void (outputs[name] = value),
 *   setSecret() {},
 *   info() {},
 *   writeSummary: () => Promise.resolve(),
 * } as unknown as ActionIo;
 * await applyMigrations(io, await readInputs(io));
 * assert.deepEqual(outputs, { applied: "1", versions: '["001"]' });
 * await Deno.remove(workspace, { recursive: true });
 * ```
 */
export async function applyMigrations(io: ActionIo, inputs: ActionInputs): Promise<void> {
  const secrets = maskUrl(io, inputs);
  try {
    const options = engineOptions(inputs);
    const plan = await io.engine.plan(options);
    if (plan.untracked.length > 0) throw untrackedSchemaError(inputs.settings, plan.untracked);
    const { steps } = await io.engine.migrate(options);
    for (const step of steps) {
      io.info(`Applied ${moduleVersion(step)} ${step.name} (${Math.round(step.durationMs)} ms)`);
    }
    io.setOutput("applied", String(steps.length));
    io.setOutput("versions", JSON.stringify(steps.map(moduleVersion)));
    await io.writeSummary(renderApplied(steps));
  } catch (error) {
    await reportFailure(io, error, secrets, "migrating failed");
  }
}

/**
 * The plan mode: the migrations `apply` would run, with their SQL, in the job summary; runs
 * nothing. Fails like `apply` on an untracked schema or a refused plan.
 *
 * @example
 * ```ts ignore
 * await planMigrations(io, await readInputs(io));
 * ```
 */
export async function planMigrations(io: ActionIo, inputs: ActionInputs): Promise<void> {
  const secrets = maskUrl(io, inputs);
  try {
    const plan = await io.engine.plan(engineOptions(inputs));
    if (plan.untracked.length > 0) throw untrackedSchemaError(inputs.settings, plan.untracked);
    io.info(`${plan.pending.length} migration(s) pending; nothing was applied.`);
    io.setOutput("pending", String(plan.pending.length));
    io.setOutput("versions", JSON.stringify(plan.pending.map(moduleVersion)));
    await io.writeSummary(renderPending(plan.pending, redactUrl(inputs.databaseUrl!)));
  } catch (error) {
    await reportFailure(io, error, secrets, "planning failed");
  }
}

/**
 * The job summary of the plan mode: each pending migration with its SQL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPending } from "./apply.ts";
 *
 * const markdown = renderPending([{ version: "002", name: "users", sql: "CREATE TABLE users ();" }], "postgres://db/app");
 * assert.match(markdown, /1 migration to apply/);
 * assert.match(markdown, /CREATE TABLE users/);
 * ```
 */
export function renderPending(steps: readonly PendingStep[], target: string): string {
  const where = `Database: ${codeSpan(target)}. Nothing was applied.`;
  if (steps.length === 0) return `### ✅ tide: nothing to apply, up to date\n\n${where}\n`;
  const count = `${steps.length} migration${steps.length === 1 ? "" : "s"}`;
  const lines = [
    `### 📋 tide: ${count} to apply`,
    "",
    where,
    "",
    "| Version | Name |",
    "|---|---|",
  ];
  for (const step of steps) {
    lines.push(`| ${codeSpan(moduleVersion(step))} | ${escapeMarkdown(step.name)} |`);
  }
  for (const step of steps) {
    const label = migrationLabel(step);
    lines.push(
      "",
      "<details>",
      `<summary>${escapeMarkdown(step.module ? `${step.module}:${label}` : label)}</summary>`,
    );
    lines.push("", codeBlock("sql", step.sql), "</details>");
  }
  return lines.join("\n") + "\n";
}

function maskUrl(io: ActionIo, inputs: ActionInputs): string[] {
  const secrets = urlSecrets(inputs.databaseUrl!);
  for (const secret of secrets) io.setSecret(secret);
  return secrets;
}

async function reportFailure(
  io: ActionIo,
  error: unknown,
  secrets: string[],
  what: string,
): Promise<void> {
  const message = redactSecrets(errorMessage(error), secrets);
  if (!(error instanceof MigrationError) && error instanceof Error && error.stack) {
    io.info(redactSecrets(error.stack, secrets));
  }
  const file = error instanceof MigrationError && error.file
    ? {
      title: `tide: ${error.code}`,
      file: repoPath(io.workspace, error.file),
      startLine: error.line ?? 1,
      startColumn: error.column,
    }
    : undefined;
  if (file) io.error(message, file);
  await io.writeSummary(`### ❌ tide: ${what}\n\n${codeQuote(message)}\n`);
  io.setFailed(message);
}

function codeQuote(text: string): string {
  return text.split("\n").map((line) => `> ${escapeMarkdown(line)}`).join("\n");
}
