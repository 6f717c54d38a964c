/**
 * The few git commands the check mode needs, run with `git` on the PATH.
 *
 * @module
 */

/** One file the PR changes, paths relative to the repository root. */
export interface FileChange {
  /** `A` added, `M` modified, `D` deleted, `R` renamed, `C` copied, `T` type changed. */
  status: "A" | "M" | "D" | "R" | "C" | "T";
  /** Path on the head side (for `D`, the deleted path). */
  path: string;
  /** Path on the base side, for `R` and `C`. */
  oldPath?: string;
}

/**
 * Git as the action uses it; every path is relative to the repository root.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { commandGit } from "./git.ts";
 *
 * const repo = await Deno.realPath(await Deno.makeTempDir());
 * await new Deno.Command("git", { args: ["init", "-q"], cwd: repo }).output();
 * await Deno.mkdir(join(repo, "migrations"));
 * const git = commandGit(join(repo, "migrations")); // any folder inside the repository
 * assert.equal(await git.root(), repo);
 * assert.equal(await git.hasCommit("HEAD"), false); // nothing committed yet
 * await Deno.remove(repo, { recursive: true });
 * ```
 */
export interface Git {
  /** Absolute path of the repository root. */
  root(): Promise<string>;
  /** True when the commit is in the local repository. */
  hasCommit(sha: string): Promise<boolean>;
  /** Fetches one commit from `origin` (shallow checkouts lack the PR's base). */
  fetchCommit(sha: string): Promise<void>;
  /** Files changed between `base` and `HEAD` under `dir`, renames detected. */
  changedFiles(base: string, dir: string): Promise<FileChange[]>;
  /** Every file under `dir` at `rev`, sub-folders included; none if absent. */
  listFiles(rev: string, dir: string): Promise<string[]>;
  /** A file's bytes at `rev`. */
  readFile(rev: string, path: string): Promise<Uint8Array>;
}

async function git(cwd: string, args: string[]): Promise<Uint8Array> {
  const output = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(`Running git ${args.join(" ")} in ${cwd} failed: ${stderr}`);
  }
  return output.stdout;
}

async function gitText(cwd: string, args: string[]): Promise<string> {
  return new TextDecoder().decode(await git(cwd, args));
}

async function exists(cwd: string, object: string): Promise<boolean> {
  const args = ["cat-file", "-e", object];
  const status = await new Deno.Command("git", { args, cwd, stdout: "null", stderr: "null" })
    .output();
  return status.success;
}

/** Parses `git diff --name-status -z` output. */
export function parseNameStatus(text: string): FileChange[] {
  const fields = text.split("\0").filter((field) => field !== "");
  const changes: FileChange[] = [];
  for (let i = 0; i < fields.length;) {
    const status = fields[i++].charAt(0) as FileChange["status"];
    if (status === "R" || status === "C") {
      changes.push({ status, oldPath: fields[i], path: fields[i + 1] });
      i += 2;
    } else {
      changes.push({ status, path: fields[i++] });
    }
  }
  return changes;
}

/**
 * Git run as a subprocess from `cwd` (any folder inside the repository).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { testRepo } from "../_test_support/action_harness.ts";
 * import { commandGit } from "./git.ts";
 *
 * // A base commit with 001, and a head commit on top that adds 002.
 * await using repo = await testRepo(
 *   { "migrations/001_a.up.sql": "create table a ();\n" },
 *   { "migrations/002_b.up.sql": "create table b ();\n" },
 * );
 * const git = commandGit(repo.dir);
 * assert.deepEqual(await git.changedFiles(repo.baseSha, "migrations"), [
 *   { status: "A", path: "migrations/002_b.up.sql" },
 * ]);
 * assert.deepEqual(await git.listFiles(repo.baseSha, "migrations"), ["migrations/001_a.up.sql"]);
 * ```
 */
export function commandGit(cwd: string): Git {
  let root: Promise<string> | undefined;
  const inRoot = async (args: string[]) => gitText(await self.root(), args);
  const self: Git = {
    root: () => root ??= gitText(cwd, ["rev-parse", "--show-toplevel"]).then((s) => s.trim()),
    hasCommit: (sha) => exists(cwd, `${sha}^{commit}`),
    fetchCommit: async (sha) => {
      await inRoot(["fetch", "--no-tags", "--depth=1", "origin", sha]);
    },
    changedFiles: async (base, dir) =>
      parseNameStatus(
        await inRoot(["diff", "--name-status", "-z", "-M", base, "HEAD", "--", dir]),
      ),
    listFiles: async (rev, dir) => {
      const tree = `${rev}:${dir === "." ? "" : dir}`;
      if (!await self.hasCommit(rev) || !(await exists(cwd, tree))) return [];
      const prefix = dir === "." ? "" : `${dir}/`;
      return (await inRoot(["ls-tree", "-r", "-z", tree])).split("\0")
        .map((line) => line.match(/^\d+ blob \S+\t(.*)$/s)?.[1])
        .filter((name) => name !== undefined).map((name) => prefix + name);
    },
    readFile: async (rev, path) => git(await self.root(), ["show", `${rev}:${path}`]),
  };
  return self;
}
