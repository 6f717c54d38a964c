/**
 * Printing of runs (`up`, `down`, `redo`, `reset`, `fresh`): dbmate-style progress lines, dry-run plans
 * with their SQL, and the JSON result.
 *
 * @module
 */
import type { ProgressEvent, RunResult, StepResult } from "../engine/migrator.ts";
import { isBlankSql } from "../files/parse.ts";
import { formatMs, type Output } from "./output.ts";
import { migrationLabel } from "../files/version.ts";

const WORDS = {
  up: { start: "Applying", done: "Applied" },
  down: { start: "Rolling back", done: "Rolled back" },
} as const;

/**
 * A progress callback printing `Applying: 003_add_users` and `Applied: 003_add_users in 12ms`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 * import { progressPrinter } from "./run_output.ts";
 *
 * const lines: string[] = [];
 * const io = { stdout: (line: string) => lines.push(line), stderr() {}, isTerminal: false };
 * const print = progressPrinter(new Output({ ...io, env: new Map(), cwd: "." }));
 * const step = {
 *   direction: "down" as const,
 *   version: "003",
 *   name: "add_users",
 *   storedDownSql: "drop table users;",
 *   storedNoTransaction: false,
 * };
 * print({ type: "start", step });
 * print({ type: "done", step, durationMs: 12.3 });
 * assert.deepEqual(lines, ["Rolling back: 003_add_users", "Rolled back: 003_add_users in 12ms"]);
 * ```
 */
export function progressPrinter(out: Output): (event: ProgressEvent) => void {
  return (event) => {
    if (event.type === "lock-wait") return printLockWait(out, event);
    const module = event.step.direction === "up" ? event.step.module : undefined;
    const label = `${module ? `${module}:` : ""}${migrationLabel(event.step)}`;
    const words = WORDS[event.step.direction];
    if (event.type === "start") out.line(`${words.start}: ${label}`);
    else if (event.type === "log") out.line(`  ${label}: ${event.line}`);
    else if (event.type === "statement") out.line(echo(event.sql, event.durationMs));
    else if (event.type === "done") {
      out.line(`${out.paint("green", words.done)}: ${label} in ${formatMs(event.durationMs)}`);
    } else {
      out.line(
        `Retrying: ${label} in ${formatMs(event.delayMs)} ` +
          `(it hit lock_timeout; attempt ${event.attempt + 1})`,
      );
    }
  };
}

/**
 * A statement as `--verbose` echoes it: indented, blank lines and trailing spaces dropped, its
 * time after its last line.
 */
function echo(sql: string, durationMs: number): string {
  const lines = sql.trim().split(/\r?\n/).filter((line) => line.trim() !== "");
  const indented = lines.map((line) => `    ${line.trimEnd()}`);
  indented[indented.length - 1] += `  -- ${formatMs(durationMs)}`;
  return indented.join("\n");
}

/** A wait for a lock, as the server advisory lock and the PGlite data directory lock report it. */
export interface LockWaitNotice {
  /** What is waited for; default: the migration lock (a server's advisory lock). */
  what?: string;
  /** How long this process has waited so far, in milliseconds. */
  waitedMs: number;
  /** How long it waits in all, in milliseconds; absent when it waits as long as it takes. */
  waitMs?: number;
  /** Who holds the lock, when known. */
  holder?: {
    /** Process id (a server backend's, or a local process's). */
    pid: number;
    /** What the holder runs, e.g. `tide up`. */
    command?: string;
    /** The holder session's `application_name`. */
    applicationName?: string;
    /** The holder session's database user. */
    user?: string;
    /** When it took the lock, when known. */
    heldSince?: Date;
    /** When its session started (a server does not tell when a lock was taken). */
    since?: Date | null;
  };
}

/**
 * Prints, on stderr, who holds the lock this run waits for and for how long:
 * `Waiting for the migration lock: held by pid 41 (application "tide", user "app", connected
 * 2m 5s ago); waited 5s of 60s.`
 *
 * @example
 * ```ts ignore
 * printLockWait(ctx.out, { waitedMs: 5_000, waitMs: 60_000, holder: { pid: 41 } });
 * ```
 */
export function printLockWait(out: Output, wait: LockWaitNotice): void {
  const limit = wait.waitMs === undefined ? "" : ` of ${formatDuration(wait.waitMs)}`;
  const waited = formatDuration(Math.floor(wait.waitedMs / 1000) * 1000);
  const what = wait.what ?? "the migration lock";
  out.note(`Waiting for ${what}: ${holderText(wait.holder)}; waited ${waited}${limit}.`);
}

function holderText(holder: LockWaitNotice["holder"]): string {
  if (holder === undefined) return "held by another run (its holder could not be identified)";
  const ago = (date: Date) => formatDuration(Date.now() - date.getTime());
  const details = [
    holder.command,
    holder.applicationName && `application "${holder.applicationName}"`,
    holder.user && `user "${holder.user}"`,
    holder.since && `connected ${ago(holder.since)} ago`,
  ].filter((detail): detail is string => typeof detail === "string" && detail !== "");
  const who = `held by pid ${holder.pid}${details.length ? ` (${details.join(", ")})` : ""}`;
  return holder.heldSince ? `${who} for ${ago(holder.heldSince)}` : who;
}

