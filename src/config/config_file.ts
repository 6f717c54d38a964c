/**
 * The optional config file: `tide.json`, or a `"tide"` key in `deno.json`, with the same
 * settings as the flags and named environments.
 *
 * Over 300 lines: the file's schema and the rule of each setting are one rule set, which the CLI
 * and the Action both use. An environment's overlay is `environments.ts`; the `lint` section,
 * checked against the lint rules, is `lint_config.ts`.
 *
 * @module
 */
import { join } from "../files/paths.ts"; // not node:path: see paths.ts
import { errorMessage, MigrationError } from "../errors.ts";
import {
  DEFAULT_LEDGER_LOCATION,
  type LedgerLocation,
  ledgerTables,
} from "../engine/ledger_location.ts";
import { DEFAULT_FORMAT, DEFAULT_MIGRATIONS_DIR } from "../files/defaults.ts";
import { DEFAULT_TIMEOUTS, type Timeouts } from "../engine/timeouts.ts";

/** Settings of a run that are not the ledger's location nor timeouts. */
export interface RunSettings {
  /** Migrations directory. */
  dir: string;
  /** Database URL; `${VAR}` is replaced by the environment variable VAR. */
  databaseUrl: string;
  /** Allow pending migrations older than the newest applied one. */
  allowOutOfOrder: boolean;
  /** Refuse `down`, `reset` and `repair` without `--yes`. */
  protected: boolean;
  /** Format of the migrations directory: a tool's name (`goose`, `flyway`, ...) or `auto`. */
  format: string;
  /** `pattern` format: a regular expression with named groups `version`, `name`, `direction`. */
  pattern: string;
  /** Flyway `${name}` placeholders, by name. */
  placeholders: Record<string, string>;
  /**
   * Other modules of the same tracking table, by name, each with its migrations directory.
   * `tide up` without `--module` applies them with this one, in an order that meets every
   * `-- tide:requires`; `--module NAME` picks one of them, in its directory.
   */
  modules: Record<string, string>;
}

/** Settings of `tide verify`: the config file's `verify` object. */
export interface VerifySettings {
  /** Fail a data-only migration (its up changes no schema) that has no down. */
  strictData: boolean;
  /** Accept a column dropped and re-added at the end of its table (`--ignore column-order`). */
  ignoreColumnOrder: boolean;
  /** SQL file run on the throwaway database before the first migration; `""` for none. */
  setup: string;
}

/** Settings that a config file, an environment in it, or flags can give; all optional. */
export type Settings = Partial<RunSettings & LedgerLocation & Timeouts> & {
  /** Settings of `tide verify`. */
  verify?: Partial<VerifySettings>;
};

/** Every setting, each one given a value; what `DEFAULT_SETTINGS` fills in. */
export type FullSettings = Required<Omit<Settings, "databaseUrl" | "verify">> & {
  /** Settings of `tide verify`. */
  verify: VerifySettings;
};

/** The value of every setting nobody gave; a database URL has none (the embedded database). */
export const DEFAULT_SETTINGS: Readonly<FullSettings> = Object.freeze({
  dir: DEFAULT_MIGRATIONS_DIR,
  ...DEFAULT_LEDGER_LOCATION,
  ...DEFAULT_TIMEOUTS,
  allowOutOfOrder: false,
  protected: false,
  format: DEFAULT_FORMAT,
  pattern: "",
  placeholders: Object.freeze({}) as Record<string, string>,
  verify: Object.freeze({ strictData: false, ignoreColumnOrder: false, setup: "" }),
  modules: Object.freeze({}) as Record<string, string>,
});

/** `tide lint`'s part of the config: `"lint": { "rules": { "<rule id>": "off" } }`. */
export interface LintConfig {
  /** A level per rule id: `off`, `info`, `warning` or `error`. */
  rules?: Record<string, "off" | "info" | "warning" | "error">;
}

/** A config file's content. */
export interface TideConfig extends Settings {
  /** Named environments, e.g. `production`. */
  environments?: Record<string, Settings>;
  /** `tide lint`'s rule levels (top level only). */
  lint?: LintConfig;
  /** Where it was read from. */
  source?: string;
}

/** The JSON type of a setting; `record` is an object of strings (Flyway's placeholders). */
type SettingType = "string" | "number" | "boolean" | "record";

