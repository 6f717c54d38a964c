/**
 * The settings a run uses, from every source by one rule, for the CLI and the GitHub Action
 * alike: flags (or Action inputs) > the selected environment of the config file >
 * `DATABASE_URL` (for the URL) > the config file's top level > defaults.
 *
 * @module
 */
import { isAbsolute, join } from "../files/paths.ts"; // not node:path: see paths.ts
import { UsageError } from "../errors.ts";
import {
  DEFAULT_SETTINGS,
  type FullSettings,
  isRecordSetting,
  loadConfig,
  settingProblem,
  type Settings,
  type TideConfig,
} from "./config_file.ts";
import { resolveSettings } from "./environments.ts";
import { parseDuration } from "./duration.ts";

/** Reads environment variables. */
export interface EnvReader {
  /** The variable's value, or `undefined` when unset. */
  get(name: string): string | undefined;
}

/**
 * Values given for settings, by flag name: the setting's key in kebab case without a unit suffix
 * (see {@linkcode settingFlag}). Text for strings and durations; `true`/`false` for booleans
 * (an absent or `undefined` value is not given).
 */
export type SettingValues = Readonly<Record<string, string | boolean | undefined>>;

/** Where {@linkcode resolveRunSettings} reads from. */
export interface SettingSources {
  /** Flag or input values by flag name: `dir`, `database-url`, `table`, `lock-timeout`... */
  values: SettingValues;
  /** The config file given explicitly, relative to `cwd`; else `tide.json`, else `deno.json`. */
  configFile?: string;
  /** The environment given explicitly; else `TIDE_ENV`. */
  environment?: string;
  /** Directory the config file is looked for in. */
  cwd: string;
  /** Environment variables (`DATABASE_URL`, `TIDE_ENV`, `${VAR}`s of the config). */
  env: EnvReader;
  /** How errors name a value's flag; default `--<flag>`. */
  label?: (flag: string) => string;
}

/** Which source gave the database URL. */
export type DatabaseUrlSource = "flag" | "environment" | "DATABASE_URL" | "config";

/** The settings a run uses, every default filled in. */
export type ResolvedSettings = FullSettings & {
  /** Database URL; `undefined` means the embedded PGlite database. */
  databaseUrl?: string;
  /** Where `databaseUrl` came from; `undefined` when none was given. */
  databaseUrlSource?: DatabaseUrlSource;
  /** Selected environment. */
  environment?: string;
  /** The config file read, when there was one. */
  configFile?: string;
  /** The schema when one was given (flag or config): templates are unqualified without one. */
  templateSchema?: string;
};

/**
 * The flag (and Action input) of a setting, by one rule: kebab case, without a unit suffix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { settingFlag } from "./resolve.ts";
 *
 * assert.equal(settingFlag("lockWaitMs"), "lock-wait");
 * assert.equal(settingFlag("allowOutOfOrder"), "allow-out-of-order");
 * ```
 */