/** `850ms`, `1.5s`, `12s`, `2m 5s`. */
function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 10_000 && ms % 1000 >= 50) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

/** One migration in the JSON result of a run. */
export interface StepJson {
  /** Version as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** Whole milliseconds. */
  durationMs: number;
  /** Up or down, for runs that do both. */
  direction?: "up" | "down";
  /** The SQL that would run, in dry runs. */
  sql?: string;
  /** The file holding the up, relative to the migrations directory. */
  file?: string;
  /** The file holding the down, relative to the migrations directory. */
  downFile?: string;
  /** `typescript` for a TypeScript migration (whose `sql` is empty). */
  code?: "typescript";
  /** Its module, in a run of several modules. */
  module?: string;
  /** With `--verbose`: each statement it ran, as sent, with its time in whole milliseconds. */
  statements?: { sql: string; durationMs: number }[];
}

function stepJson(
  step: StepResult,
  dryRun: boolean,
  withDirection: boolean,
  file: (path: string) => string,
): StepJson {
  return {
    version: step.version,
    name: step.name,
    durationMs: Math.round(step.durationMs),
    ...(withDirection ? { direction: step.direction } : {}),
    ...(dryRun ? { sql: step.sql } : {}),
    ...(step.file === undefined ? {} : { file: file(step.file) }),
    ...(step.downFile === undefined ? {} : { downFile: file(step.downFile) }),
    ...(step.code === undefined ? {} : { code: step.code }),
    ...(step.module === undefined ? {} : { module: step.module }),
    ...(step.statements === undefined ? {} : {
      statements: step.statements.map((s) => ({
        sql: s.sql,
        durationMs: Math.round(s.durationMs),
      })),
    }),
  };
}

/**
 * Prints the end of a run: the plan and SQL of a dry run, or a line when nothing was to do, and
 * the JSON object `{ direction, dryRun, migrations }` with `--json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 * import { printRun } from "./run_output.ts";
 *
 * const lines: string[] = [];
 * const io = { stdout: (line: string) => lines.push(line), stderr() {}, isTerminal: false };
 * const out = new Output({ ...io, env: new Map(), cwd: "." });
 * const step = { version: "001", name: "init", direction: "up" as const, durationMs: 0 };
 * printRun(out, "up", { dryRun: true, steps: [{ ...step, sql: "create table t ();\n" }] });
 * assert.deepEqual(lines, [
 *   "Dry run: would apply 1 migration; nothing was run.",
 *   "",
 *   "-- Would apply: 001_init",
 *   "create table t ();",
 * ]);
 * ```
 */
export function printRun(
  out: Output,
  direction: "up" | "down" | "redo" | "reset" | "fresh",
  result: RunResult,
  file: (path: string) => string = (path) => path,
  extra: Record<string, unknown> = {},
): void {
  const both = direction === "redo" || direction === "reset";
  out.result({
    direction,
    dryRun: result.dryRun,
    ...extra,
    migrations: result.steps.map((step) => stepJson(step, result.dryRun, both, file)),
  });
  for (const step of result.steps) {
    if (step.direction !== "up" || step.code !== undefined || !isBlankSql(step.sql)) continue;
    out.warn(
      `${step.file ?? migrationLabel(step)} holds no statement: it ` +
        `${result.dryRun ? "would run" : "ran"} nothing and ${
          result.dryRun ? "would be" : "was"
        } recorded as applied. Write the change there first if it is a scaffold from \`tide new\`.`,
    );
  }
  if (result.steps.length === 0) {
    out.line(
      direction === "down"
        ? "Nothing to roll back: no migration is applied."
        : direction === "up"
        ? "Nothing to apply: the database is up to date."
        : direction === "fresh"
        ? "Nothing to apply: there is no migration."
        : "Nothing to do: no migration is applied.",
    );
    return;
  }
  if (!result.dryRun) return;
  const verb = direction === "down" ? "roll back" : "apply";
  const count = result.steps.length;
  out.line(`Dry run: would ${verb} ${count} migration${count === 1 ? "" : "s"}; nothing was run.`);
  for (const step of result.steps) {
    out.line("");
    out.line(
      `-- ${step.direction === "down" ? "Would roll back" : "Would apply"}: ${
        step.module ? `${step.module}:` : ""
      }${migrationLabel(step)}`,
    );
    out.line(step.code === undefined ? step.sql.trimEnd() : codeLine(step, file));
  }
}

/** What a dry run says of a TypeScript migration: its code would run; it is not run now. */
function codeLine(step: StepResult, file: (path: string) => string): string {
  const where = step.file === undefined ? migrationLabel(step) : file(step.file);
  return `-- TypeScript: would run ${step.direction}(ctx) of ${where}; a dry run does not run ` +
    "it (nor import it), so its SQL is not shown.";
}