/** The JSON type of each setting, or of each member of a group of them: the file's schema. */
const SETTING_TYPES: Readonly<
  Record<keyof Settings, SettingType | Readonly<Record<string, SettingType>>>
> = {
  dir: "string",
  databaseUrl: "string",
  schema: "string",
  module: "string",
  table: "string",
  lockWaitMs: "number",
  lockTimeoutMs: "number",
  statementTimeoutMs: "number",
  networkTimeoutMs: "number",
  allowOutOfOrder: "boolean",
  protected: "boolean",
  format: "string",
  pattern: "string",
  placeholders: "record",
  verify: { strictData: "boolean", ignoreColumnOrder: "boolean", setup: "string" },
  modules: "record",
};

/** The longest timeout PostgreSQL takes (`INT_MAX` milliseconds), and the longest tide waits. */
export const MAX_DURATION_MS = 2_147_483_647;

/** Whether setting `key` holds an object of strings (not a group of settings). */
export function isRecordSetting(key: string): boolean {
  return SETTING_TYPES[key as keyof Settings] === "record";
}

/** PostgreSQL truncates longer identifiers, so a longer name would silently become another. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * What is wrong with a setting's value (a sentence after its name), or `undefined` when it is
 * usable: one rule per setting, applied to the config file and to the flags alike, so a bad value
 * is refused at load time instead of failing (or meaning something else) later.
 */
const SETTING_RULES: Readonly<
  Partial<Record<keyof Settings, (value: never) => string | undefined>>
> = {
  schema: (name: string) =>
    identifierProblem(name) ??
      (/^pg_/i.test(name) || name === "information_schema"
        ? `is "${name}", a name reserved for PostgreSQL's system schemas; use a schema of your own`
        : undefined),
  table: (name: string) =>
    identifierProblem(name) ??
      (bytesOf(logTableOf(name)) > MAX_IDENTIFIER_BYTES
        ? `is ${bytesOf(name)} bytes long: its log table "${logTableOf(name)}" would need ` +
          `${bytesOf(logTableOf(name))} bytes, over PostgreSQL's ${MAX_IDENTIFIER_BYTES}; ` +
          `use at most ${MAX_IDENTIFIER_BYTES - 4} bytes`
        : undefined),
  lockWaitMs: durationProblem,
  lockTimeoutMs: durationProblem,
  statementTimeoutMs: durationProblem,
};

/**
 * What is wrong with `value` for setting `key` (a phrase to put after the setting's name), or
 * `undefined` when it is usable. Durations are usable once rounded to whole milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { settingProblem } from "./config_file.ts";
 *
 * assert.equal(settingProblem("lockWaitMs", 1.6), undefined);
 * assert.match(settingProblem("lockTimeoutMs", 0.1) ?? "", /rounds to 0/);
 * assert.match(settingProblem("schema", "pg_catalog") ?? "", /reserved/);
 * ```
 */
export function settingProblem(key: keyof Settings, value: unknown): string | undefined {
  const rule = SETTING_RULES[key] as ((value: unknown) => string | undefined) | undefined;
  return rule?.(value);
}

/** `value` checked by its rule (`CONFIG_ERROR` naming `label`), durations rounded. */
function checkedSetting(key: keyof Settings, value: unknown, label: string): unknown {
  const problem = settingProblem(key, value);
  if (problem !== undefined) throw new MigrationError("CONFIG_ERROR", `${label} ${problem}.`);
  return typeof value === "number" ? Math.round(value) : value;
}

function durationProblem(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return "must be a finite number of milliseconds";
  if (ms < 0) return "must not be negative (0 means no timeout)";
  if (ms > 0 && Math.round(ms) === 0) {
    return `is ${ms} ms, which rounds to 0 (no timeout at all); give at least 1 ms, or 0 for none`;
  }
  if (Math.round(ms) > MAX_DURATION_MS) {
    return `is ${ms} ms; PostgreSQL takes at most ${MAX_DURATION_MS} ms (about 24.8 days)`;
  }
  return undefined;
}

function identifierProblem(name: string): string | undefined {
  if (name === "") return "must not be empty";
  if (name.includes("\0")) return "must not contain a NUL character";
  const bytes = bytesOf(name);
  if (bytes > MAX_IDENTIFIER_BYTES) {
    return `is ${bytes} bytes long; PostgreSQL would cut it to ${MAX_IDENTIFIER_BYTES}, so use a shorter name`;
  }
  return undefined;
}

