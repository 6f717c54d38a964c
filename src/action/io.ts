/**
 * Everything the action's logic touches outside itself, as one object: inputs, outputs, logs,
 * annotations, the job summary, the PR comment API, git and the engine. `main.ts` builds it from
 * `@actions/core` and `@actions/github`; tests build fakes.
 *
 * @module
 */
import type { EnvReader } from "../config/resolve.ts";
import type { ActionEngine } from "./engine.ts";
import type { Git } from "./git.ts";

/** Where a file annotation points; paths are relative to the repository root. */
export interface AnnotationProperties {
  /** Short title shown above the message. */
  title?: string;
  /** File, relative to the repository root. */
  file?: string;
  /** 1-based line. */
  startLine?: number;
  /** 1-based column. */
  startColumn?: number;
}

/** A PR comment as the action sees it. */
export interface IssueComment {
  /** Comment id. */
  id: number;
  /** Markdown body. */
  body: string;
  /** Link to the comment. */
  url: string;
}

/** The PR comment API: one issue's comments. Errors carry the HTTP `status` (403 on forks). */
export interface CommentsApi {
  /** Every comment on the PR, all pages. */
  list(): Promise<IssueComment[]>;
  /** Posts a new comment. */
  create(body: string): Promise<IssueComment>;
  /** Replaces a comment's body. */
  update(id: number, body: string): Promise<IssueComment>;
}

/** The pull request that triggered the run. */
export interface PullRequestInfo {
  /** PR number. */
  number: number;
  /** Commit the PR is compared against. */
  baseSha: string;
  /** The PR's head commit. */
  headSha: string;
}

/**
 * The action's view of the world.
 *
 * @example A fake that records outputs
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ActionIo } from "./io.ts";
 *
 * const outputs = new Map<string, string>();
 * const setOutput: ActionIo["setOutput"] = (name, value) => void outputs.set(name, value);
 * setOutput("verdict", "pass");
 * assert.equal(outputs.get("verdict"), "pass");
 * ```
 */
export interface ActionIo {
  /** An input's trimmed value; `""` when not set. */
  getInput(name: string): string;
  /** Sets a step output. */
  setOutput(name: string, value: string): void;
  /** Masks a value in every later log line. */
  setSecret(value: string): void;
  /** Logs a line. */
  info(message: string): void;
  /** Logs a warning, as a file annotation when `properties` has a file. */
  warning(message: string, properties?: AnnotationProperties): void;
  /** Logs an error, as a file annotation when `properties` has a file. */
  error(message: string, properties?: AnnotationProperties): void;
  /** Marks the step failed with a message. */
  setFailed(message: string): void;
  /** Appends markdown to the job summary. */
  writeSummary(markdown: string): Promise<void>;
  /** Absolute path of the checked-out repository (GITHUB_WORKSPACE). */
  workspace: string;
  /** Environment variables: `DATABASE_URL`, `TIDE_ENV` and the config file's `${VAR}`s. */
  env: EnvReader;
  /** The PR that triggered the run, when one did. */
  pullRequest?: PullRequestInfo;
  /** The PR's comments; `undefined` without a PR or a token. */
  comments?: CommentsApi;
  /** Git, run in the workspace. */
  git: Git;
  /** tide itself. */
  engine: ActionEngine;
}