export function settingFlag(key: string): string {
  return key.replace(/Ms$/, "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Resolves the settings in force from the config file, the environment and the given values.
 * URLs that lose are dropped before `${VAR}` expansion, so an unset variable in a URL that is
 * not used does not fail.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveRunSettings } from "./resolve.ts";
 *
 * const cwd = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${cwd}/tide.json`, JSON.stringify({ table: "schema_migrations" }));
 * const env = new Map([["DATABASE_URL", "postgres://app@db/app"]]);
 * const settings = await resolveRunSettings({ values: { "lock-timeout": "5s" }, cwd, env });
 * assert.equal(settings.table, "schema_migrations");
 * assert.equal(settings.lockTimeoutMs, 5_000);
 * assert.equal(settings.databaseUrl, "postgres://app@db/app");
 * assert.equal(settings.databaseUrlSource, "DATABASE_URL");
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export async function resolveRunSettings(sources: SettingSources): Promise<ResolvedSettings> {
  const { values, cwd, env } = sources;
  const file = nonEmpty(sources.configFile);
  const config = await loadConfig(cwd, file && (isAbsolute(file) ? file : join(cwd, file)));
  const environment = nonEmpty(sources.environment) ?? nonEmpty(env.get("TIDE_ENV"));
  const fromFlag = nonEmpty(str(values[settingFlag("databaseUrl")]));
  const fromEnvSection = environment !== undefined &&
    config.environments?.[environment]?.databaseUrl !== undefined;
  const fromEnvVar = nonEmpty(env.get("DATABASE_URL"));
  const keepConfigUrl = fromFlag === undefined && (fromEnvSection || fromEnvVar === undefined);
  const merged = resolveSettings(keepConfigUrl ? config : withoutUrls(config), environment, env);
  const label = sources.label ?? ((flag: string) => `--${flag}`);
  const settings = resolveGroup(values, label, DEFAULT_SETTINGS, merged);
  const databaseUrl = fromFlag ?? (keepConfigUrl ? merged.databaseUrl : fromEnvVar);
  const databaseUrlSource: DatabaseUrlSource | undefined = databaseUrl === undefined
    ? undefined
    : fromFlag !== undefined
    ? "flag"
    : !keepConfigUrl
    ? "DATABASE_URL"
    : fromEnvSection
    ? "environment"
    : "config";
  return {
    ...settings as FullSettings,
    databaseUrl,
    databaseUrlSource,
    environment,
    configFile: config.source,
    templateSchema: givenValue(values, "schema", "string", label) as string | undefined ??
      merged.schema,
  };
}

/** Each setting of `defaults` from its given value, else `given`, else the default; groups alike. */
function resolveGroup(
  values: SettingValues,
  label: (flag: string) => string,
  defaults: object,
  given: Record<string, unknown> = {},
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const group = typeof fallback === "object" && !isRecordSetting(key);
    settings[key] = group
      ? resolveGroup(values, label, fallback, given[key] as Record<string, unknown> | undefined)
      : givenValue(values, key, typeof fallback, label) ?? given[key] ?? fallback;
  }
  return settings;
}

/** A setting's given value: durations parsed from text, booleans only when given. */
function givenValue(
  values: SettingValues,
  key: string,
  type: string,
  label: (flag: string) => string,
): unknown {
  const flag = settingFlag(key);
  const value = values[flag];
  if (type === "boolean") return typeof value === "boolean" ? value : undefined;
  if (type === "object") return undefined; // an object setting has no flag
  // An empty value given is checked like any other (`--schema ""` is refused); front ends
  // leave out what was not given (the Action drops empty inputs).
  const text = str(value);
  if (text === undefined) return undefined;
  const parsed = type === "number" ? parseDuration(text, label(flag)) : text;
  // The setting's own rule, as for the config file: a bad value is bad usage of its flag.
  const problem = settingProblem(key as keyof Settings, parsed);
  if (problem !== undefined) throw new UsageError(`${label(flag)} ${problem}.`);
  return typeof parsed === "number" ? Math.round(parsed) : parsed;
}

function withoutUrls(config: TideConfig): TideConfig {
  const strip = ({ databaseUrl: _url, ...rest }: Settings): Settings => rest;
  const environments = config.environments &&
    Object.fromEntries(Object.entries(config.environments).map(([k, v]) => [k, strip(v)]));
  return { ...strip(config), environments, source: config.source };
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

/**
 * The migrations directory of `module` (default: the one in force), as the settings give it: a
 * module of the config's `modules` has its own, unless a directory was given (`--dir`, the
 * action's `dir` input) for the module in force. Relative to the project, as in the config.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moduleDir } from "./resolve.ts";
 *
 * const settings = { dir: "migrations", module: "app", modules: { auth: "vendor/auth" } };
 * assert.equal(moduleDir(settings), "migrations");
 * assert.equal(moduleDir(settings, "auth"), "vendor/auth");
 * assert.equal(moduleDir({ ...settings, module: "auth" }), "vendor/auth");
 * assert.equal(moduleDir({ ...settings, module: "auth" }, undefined, true), "migrations");
 * ```
 */
export function moduleDir(
  settings: Pick<FullSettings, "dir" | "module" | "modules">,
  module?: string,
  dirGiven = false,
): string {
  const own = module !== undefined || !dirGiven ? settings.modules[module ?? settings.module] : "";
  return own || settings.dir;
}

/**
 * The modules a run applies besides the one in force: every module of the config's `modules`,
 * unless one was picked (`--module`, the action's `module` input), which then runs alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { modulesAlongside } from "./resolve.ts";
 *
 * const settings = { module: "app", modules: { auth: "vendor/auth", app: "migrations" } };
 * assert.deepEqual(modulesAlongside(settings, false), ["auth"]);
 * assert.deepEqual(modulesAlongside(settings, true), []);
 * ```
 */
export function modulesAlongside(
  settings: Pick<FullSettings, "module" | "modules">,
  modulePicked: boolean,
): string[] {
  if (modulePicked) return [];
  return Object.keys(settings.modules).filter((name) => name !== settings.module);
}
