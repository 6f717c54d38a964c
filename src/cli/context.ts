/**
 * What a command runs with: its flags, the settings in force (flags > selected environment >
 * `DATABASE_URL` > config top level > defaults), and helpers that load migrations and open the
 * database, closing it afterwards.
 *
 * @module
 */
import { relative, resolve } from "node:path";
import {
  DEFAULT_SETTINGS,
  type FullSettings,
  loadConfig,
  resolveSettings,
  type Settings,
  type TideConfig,
} from "../config/config_file.ts";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { Migrator, ProgressEvent } from "../engine/migrator.ts";
import { type FlagValues, parseDuration } from "./args.ts";
import type { CliIo, Output } from "./output.ts";

/** The settings a command runs with, every default filled in. */
export type CliSettings = FullSettings & {
  /** Database URL; `undefined` means the embedded PGlite database. */
  databaseUrl?: string;
  /** Selected environment. */
  environment?: string;
};

/** What a command's `run` gets. */
export interface CommandContext {
  /** Where to read and write. */
  io: CliIo;
  /** Where to print. */
  out: Output;
  /** Flag values (global and the command's). */
  values: FlagValues;
  /** Arguments that are not flags. */
  positionals: string[];
  /** The settings in force. */
  settings: CliSettings;
}

/**
 * Resolves the settings in force from the config file, the environment and the flags.
 *
 * @example
 * ```ts ignore
 * const settings = await resolveCliSettings({ env: "production" }, io);
 * ```
 */
export async function resolveCliSettings(values: FlagValues, io: CliIo): Promise<CliSettings> {
  const configFile = str(values.config);
  const config = await loadConfig(io.cwd, configFile && resolve(io.cwd, configFile));
  const environment = str(values.env) ?? nonEmpty(io.env.get("TIDE_ENV"));
  const fromFlag = nonEmpty(str(values["database-url"]));
  const fromEnvSection = environment !== undefined &&
    config.environments?.[environment]?.databaseUrl !== undefined;
  const fromEnvVar = nonEmpty(io.env.get("DATABASE_URL"));
  // Drop URLs that lose, so an unset ${VAR} in one that is not used does not fail.
  const keepConfigUrl = fromFlag === undefined && (fromEnvSection || fromEnvVar === undefined);
  const merged = resolveSettings(keepConfigUrl ? config : withoutUrls(config), environment, io.env);
  const settings = resolveGroup(values, DEFAULT_SETTINGS, merged);
  return {
    ...settings as Omit<CliSettings, "databaseUrl" | "environment">,
    databaseUrl: fromFlag ?? (keepConfigUrl ? merged.databaseUrl : fromEnvVar),
    environment,
  };
}

/** Each setting of `defaults` from its flag, else `given`, else the default; groups alike. */
function resolveGroup(
  values: FlagValues,
  defaults: object,
  given: Record<string, unknown> = {},
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    settings[key] = typeof fallback === "object"
      ? resolveGroup(values, fallback, given[key] as Record<string, unknown> | undefined)
      : flagValue(values, key, typeof fallback) ?? given[key] ?? fallback;
  }
  return settings;
}

/**
 * The flag of a setting, by one rule: kebab case, without a unit suffix (`lockWaitMs` is
 * `--lock-wait`). Durations are parsed from text, booleans count only when set.
 */
function flagValue(values: FlagValues, key: string, type: string): unknown {
  const flag = key.replace(/Ms$/, "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const value = values[flag];
  if (type === "boolean") return value === true ? true : undefined;
  const text = str(value);
  if (text === undefined) return undefined;
  return type === "number" ? parseDuration(text, `--${flag}`) : text;
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
 * The migrations directory as a path usable from this process (tests run with another cwd).
 *
 * @example
 * ```ts ignore
 * const migrations = await loadMigrations(migrationsDir(ctx));
 * ```
 */
export function migrationsDir(ctx: CommandContext): string {
  const absolute = resolve(ctx.io.cwd, ctx.settings.dir);
  // Relative to the process keeps file names short in messages when cwd is the project.
  return relative(Deno.cwd(), absolute) || ".";
}

/**
 * Loads the migrations of the configured directory.
 *
 * @example
 * ```ts ignore
 * const migrations = await loadCliMigrations(ctx);
 * ```
 */
export async function loadCliMigrations(ctx: CommandContext): Promise<Migration[]> {
  const { loadMigrations } = await import("../files/load.ts");
  return await loadMigrations(migrationsDir(ctx));
}

/**
 * Opens the database, runs `fn`, and always closes it.
 *
 * @example
 * ```ts ignore
 * const version = await withDriver(ctx, (db) => db.query("select version()"));
 * ```
 */
export async function withDriver<T>(
  ctx: CommandContext,
  fn: (driver: Driver) => Promise<T>,
): Promise<T> {
  const { connect } = await import("../drivers/connect.ts");
  const driver = await connect(ctx.settings.databaseUrl, { cwd: ctx.io.cwd });
  try {
    return await fn(driver);
  } finally {
    await driver.close();
  }
}

/**
 * Loads the migrations, opens the database and runs `fn` with a {@linkcode Migrator}.
 *
 * @example
 * ```ts ignore
 * const status = await withMigrator(ctx, (migrator) => migrator.status());
 * ```
 */
export async function withMigrator<T>(
  ctx: CommandContext,
  fn: (migrator: Migrator) => Promise<T>,
  onProgress?: (event: ProgressEvent) => void,
): Promise<T> {
  const [{ connect }, { Migrator }] = await Promise.all([
    import("../drivers/connect.ts"),
    import("../engine/migrator.ts"),
  ]);
  // Connecting while the files load hides the connection's latency.
  const connecting = connect(ctx.settings.databaseUrl, { cwd: ctx.io.cwd });
  connecting.catch(() => {}); // awaited below; this only keeps an early rejection handled
  let migrations: Migration[];
  try {
    migrations = await loadCliMigrations(ctx);
  } catch (error) {
    await connecting.then((driver) => driver.close(), () => {});
    throw error;
  }
  const driver = await connecting;
  try {
    return await fn(new Migrator({ ...ctx.settings, driver, migrations, onProgress }));
  } finally {
    await driver.close();
  }
}

/**
 * Refuses a destructive command on a protected environment unless `--yes` was given.
 *
 * @example
 * ```ts ignore
 * requireConfirmation(ctx, "down", "rolls back migrations");
 * ```
 */
export function requireConfirmation(ctx: CommandContext, command: string, why: string): void {
  if (!ctx.settings.protected || ctx.values.yes === true) return;
  const where = ctx.settings.environment
    ? `the environment "${ctx.settings.environment}"`
    : "this configuration";
  throw new MigrationError(
    "PROTECTED_ENVIRONMENT",
    `Refusing \`tide ${command}\`: ${where} is marked "protected": true in the config file, and ` +
      `${command} ${why}. Check the target, then run it again with --yes.`,
  );
}
