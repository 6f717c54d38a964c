/**
 * The apply mode: migrate the database in `database-url`, with its password masked first.
 *
 * @module
 */
import { errorMessage, MigrationError } from "../errors.ts";
import { redactSecrets } from "../sql/redact.ts";
import type { AppliedStep } from "./engine.ts";
import type { ActionInputs } from "./inputs.ts";
import type { ActionIo } from "./io.ts";
import { repoPath } from "./pr_diff.ts";
import { escapeMarkdown } from "./render.ts";
import { urlSecrets } from "./secrets.ts";

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
    `| \`${escapeMarkdown(step.version)}\` | ${escapeMarkdown(step.name)} | ${
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
 * Applies pending migrations. Every secret of the URL is masked before anything else runs, and
 * every message that leaves this function is redacted.
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
 *   engine: await realEngine(),
 *   getInput: (name: string) => given[name] ?? "",
 *   setOutput: (name: string, value: string) => void (outputs[name] = value),
 *   setSecret() {},
 *   info() {},
 *   writeSummary: () => Promise.resolve(),
 * } as unknown as ActionIo;
 * await applyMigrations(io, readInputs(io));
 * assert.deepEqual(outputs, { applied: "1", versions: '["001"]' });
 * await Deno.remove(workspace, { recursive: true });
 * ```
 */
export async function applyMigrations(io: ActionIo, inputs: ActionInputs): Promise<void> {
  const databaseUrl = inputs.databaseUrl!;
  const secrets = urlSecrets(databaseUrl);
  for (const secret of secrets) io.setSecret(secret);
  try {
    // Unset options are left out, not passed as undefined, so the engine's defaults apply.
    const { steps } = await io.engine.migrate({
      databaseUrl,
      dir: inputs.dir,
      load: inputs.load,
      ...(inputs.schema === undefined ? {} : { schema: inputs.schema }),
      ...(inputs.module === undefined ? {} : { module: inputs.module }),
    });
    for (const step of steps) {
      io.info(`Applied ${step.version} ${step.name} (${Math.round(step.durationMs)} ms)`);
    }
    io.setOutput("applied", String(steps.length));
    io.setOutput("versions", JSON.stringify(steps.map((step) => step.version)));
    await io.writeSummary(renderApplied(steps));
  } catch (error) {
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
    await io.writeSummary(`### ❌ tide: migrating failed\n\n${codeQuote(message)}\n`);
    io.setFailed(message);
  }
}

function codeQuote(text: string): string {
  return text.split("\n").map((line) => `> ${escapeMarkdown(line)}`).join("\n");
}
