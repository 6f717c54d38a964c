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
  loadConfig,
  resolveSettings,
  type Settings,
  type TideConfig,
} from "../config/config_file.ts";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import type { LoadOptions } from "../files/load.ts";
import type { Migration } from "../files/migration.ts";
import type { Migrator, ModuleMigrations, ProgressEvent } from "../engine/migrator.ts";
import { type FlagValues, parseDuration } from "./args.ts";
import type { CliIo, Output } from "./output.ts";

/** The settings a command runs with, every default filled in. */
export type CliSettings = Required<Omit<Settings, "databaseUrl">> & {
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { resolveCliSettings } from "./context.ts";
 *
 * const cwd = await Deno.makeTempDir();
 * const production = { databaseUrl: "${PROD_URL}", protected: true };
 * const config = JSON.stringify({ environments: { production } });
 * await Deno.writeTextFile(join(cwd, "tide.json"), config);
 * const env = new Map([["PROD_URL", "postgres://app@db/app"]]);
 * const io = { stdout: () => {}, stderr: () => {}, isTerminal: false, env, cwd };
 * const settings = await resolveCliSettings({ env: "production", "lock-wait": "2m" }, io);
 * assert.deepEqual(
 *   [settings.databaseUrl, settings.protected, settings.lockWaitMs, settings.dir],
 *   ["postgres://app@db/app", true, 120_000, "migrations"],
 * );
 * await Deno.remove(cwd, { recursive: true });
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
  const settings: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    settings[key] = flagValue(values, key, typeof fallback) ??
      merged[key as keyof Settings] ?? fallback;
  }
  return {
    ...settings as Omit<CliSettings, "databaseUrl" | "environment">,
    databaseUrl: fromFlag ?? (keepConfigUrl ? merged.databaseUrl : fromEnvVar),
    environment,
  };
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
 * The migrations directory as a path usable from this process (tests run with another cwd): of
 * `module` (default: the one in force), from the config's `modules` when it is listed there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolve } from "node:path";
 * import { migrationsDir, resolveCliSettings } from "./context.ts";
 * import { Output } from "./output.ts";
 *
 * const io = { stdout() {}, stderr() {}, isTerminal: false, env: new Map(), cwd: "/srv/app" };
 * const values = { dir: "db" };
 * const settings = await resolveCliSettings(values, io);
 * const ctx = { io, out: new Output(io), values, positionals: [], settings };
 * assert.equal(resolve(migrationsDir(ctx)), "/srv/app/db"); // relative to this process's cwd
 * ```
 */
export function migrationsDir(ctx: CommandContext, module?: string): string {
  const { settings } = ctx;
  const name = module ?? settings.module;
  // A module of the config's "modules" has its own directory, unless --dir says otherwise.
  const own = module !== undefined || ctx.values.dir === undefined
    ? settings.modules[name]
    : undefined;
  const absolute = resolve(ctx.io.cwd, own ?? settings.dir);
  // Relative to the process keeps file names short in messages when cwd is the project.
  return relative(Deno.cwd(), absolute) || ".";
}

/**
 * A migration file's path relative to the migrations directory, `/`-separated: how JSON output
 * names files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { migrationsDir, relativeFile, resolveCliSettings } from "./context.ts";
 * import { Output } from "./output.ts";
 *
 * const io = { stdout() {}, stderr() {}, isTerminal: false, env: new Map(), cwd: "/srv/app" };
 * const values = { dir: "db/migrations" };
 * const settings = await resolveCliSettings(values, io);
 * const ctx = { io, out: new Output(io), values, positionals: [], settings };
 * const path = join(migrationsDir(ctx), "2019-11-11-162609_x", "up.sql"); // as loaded
 * assert.equal(relativeFile(ctx, path), "2019-11-11-162609_x/up.sql");
 * ```
 */
export function relativeFile(ctx: CommandContext, path: string): string {
  return relative(migrationsDir(ctx), path).replaceAll("\\", "/");
}

/**
 * Loads the migrations of the configured directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadCliMigrations, resolveCliSettings } from "./context.ts";
 * import { Output } from "./output.ts";
 *
 * const cwd = await Deno.makeTempDir();
 * await Deno.mkdir(join(cwd, "db"));
 * await Deno.writeTextFile(join(cwd, "db", "001_users.up.sql"), "create table users (id int);\n");
 * const io = { stdout: () => {}, stderr: () => {}, isTerminal: false, env: new Map(), cwd };
 * const values = { dir: "db" };
 * const settings = await resolveCliSettings(values, io);
 * const ctx = { io, out: new Output(io), values, positionals: [], settings };
 * assert.deepEqual((await loadCliMigrations(ctx)).map((m) => m.version), ["001"]);
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export async function loadCliMigrations(ctx: CommandContext): Promise<Migration[]> {
  const { loadMigrations } = await import("../files/load.ts");
  return await loadMigrations(migrationsDir(ctx), loadOptions(ctx.settings));
}

/**
 * The other modules a run applies with the one in force: every module of the config's
 * `modules`, unless `--module` picked one; each loaded from its directory.
 */