/** The log table beside `table`, as `ledgerTables` names it. */
function logTableOf(table: string): string {
  return ledgerTables({ table }).logTable;
}

function bytesOf(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * Reads `tide.json`, else the `"tide"` key of `deno.json`, from `cwd`; `{}` when neither exists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadConfig } from "./config_file.ts";
 *
 * const cwd = await Deno.makeTempDir();
 * await Deno.writeTextFile(join(cwd, "deno.json"), JSON.stringify({ tide: { dir: "db" } }));
 * assert.deepEqual(await loadConfig(cwd), { dir: "db", source: join(cwd, "deno.json") });
 * await Deno.writeTextFile(join(cwd, "tide.json"), '{ "dir": "sql" }'); // tide.json comes first
 * assert.equal((await loadConfig(cwd)).dir, "sql");
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export async function loadConfig(cwd: string, file?: string): Promise<TideConfig> {
  const candidates = file ? [[file, false] as const] : [
    [join(cwd, "tide.json"), false] as const,
    [join(cwd, "deno.json"), true] as const,
  ];
  for (const [path, nested] of candidates) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound && !file) continue;
      throw new MigrationError("CONFIG_ERROR", `Cannot read config file ${path}: ${error}.`, {
        file: path,
        cause: error,
      });
    }
    // Editors on Windows save JSON with a byte order mark, which JSON.parse refuses.
    const parsed = parseJson(text.replace(/^\uFEFF/, ""), path);
    const body = nested ? (parsed as { tide?: unknown }).tide : parsed;
    if (body === undefined) continue;
    const config = validateConfig(body, path);
    const lint = (body as { lint?: unknown }).lint;
    if (lint !== undefined) {
      // Loaded only for a config with lint settings: `tide status` never reads the rules.
      const { lintProblem } = await import("./lint_config.ts");
      const found = lintProblem(lint);
      if (found) throw configError(path, found.key, found.problem);
      config.lint = lint as LintConfig;
    }
    return { ...config, source: path };
  }
  return {};
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Cannot read config file ${path}: it is not valid JSON (${errorMessage(error)}).`,
      { file: path, cause: error },
    );
  }
}

function validateConfig(body: unknown, path: string): TideConfig {
  const config: TideConfig = validateSettings(body, path, "");
  const environments = (body as { environments?: unknown }).environments;
  if (environments === undefined) return config;
  if (typeof environments !== "object" || environments === null || Array.isArray(environments)) {
    throw configError(path, "environments", "must be an object of named environments");
  }
  const named: Record<string, Settings> = {};
  for (const [name, settings] of Object.entries(environments)) {
    named[name] = validateSettings(settings, path, `environments.${name}.`);
  }
  return { ...config, environments: named };
}

function validateSettings(body: unknown, path: string, prefix: string): Settings {
  return validateGroup(body, path, prefix, SETTING_TYPES) as Settings;
}

/** Checks an object against `types`; a member whose type is a group is checked the same way. */
function validateGroup(
  body: unknown,
  path: string,
  prefix: string,
  types: Readonly<Record<string, SettingType | Readonly<Record<string, SettingType>>>>,
): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw configError(path, prefix.replace(/\.$/, "") || "(top level)", "must be an object");
  }
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if ((key === "environments" || key === "lint") && prefix === "") continue;
    const type = types[key];
    if (!type) {
      throw configError(
        path,
        prefix + key,
        `is not a setting (known: ${Object.keys(types).join(", ")})`,
      );
    }
    if (typeof type === "object") {
      settings[key] = validateGroup(value, path, `${prefix}${key}.`, type);
      continue;
    }
    if (type === "record") {
      if (!isStringRecord(value)) {
        throw configError(path, prefix + key, "must be an object of strings");
      }
    } else {
      const actual: string = typeof value;
      if (actual !== type) throw configError(path, prefix + key, `must be a ${type}`);
    }
    settings[key] = checkedSetting(
      key as keyof Settings,
      value,
      `Config file ${path}: "${prefix}${key}"`,
    );
  }
  return settings;
}

function isStringRecord(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    Object.values(value as object).every((v) => typeof v === "string");
}

function configError(path: string, key: string, problem: string): MigrationError {
  return new MigrationError("CONFIG_ERROR", `Config file ${path}: "${key}" ${problem}.`, {
    file: path,
  });
}
