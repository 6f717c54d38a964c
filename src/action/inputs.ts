/**
 * Reads and checks the action's inputs.
 *
 * @module
 */
import { resolve } from "node:path";
import { MigrationError } from "../errors.ts";
import type { ActionIo } from "./io.ts";
import { FAIL_ON_KINDS, FINDING_KINDS, type FindingKind } from "./report.ts";
import { DEFAULT_FORMAT, type LoadOptions } from "../files/load.ts";
import { formatByName } from "../files/formats/registry.ts";

/** The action's inputs, checked, with paths made absolute. */
export interface ActionInputs {
  /** `check` verifies a PR's migrations; `apply` migrates a database; `drift` compares one. */
  mode: "check" | "apply" | "drift";
  /** Absolute migrations directory. */
  dir: string;
  /** Absolute working directory (workspace + `working-directory`). */
  workingDirectory: string;
  /** Database URL (apply mode). */
  databaseUrl?: string;
  /** Schema for tide's table and snapshots. */
  schema?: string;
  /** Module (group of migrations tracked apart) the migrations belong to. */
  module?: string;
  /** Post or update the PR comment (check mode). */
  comment: boolean;
  /** Finding kinds that fail the check. */
  failOn: ReadonlySet<FindingKind>;
  /** How to read the migrations directory: `format` (default auto) and `pattern`. */
  load: LoadOptions;
  /** Absolute path of the SQL file the round-trip check runs before the first migration. */
  verifySetup?: string;
}

function configError(message: string): MigrationError {
  return new MigrationError("CONFIG_ERROR", message);
}

function parseBoolean(name: string, value: string): boolean {
  if (value === "" || /^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw configError(
    `Reading the action's inputs: ${name} is "${value}", not a boolean. Use true or false.`,
  );
}

/** Parses `fail-on`: a comma list of finding kinds; empty means all but `lint`. */
export function parseFailOn(value: string): Set<FindingKind> {
  const names = value.split(",").map((name) => name.trim()).filter((name) => name !== "");
  if (names.length === 0) return new Set(FINDING_KINDS);
  const unknown = names.filter((name) => !FAIL_ON_KINDS.includes(name as FindingKind));
  if (unknown.length > 0) {
    throw configError(
      `Reading the action's inputs: fail-on lists unknown finding(s) ${unknown.join(", ")}. ` +
        `Use a comma list of ${FAIL_ON_KINDS.join(", ")}.`,
    );
  }
  return new Set(names as FindingKind[]);
}

function loadInputs(io: Pick<ActionIo, "getInput">): LoadOptions {
  const format = io.getInput("format") || DEFAULT_FORMAT;
  if (format !== "auto") formatByName(format); // an unknown name fails here, before any work
  const pattern = io.getInput("pattern");
  return { format, ...(pattern === "" ? {} : { pattern }) };
}

/**
 * Reads every input through `io.getInput`. Relative paths resolve against the workspace plus
 * `working-directory`, never the action's own folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readInputs } from "./inputs.ts";
 *
 * const given: Record<string, string> = { dir: "db", "working-directory": "app" };
 * const inputs = readInputs({ workspace: "/repo", getInput: (name) => given[name] ?? "" });
 * assert.deepEqual([inputs.mode, inputs.dir, inputs.comment], ["check", "/repo/app/db", true]);
 * ```
 */
export function readInputs(io: Pick<ActionIo, "getInput" | "workspace">): ActionInputs {
  const mode = io.getInput("mode") || "check";
  if (mode !== "check" && mode !== "apply" && mode !== "drift") {
    throw configError(
      `Reading the action's inputs: mode is "${mode}". Use check (verify a PR), apply ` +
        "(migrate) or drift (compare a database with its migrations).",
    );
  }
  const workingDirectory = resolve(io.workspace, io.getInput("working-directory") || ".");
  const inputs: ActionInputs = {
    mode,
    dir: resolve(workingDirectory, io.getInput("dir") || "migrations"),
    workingDirectory,
    databaseUrl: io.getInput("database-url") || undefined,
    schema: io.getInput("schema") || undefined,
    module: io.getInput("module") || undefined,
    comment: parseBoolean("comment", io.getInput("comment")),
    failOn: parseFailOn(io.getInput("fail-on")),
    load: loadInputs(io),
  };
  const setup = io.getInput("verify-setup");
  if (setup !== "") inputs.verifySetup = resolve(workingDirectory, setup);
  if (mode !== "check" && inputs.databaseUrl === undefined) {
    throw configError(
      `Reading the action's inputs: mode ${mode} needs database-url. ` +
        "Pass it from a secret: database-url: ${{ secrets.DATABASE_URL }}.",
    );
  }
  return inputs;
}
