/**
 * The action's logic, independent of GitHub's libraries: everything goes through an
 * {@linkcode ActionIo}.
 *
 * @module
 */
import { errorMessage, MigrationError } from "../errors.ts";
import { redactSecrets } from "../sql/redact.ts";
import { applyMigrations, planMigrations } from "./apply.ts";
import { checkMigrations } from "./check.ts";
import { checkDrift } from "./drift.ts";
import { httpStatus, upsertComment } from "./comments.ts";
import { type ActionInputs, readInputs } from "./inputs.ts";
import type { ActionIo } from "./io.ts";
import { migrationsOutput, type Plan } from "./report.ts";
import { renderPlan } from "./render.ts";
import { urlSecrets } from "./secrets.ts";

function annotate(io: ActionIo, plan: Plan): void {
  for (const finding of plan.findings) {
    const properties = {
      title: `tide: ${finding.kind}`,
      file: finding.file,
      startLine: finding.file === undefined ? undefined : finding.line ?? 1,
      startColumn: finding.column,
    };
    const message = `${finding.message} ${finding.fix}`;
    if (finding.failing) io.error(message, properties);
    else io.warning(message, properties);
  }
}

async function postComment(io: ActionIo, markdown: string): Promise<string> {
  if (io.comments === undefined) {
    io.info("No comment posted: this run is not for a pull request.");
    return "";
  }
  try {
    const comment = await upsertComment(io.comments, markdown);
    io.info(`Plan posted: ${comment.url}`);
    return comment.url;
  } catch (error) {
    const reason = errorMessage(error);
    if (httpStatus(error) === 403) {
      io.info(
        `No comment posted: the token may not write to this pull request (403: ${reason}). ` +
          "Pull requests from forks get a read-only token; the plan is in the job summary. " +
          "Grant `pull-requests: write` to comment.",
      );
    } else {
      io.warning(`Posting the plan comment failed: ${reason}. The plan is in the job summary.`);
    }
    return "";
  }
}

async function check(io: ActionIo, inputs: ActionInputs): Promise<void> {
  const plan = await checkMigrations(io, inputs);
  annotate(io, plan);
  const markdown = renderPlan(plan);
  await io.writeSummary(markdown);
  const url = inputs.comment ? await postComment(io, markdown) : "";
  io.setOutput("verdict", plan.verdict);
  io.setOutput("migrations", migrationsOutput(plan));
  io.setOutput("comment-url", url);
  if (plan.verdict === "fail") {
    const failing = plan.findings.filter((finding) => finding.failing).length;
    io.setFailed(`tide: ${failing} migration problem(s) to fix; see the annotations and the plan.`);
  }
}

/**
 * Runs the action: reads inputs and the project's configuration, then checks a PR, plans or
 * applies migrations. Never throws; a failure is reported with `io.setFailed`, its message
 * redacted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ActionIo } from "./io.ts";
 * import { run } from "./run.ts";
 *
 * const url = "postgres://app:s3cret@db/app";
 * const given: Record<string, string> = { mode: "deploy", "database-url": url };
 * const masked: string[] = [];
 * let failure = "";
 * const io = {
 *   workspace: "/repo",
 *   getInput: (name: string) => given[name] ?? "",
 *   setSecret: (value: string) => void masked.push(value),
 *   setFailed: (message: string) => void (failure = message),
 * } as unknown as ActionIo;
 * await run(io); // never throws
 * assert.match(failure, /mode is "deploy"/);
 * assert.ok(masked.includes("s3cret")); // masked before anything else ran
 * ```
 */
export async function run(io: ActionIo): Promise<void> {
  const url = io.getInput("database-url");
  const secrets = url ? urlSecrets(url) : [];
  for (const secret of secrets) io.setSecret(secret);
  try {
    const inputs = await readInputs(io);
    if (inputs.mode === "apply") await applyMigrations(io, inputs);
    else if (inputs.mode === "drift") await checkDrift(io, inputs);
    else if (inputs.mode === "plan") await planMigrations(io, inputs);
    else await check(io, inputs);
  } catch (error) {
    const message = errorMessage(error);
    const safe = redactSecrets(message, secrets);
    if (!(error instanceof MigrationError) && error instanceof Error && error.stack) {
      io.info(redactSecrets(error.stack, secrets));
    }
    io.setFailed(safe);
  }
}
