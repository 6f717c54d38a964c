/**
 * Reads and checks the action's inputs.
 *
 * @module
 */
import { resolve } from "node:path";
import { MigrationError } from "../errors.ts";
import type { ActionIo } from "./io.ts";
import { FINDING_KINDS, type FindingKind } from "./report.ts";

/** The action's inputs, checked, with paths made absolute. */
export interface ActionInputs {
  /** `check` verifies a PR's migrations; `apply` migrates a database. */
  mode: "check" | "apply";
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

/** Parses `fail-on`: a comma list of finding kinds; empty means all of them. */
export function parseFailOn(value: string): Set<FindingKind> {
  const names = value.split(",").map((name) => name.trim()).filter((name) => name !== "");
  if (names.length === 0) return new Set(FINDING_KINDS);
  const unknown = names.filter((name) => !FINDING_KINDS.includes(name as FindingKind));
  if (unknown.length > 0) {
    throw configError(
      `Reading the action's inputs: fail-on lists unknown finding(s) ${unknown.join(", ")}. ` +
        `Use a comma list of ${FINDING_KINDS.join(", ")}.`,
    );
  }
  return new Set(names as FindingKind[]);
}

/**
 * Reads every input through `io.getInput`. Relative paths resolve against the workspace plus
 * `working-directory`, never the action's own folder.
 *
 * @example
 * ```ts
 * import { readInputs } from "./inputs.ts";
 * import type { ActionIo } from "./io.ts";
 *
 * const io = { workspace: "/repo", getInput: (name: string) => name === "dir" ? "db" : "" };
 * console.log(readInputs(io as unknown as ActionIo).dir); // /repo/db
 * ```
 */
export function readInputs(io: Pick<ActionIo, "getInput" | "workspace">): ActionInputs {
  const mode = io.getInput("mode") || "check";
  if (mode !== "check" && mode !== "apply") {
    throw configError(
      `Reading the action's inputs: mode is "${mode}". Use check (verify a PR) or apply (migrate).`,
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
  };
  const setup = io.getInput("verify-setup");
  if (setup !== "") inputs.verifySetup = resolve(workingDirectory, setup);
  if (mode === "apply" && inputs.databaseUrl === undefined) {
    throw configError(
      "Reading the action's inputs: mode apply needs database-url. " +
        "Pass it from a secret: database-url: ${{ secrets.DATABASE_URL }}.",
    );
  }
  return inputs;
}
