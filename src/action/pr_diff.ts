/**
 * What a PR does to the migrations directory: the base branch's migrations, and which versions
 * it adds, edits and deletes.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { isAbsolute, join, relative } from "node:path";
import type { LoadOptions } from "../files/load.ts";
import type { Migration } from "../files/migration.ts";
import type { ActionEngine } from "./engine.ts";
import type { FileChange, Git } from "./git.ts";

/** The PR's effect on migrations, by version. */
export interface PrDiff {
  /** Migrations on the base commit; empty when they could not be read. */
  base: Migration[];
  /** Versions the head has and the base has not. */
  added: string[];
  /** Versions on both sides whose files the PR changes. */
  edited: string[];
  /** For each changed version, the first file the PR changes (repository-relative). */
  changedFiles: Map<string, string>;
  /** Versions on the base the head no longer has (deleted or renamed away). */
  deleted: string[];
  /** Why the base migrations could not be read, when they could not. */
  baseError?: string;
}

/**
 * A path as GitHub shows it: relative to the repository root.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { repoPath } from "./pr_diff.ts";
 *
 * assert.equal(repoPath("/repo", "/repo/migrations/001_a.up.sql"), "migrations/001_a.up.sql");
 * assert.equal(repoPath("/repo", "migrations/001_a.up.sql"), "migrations/001_a.up.sql");
 * ```
 */
export function repoPath(root: string, path: string): string {
  return (isAbsolute(path) ? relative(root, path) : path).replaceAll("\\", "/");
}

/** Makes sure the base commit is there; shallow checkouts lack it. */
export async function ensureCommit(git: Git, sha: string): Promise<void> {
  if (await git.hasCommit(sha)) return;
  await git.fetchCommit(sha);
}

async function readBase(
  git: Git,
  engine: ActionEngine,
  baseSha: string,
  root: string,
  dir: string,
  load: LoadOptions,
): Promise<Migration[]> {
  // Every file under the directory: formats need sub-folders and files such as sqitch.plan.
  const paths = await git.listFiles(baseSha, dir);
  const files = await Promise.all(paths.map(async (path) => ({
    path: join(root, path),
    bytes: await git.readFile(baseSha, path),
  })));
  if (files.length === 0) return [];
  return await engine.parseMigrationFiles(files, { ...load, dir: join(root, dir) });
}

function byPath(migrations: readonly Migration[], root: string): Map<string, string> {
  const versions = new Map<string, string>();
  for (const migration of migrations) {
    for (const script of [migration.up, migration.down]) {
      if (script) versions.set(repoPath(root, script.path), migration.version);
    }
  }
  return versions;
}

function changedVersions(
  changes: readonly FileChange[],
  base: readonly Migration[],
  head: readonly Migration[],
  root: string,
): Map<string, string> {
  const baseByPath = byPath(base, root);
  const headByPath = byPath(head, root);
  const versions = new Map<string, string>();
  for (const change of changes) {
    for (const path of [change.path, change.oldPath]) {
      if (path === undefined) continue;
      const version = baseByPath.get(path) ?? headByPath.get(path);
      if (version !== undefined && !versions.has(version)) versions.set(version, change.path);
    }
  }
  return versions;
}

/**
 * Compares the head's migrations with the base commit's under `dir`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { testRepo } from "../_test_support/action_harness.ts";
 * import { realEngine } from "./engine.ts";
 * import { commandGit } from "./git.ts";
 * import { diffPullRequest } from "./pr_diff.ts";
 *
 * // The base commit has 001; the PR edits it and adds 002.
 * await using repo = await testRepo({ "migrations/001_a.up.sql": "create table a ();" }, {
 *   "migrations/001_a.up.sql": "create table a (id int);",
 *   "migrations/002_b.up.sql": "create table b ();",
 * });
 * const engine = await realEngine();
 * const dir = join(repo.dir, "migrations");
 * const head = await engine.loadMigrations(dir);
 * const diff = await diffPullRequest(commandGit(repo.dir), engine, head, repo.baseSha, dir);
 * assert.deepEqual([diff.added, diff.edited, diff.deleted], [["002"], ["001"], []]);
 * ```
 */
export async function diffPullRequest(
  git: Git,
  engine: ActionEngine,
  head: readonly Migration[],
  baseSha: string,
  dir: string,
  load: LoadOptions = {},
): Promise<PrDiff> {
  await ensureCommit(git, baseSha);
  const root = await git.root();
  const relativeDir = repoPath(root, dir) || ".";
  let base: Migration[] = [];
  let baseError: string | undefined;
  try {
    base = await readBase(git, engine, baseSha, root, relativeDir, load);
  } catch (error) {
    baseError = errorMessage(error);
  }
  const changes = await git.changedFiles(baseSha, relativeDir);
  const baseVersions = new Set(base.map((migration) => migration.version));
  const headVersions = new Set(head.map((migration) => migration.version));
  const changed = changedVersions(changes, base, head, root);
  return {
    base,
    added: [...headVersions].filter((version) => !baseVersions.has(version)),
    edited: [...changed.keys()].filter((v) => baseVersions.has(v) && headVersions.has(v)),
    changedFiles: changed,
    deleted: [...baseVersions].filter((version) => !headVersions.has(version)),
    baseError,
  };
}
