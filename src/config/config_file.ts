/**
 * The optional config file: `tide.json`, or a `"tide"` key in `deno.json`, with the same
 * settings as the flags and named environments.
 *
 * @module
 */
import { join } from "node:path";
import { errorMessage, MigrationError } from "../errors.ts";
import { DEFAULT_LEDGER_LOCATION, type LedgerLocation } from "../engine/ledger.ts";
import { DEFAULT_FORMAT, DEFAULT_MIGRATIONS_DIR } from "../files/load.ts";
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

/** Settings that a config file, an environment in it, or flags can give; all optional. */
export type Settings = Partial<RunSettings & LedgerLocation & Timeouts>;

/** The value of every setting nobody gave; a database URL has none (the embedded database). */
export const DEFAULT_SETTINGS: Readonly<Required<Omit<Settings, "databaseUrl">>> = Object.freeze({
  dir: DEFAULT_MIGRATIONS_DIR,
  ...DEFAULT_LEDGER_LOCATION,
  ...DEFAULT_TIMEOUTS,
  allowOutOfOrder: false,
  protected: false,
  format: DEFAULT_FORMAT,
  pattern: "",
  placeholders: Object.freeze({}) as Record<string, string>,
  modules: Object.freeze({}) as Record<string, string>,
});

/** A config file's content. */
export interface TideConfig extends Settings {
  /** Named environments, e.g. `production`. */
  environments?: Record<string, Settings>;
  /** Where it was read from. */
  source?: string;
}

/** The JSON type of each setting: the config file's schema. */
const SETTING_TYPES: Readonly<
  Record<keyof Settings, "string" | "number" | "boolean" | "object">
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
  placeholders: "object",
  modules: "object",
};

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
    const parsed = parseJson(text, path);
    const body = nested ? (parsed as { tide?: unknown }).tide : parsed;
    if (body === undefined) continue;
    return { ...validateConfig(body, path), source: path };
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
  const config = validateSettings(body, path, "");
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
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw configError(path, prefix || "(top level)", "must be an object");
  }
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "environments" && prefix === "") continue;
    const type = SETTING_TYPES[key as keyof Settings];
    if (!type) {
      throw configError(
        path,
        prefix + key,
        `is not a setting (known: ${Object.keys(SETTING_TYPES).join(", ")})`,
      );
    }
    const actual: string = typeof value;
    if (actual !== type) throw configError(path, prefix + key, `must be a ${type}`);
    if (type === "object" && !isStringRecord(value)) {
      throw configError(path, prefix + key, "must be an object of strings");
    }
    settings[key] = value;
  }
  return settings as Settings;
}

function isStringRecord(value: unknown): boolean {
  return value !== null && !Array.isArray(value) &&
    Object.values(value as object).every((v) => typeof v === "string");
}

function configError(path: string, key: string, problem: string): MigrationError {
  return new MigrationError("CONFIG_ERROR", `Config file ${path}: "${key}" ${problem}.`, {
    file: path,
  });
}

/**
 * The settings in force for an environment: the file's top level overlaid by the environment.
 * `${VAR}` in `databaseUrl` is replaced from `env`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveSettings } from "./config_file.ts";
 *
 * const settings = resolveSettings(
 *   { dir: "db", environments: { production: { databaseUrl: "${PROD_URL}", protected: true } } },
 *   "production",
 *   new Map([["PROD_URL", "postgres://app@db/app"]]),
 * );
 * assert.deepEqual(settings, { dir: "db", databaseUrl: "postgres://app@db/app", protected: true });
 * ```
 */
export function resolveSettings(
  config: TideConfig,
  environment?: string,
  env: { get(name: string): string | undefined } = Deno.env,
): Settings {
  const { environments, source: _source, ...top } = config;
  let settings: Settings = top;
  if (environment !== undefined) {
    const chosen = environments?.[environment];
    if (!chosen) {
      const known = Object.keys(environments ?? {});
      throw new MigrationError(
        "CONFIG_ERROR",
        `Unknown environment "${environment}"${config.source ? ` in ${config.source}` : ""}. ` +
          (known.length
            ? `Known environments: ${known.join(", ")}.`
            : "No environments are configured."),
      );
    }
    settings = { ...top, ...chosen };
  }
  if (settings.databaseUrl !== undefined) {
    settings = { ...settings, databaseUrl: expandEnv(settings.databaseUrl, env) };
  }
  return settings;
}

function expandEnv(text: string, env: { get(name: string): string | undefined }): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
    const value = env.get(name);
    if (value === undefined) {
      throw new MigrationError(
        "CONFIG_ERROR",
        `The config's databaseUrl uses \${${name}}, but the environment variable ${name} is not set.`,
      );
    }
    return value;
  });
}
