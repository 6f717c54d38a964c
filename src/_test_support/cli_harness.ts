/**
 * Test harness of the CLI: runs `main()` in-process with captured output, builds throwaway
 * projects, and compares output with golden files (refresh with `UPDATE_GOLDEN=1`).
 *
 * @module
 */
import { equal } from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../cli/main.ts";

/** What one CLI run printed and returned. */
export interface CliRun {
  /** Exit status. */
  code: number;
  /** Lines on stdout, joined by newlines. */
  stdout: string;
  /** Lines on stderr, joined by newlines. */
  stderr: string;
}

/** Options of {@linkcode runCli}. */
export interface RunOptions {
  /** Project directory. */
  cwd: string;
  /** Environment variables; nothing from the real environment leaks in. */
  env?: Record<string, string>;
  /** Pretend stdout is a terminal. */
  isTerminal?: boolean;
}

/**
 * Runs `tide <args>` in-process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeProject, runCli } from "./cli_harness.ts";
 *
 * const cwd = await makeProject(); // FIXTURE: three migrations, each with a down
 * const { code, stdout } = await runCli(["validate"], { cwd }); // offline: no database given
 * assert.equal(code, 0);
 * assert.match(stdout, /3 migrations/);
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export async function runCli(args: string[], options: RunOptions): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const env = new Map(Object.entries(options.env ?? {}));
  const code = await main(args, {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    isTerminal: options.isTerminal ?? false,
    env: { get: (name) => env.get(name) },
    cwd: options.cwd,
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** Three migrations, the second in the single-file format. */
export const FIXTURE: Record<string, string> = {
  "001_create_users.up.sql": "create table users (id int primary key);\n",
  "001_create_users.down.sql": "drop table users;\n",
  "002_add_email.sql": "-- migrate:up\nalter table users add column email text;\n\n" +
    "-- migrate:down\nalter table users drop column email;\n",
  "003_create_posts.up.sql":
    "create table posts (id int primary key, user_id int references users);\n",
  "003_create_posts.down.sql": "drop table posts;\n",
};

/**
 * A temporary project whose `migrations/` holds `files`; remove it with `Deno.remove`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { makeProject } from "./cli_harness.ts";
 *
 * const cwd = await makeProject({ "001_a.up.sql": "create table a ();\n" });
 * assert.equal(await Deno.readTextFile(`${cwd}/migrations/001_a.up.sql`), "create table a ();\n");
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export async function makeProject(files: Record<string, string> = FIXTURE): Promise<string> {
  const cwd = await Deno.makeTempDir({ prefix: "tide-cli-" });
  await Deno.mkdir(join(cwd, "migrations"));
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(cwd, "migrations", name), text);
  }
  return cwd;
}

/**
 * Replaces what changes from run to run: durations, dates and test database URLs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalize } from "./cli_harness.ts";
 *
 * assert.equal(normalize("Applied: 001_a in 12ms"), "Applied: 001_a in <duration>");
 * assert.equal(normalize("001  applied 2026-01-21 09:30:00 UTC"), "001  applied <date>");
 * assert.equal(normalize('"database": "postgres://pg@127.0.0.1:5/t_1"'), '"database": "<database>"');
 * assert.equal(normalize("--database-url postgres://..."), "--database-url postgres://...");
 * ```
 */
export function normalize(text: string): string {
  return text
    .replace(/\b\d+(?:\.\d+)?(?:ms|s)\b/g, "<duration>")
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, "<date>")
    .replace(/postgres(?:ql)?:\/\/[^\s"@]+@[^\s"]+/g, "<database>"); // a URL, not "postgres://..."
}

/**
 * `stderr` without the `Database: ...` line every command that touches a database starts with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutDatabaseLine } from "./cli_harness.ts";
 *
 * assert.equal(withoutDatabaseLine("Database: memory://\nwarning: x"), "warning: x");
 * ```
 */
export function withoutDatabaseLine(stderr: string): string {
  return stderr.replace(/^Database: .*(?:\n|$)/, "");
}

/**
 * Compares `actual` with `testdata/<name>`, or rewrites the file when `UPDATE_GOLDEN=1`.
 *
 * @example
 * ```ts ignore
 * // Not run as a doc test: with UPDATE_GOLDEN=1 it would rewrite src/cli/testdata/up.txt.
 * import { testDatabaseUrl } from "./postgres_server.ts";
 * import { assertGolden, makeProject, normalize, runCli } from "./cli_harness.ts";
 *
 * const cwd = await makeProject();
 * const env = { DATABASE_URL: await testDatabaseUrl() };
 * const run = await runCli(["up", "--to", "002"], { cwd, env });
 * await assertGolden("up.txt", normalize(run.stdout));
 * ```
 */
export async function assertGolden(name: string, actual: string): Promise<void> {
  const path = fileURLToPath(new URL(`../cli/testdata/${name}`, import.meta.url));
  if (Deno.env.get("UPDATE_GOLDEN") === "1") {
    await Deno.writeTextFile(path, actual + "\n");
    return;
  }
  const expected = await Deno.readTextFile(path);
  equal(
    actual + "\n",
    expected,
    `output differs from ${name}; run with UPDATE_GOLDEN=1 if intended`,
  );
}
