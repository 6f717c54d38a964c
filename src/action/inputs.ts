/**
 * Reads and checks the action's inputs.
 *
 * @module
 */
import { resolve } from "node:path";
import { DEFAULT_SETTINGS } from "../config/config_file.ts";
import {
  moduleDir,
  modulesAlongside,
  type ResolvedSettings,
  resolveRunSettings,
  settingFlag,
  type SettingValues,
} from "../config/resolve.ts";
import { MigrationError } from "../errors.ts";
import { formatByName } from "../files/formats/registry.ts";
import type { LoadOptions } from "../files/load.ts";
import type { ModuleDir } from "../files/load.ts";
import type { ActionIo } from "./io.ts";
import { FAIL_ON_KINDS, FINDING_KINDS, type FindingKind } from "./report.ts";

/** The action's modes. */
export const MODES = ["check", "plan", "apply", "drift"] as const;

/**
 * Inputs that override a setting of the project's configuration, each named like the CLI flag of
 * its setting (`settingFlag`). A new setting's input is one entry here and one in action.yml.
 */
export const SETTING_INPUTS: readonly string[] = [
  "dir",
  "format",
  "pattern",
  "database-url",
  "schema",
  "module",
  "table",
  "lock-timeout",
  "statement-timeout",
  "allow-out-of-order",
];

/** The action's inputs, checked, with paths made absolute. */
export interface ActionInputs {
  /**
   * `check` verifies a PR's migrations; `plan` lists what `apply` would run; `apply` migrates;
   * `drift` compares a database with its migrations.
   */
  mode: typeof MODES[number];
  /** The other modules a run takes with the one in force, with absolute directories. */
  modules: ModuleDir[];
  /**
   * Every other module of the config, even with the `module` input: check applies what the
   * migrations require of them, drift builds their applied migrations too.
   */
  otherModules: ModuleDir[];
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
  /** The settings in force: the project's config file, overridden by the setting inputs. */
  settings: ResolvedSettings;
  /** How to read the migrations directory: its format (default auto) and pattern. */
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

/** Parses `fail-on`: a comma list of finding kinds; empty means all of them. */
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

/** How the settings say to read the directory; an unknown format name fails here, before work. */
function loadOptionsOf(settings: ResolvedSettings): LoadOptions {
  if (settings.format !== "auto") formatByName(settings.format);
  return {
    format: settings.format,
    ...(settings.pattern === "" ? {} : { pattern: settings.pattern }),
    placeholders: settings.placeholders,
  };
}

/** The setting inputs' values, booleans read as such; unset inputs are left out. */
function settingValues(io: Pick<ActionIo, "getInput">): SettingValues {
  const booleans = new Set(
    Object.entries(DEFAULT_SETTINGS).filter(([, value]) => typeof value === "boolean")
      .map(([key]) => settingFlag(key)),
  );
  const values: Record<string, string | boolean> = {};
  for (const name of SETTING_INPUTS) {
    const value = io.getInput(name);
    if (value === "") continue;
    values[name] = booleans.has(name) ? parseBoolean(name, value) : value;
  }
  return values;
}

/**
 * Reads every input through `io.getInput`, and the project's configuration (`tide.json`, or the
 * `"tide"` key of `deno.json`, in the working directory; or the `config` input) exactly as the
 * CLI does, the setting inputs overriding it. Relative paths resolve against the workspace plus
 * `working-directory`, never the action's own folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readInputs } from "./inputs.ts";
 *
 * const io = {
 *   workspace: "/nonexistent/repo",
 *   getInput: (name: string) => name === "dir" ? "db" : "",
 *   env: { get: () => undefined },
 * };
 * assert.equal((await readInputs(io)).dir, "/nonexistent/repo/db");
 * ```
 */
export async function readInputs(
  io: Pick<ActionIo, "getInput" | "workspace" | "env">,
): Promise<ActionInputs> {
  const mode = io.getInput("mode") || "check";
  if (!(MODES as readonly string[]).includes(mode)) {
    throw configError(
      `Reading the action's inputs: mode is "${mode}". Use check (verify a PR), plan (list what ` +
        "apply would run), apply (migrate) or drift (compare a database with its migrations).",
    );
  }
  const workingDirectory = resolve(io.workspace, io.getInput("working-directory") || ".");
  const settings = await resolveRunSettings({
    values: settingValues(io),
    configFile: io.getInput("config") || undefined,
    environment: io.getInput("environment") || undefined,
    cwd: workingDirectory,
    env: io.env,
    label: (name) => `The input ${name}`,
  });
  // Directories and modules by the CLI's rules: the `dir` and `module` inputs act as the flags.
  const dir = moduleDir(settings, undefined, io.getInput("dir") !== "");
  const dirs = (names: string[]) =>
    names.map((module) => ({
      module,
      dir: resolve(workingDirectory, moduleDir(settings, module)),
    }));
  const inputs: ActionInputs = {
    mode: mode as ActionInputs["mode"],
    dir: resolve(workingDirectory, dir),
    modules: dirs(modulesAlongside(settings, io.getInput("module") !== "")),
    otherModules: dirs(modulesAlongside(settings, false)),
    workingDirectory,
    databaseUrl: settings.databaseUrl,
    // Templates stay unqualified unless a schema was given, as in the CLI.
    schema: settings.templateSchema,
    module: settings.module || undefined,
    comment: parseBoolean("comment", io.getInput("comment")),
    failOn: parseFailOn(io.getInput("fail-on")),
    settings,
    load: loadOptionsOf(settings),
  };
  const setup = io.getInput("verify-setup") || settings.verify.setup;
  if (setup !== "") inputs.verifySetup = resolve(workingDirectory, setup);
  if (mode !== "check" && inputs.databaseUrl === undefined) {
    throw configError(
      `Reading the action's inputs: mode ${mode} needs database-url: neither that input, nor ` +
        "DATABASE_URL, nor the config file's databaseUrl" +
        (settings.environment ? ` (environment "${settings.environment}")` : "") +
        " gives a database. Pass it from a secret: database-url: ${{ secrets.DATABASE_URL }}.",
    );
  }
  return inputs;
}
