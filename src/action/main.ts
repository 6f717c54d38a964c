/**
 * Entry of the GitHub Action: builds the {@linkcode ActionIo} from `@actions/core` and
 * `@actions/github` and runs it. `action.yml` runs this file with `deno run`.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import * as core from "npm:@actions/core@3.0.1";
import * as github from "npm:@actions/github@9.1.1";
import { type ActionEngine, realEngine } from "./engine.ts";
import { commandGit } from "./git.ts";
import type { ActionIo, CommentsApi, IssueComment, PullRequestInfo } from "./io.ts";
import { run } from "./run.ts";

interface RawComment {
  id: number;
  body?: string | null;
  html_url: string;
}

function toComment(raw: RawComment): IssueComment {
  return { id: raw.id, body: raw.body ?? "", url: raw.html_url };
}

function commentsApi(token: string, issueNumber: number): CommentsApi {
  const octokit = github.getOctokit(token, {
    baseUrl: Deno.env.get("GITHUB_API_URL") ?? "https://api.github.com",
  });
  const { owner, repo } = github.context.repo;
  const issue = { owner, repo, issue_number: issueNumber };
  return {
    list: async () =>
      (await octokit.paginate(octokit.rest.issues.listComments, { ...issue, per_page: 100 }))
        .map(toComment),
    create: async (body) =>
      toComment((await octokit.rest.issues.createComment({ ...issue, body })).data),
    update: async (id, body) =>
      toComment(
        (await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data,
      ),
  };
}

function pullRequest(): PullRequestInfo | undefined {
  const pr = github.context.payload.pull_request;
  if (pr === undefined) return undefined;
  return { number: pr.number, baseSha: pr.base?.sha, headSha: pr.head?.sha };
}

async function writeSummary(markdown: string): Promise<void> {
  if (!Deno.env.get("GITHUB_STEP_SUMMARY")) {
    core.info(markdown);
    return;
  }
  await core.summary.addRaw(markdown).write();
}

/**
 * Builds the real I/O: inputs from `INPUT_*`, outputs to `GITHUB_OUTPUT`, the summary to
 * `GITHUB_STEP_SUMMARY`, comments through the REST API at `GITHUB_API_URL`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realEngine } from "./engine.ts";
 * import { githubIo } from "./main.ts";
 *
 * const saved = Deno.env.get("INPUT_MODE");
 * Deno.env.set("INPUT_MODE", "apply"); // what GitHub sets for `with: { mode: apply }`
 * try {
 *   assert.equal(githubIo(await realEngine()).getInput("mode"), "apply");
 * } finally {
 *   if (saved === undefined) Deno.env.delete("INPUT_MODE");
 *   else Deno.env.set("INPUT_MODE", saved);
 * }
 * ```
 */
export function githubIo(engine: ActionEngine): ActionIo {
  const workspace = Deno.env.get("GITHUB_WORKSPACE") ?? Deno.cwd();
  const pr = pullRequest();
  const token = core.getInput("github-token");
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => core.setSecret(value),
    info: (message) => core.info(message),
    warning: (message, properties) => core.warning(message, properties),
    error: (message, properties) => core.error(message, properties),
    setFailed: (message) => core.setFailed(message),
    writeSummary,
    workspace,
    env: Deno.env,
    pullRequest: pr,
    comments: pr && token ? commentsApi(token, pr.number) : undefined,
    git: commandGit(workspace),
    engine,
  };
}

/**
 * Runs the action with `engine` (tide's own by default).
 *
 * @example
 * ```ts ignore
 * // The action's entry (action.yml runs this file): inputs from INPUT_*, results to GitHub.
 * import { main } from "./main.ts";
 *
 * await main();
 * ```
 */
export async function main(engine?: ActionEngine): Promise<void> {
  try {
    await run(githubIo(engine ?? await realEngine()));
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}

if (import.meta.main) {
  await main();
  // Done, its drivers closed: exiting now ends a job whose TypeScript migration left a timer or
  // a socket open, which would otherwise run until the job's timeout. The status is the one
  // `core.setFailed` set (`process.exitCode` is `Deno.exitCode`).
  Deno.exit();
}