export async function otherModules(ctx: CommandContext): Promise<ModuleMigrations[]> {
  if (ctx.values.module !== undefined) return [];
  const { loadMigrations } = await import("../files/load.ts");
  const names = Object.keys(ctx.settings.modules).filter((name) => name !== ctx.settings.module);
  return await Promise.all(names.map(async (module) => ({
    module,
    migrations: await loadMigrations(migrationsDir(ctx, module), loadOptions(ctx.settings)),
  })));
}

/**
 * How the settings say to read the migrations directory: its format and what the format uses
 * (Flyway's placeholders, user and database from the URL, without its password).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_SETTINGS } from "../config/config_file.ts";
 * import { loadOptions } from "./context.ts";
 *
 * const options = loadOptions({ ...DEFAULT_SETTINGS, databaseUrl: "postgres://app:pw@db/shop" });
 * assert.equal(options.format, "auto");
 * assert.equal(options.user, "app");
 * assert.equal(options.database, "shop");
 * ```
 */
export function loadOptions(settings: Omit<CliSettings, "environment">): LoadOptions {
  let user: string | undefined;
  let database: string | undefined;
  if (settings.databaseUrl !== undefined && /^postgres(ql)?:/i.test(settings.databaseUrl)) {
    try {
      const url = new URL(settings.databaseUrl);
      user = decodeURIComponent(url.username) || undefined;
      database = decodeURIComponent(url.pathname.slice(1)) || undefined;
    } catch {
      // an unparsable URL fails where it is used, with its own message
    }
  }
  return {
    format: settings.format,
    ...(settings.pattern === "" ? {} : { pattern: settings.pattern }),
    placeholders: settings.placeholders,
    schema: settings.schema,
    user,
    database,
  };
}

/**
 * Opens the database, runs `fn`, and always closes it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveCliSettings, withDriver } from "./context.ts";
 * import { Output } from "./output.ts";
 *
 * const io = { stdout() {}, stderr() {}, isTerminal: false, env: new Map(), cwd: "/srv/app" };
 * const values = { "database-url": "memory://" };
 * const settings = await resolveCliSettings(values, io);
 * const ctx = { io, out: new Output(io), values, positionals: [], settings };
 * const rows = await withDriver(ctx, (db) => db.query("select 1 as one")); // closed afterwards
 * assert.deepEqual(rows, [{ one: 1 }]);
 * ```
 */
export async function withDriver<T>(
  ctx: CommandContext,
  fn: (driver: Driver) => Promise<T>,
): Promise<T> {
  const { connect } = await import("../drivers/connect.ts");
  const driver = await connect(ctx.settings.databaseUrl, connectOptions(ctx));
  try {
    return await fn(driver);
  } finally {
    await driver.close();
  }
}

function connectOptions(ctx: CommandContext): { cwd: string; networkTimeoutMs: number } {
  return { cwd: ctx.io.cwd, networkTimeoutMs: ctx.settings.networkTimeoutMs };
}

/**
 * Loads the migrations, opens the database and runs `fn` with a {@linkcode Migrator}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { resolveCliSettings, withMigrator } from "./context.ts";
 * import { Output } from "./output.ts";
 *
 * const cwd = await Deno.makeTempDir();
 * await Deno.mkdir(join(cwd, "migrations"));
 * await Deno.writeTextFile(join(cwd, "migrations", "001_t.up.sql"), "create table t (id int);\n");
 * const io = { stdout: () => {}, stderr: () => {}, isTerminal: false, env: new Map(), cwd };
 * const values = { "database-url": "memory://" };
 * const settings = await resolveCliSettings(values, io);
 * const ctx = { io, out: new Output(io), values, positionals: [], settings };
 * const { steps } = await withMigrator(ctx, (migrator) => migrator.up());
 * assert.deepEqual(steps.map((step) => step.version), ["001"]);
 * await Deno.remove(cwd, { recursive: true });
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
  const connecting = connect(ctx.settings.databaseUrl, connectOptions(ctx));
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError } from "../errors.ts";
 * import { requireConfirmation, resolveCliSettings } from "./context.ts";
 * import { Output } from "./output.ts";
 *
 * const io = { stdout() {}, stderr() {}, isTerminal: false, env: new Map(), cwd: "/srv/app" };
 * const settings = { ...(await resolveCliSettings({}, io)), protected: true };
 * const ctx = { io, out: new Output(io), values: {}, positionals: [], settings };
 * assert.throws(
 *   () => requireConfirmation(ctx, "down", "rolls back migrations"),
 *   (error) => error instanceof MigrationError && error.code === "PROTECTED_ENVIRONMENT",
 * );
 * requireConfirmation({ ...ctx, values: { yes: true } }, "down", "rolls back migrations"); // --yes
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
