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
  settingProblem,
  type Settings,
  type TideConfig,
} from "../config/config_file.ts";
import type { ConnectOptions } from "../drivers/connect.ts";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError, UsageError } from "../errors.ts";
import type { LoadOptions } from "../files/load.ts";
import { unreadMessage } from "../files/unread.ts";
import type { Migration } from "../files/migration.ts";
import type { Migrator, ProgressEvent } from "../engine/migrator.ts";
import { type FlagValues, parseDuration } from "./args.ts";
import type { CliIo, Output } from "./output.ts";

/** The settings a command runs with, every default filled in. */
export type CliSettings = Required<Omit<Settings, "databaseUrl">> & {
  /** Database URL; `undefined` means the embedded PGlite database. */
  databaseUrl?: string;
  /** Selected environment. */
  environment?: string;
  /** The schema when one was given (flag or config): templates are unqualified without one. */
  templateSchema?: string;
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
    ...settings as Omit<CliSettings, "databaseUrl" | "environment" | "templateSchema">,
    databaseUrl: fromFlag ?? (keepConfigUrl ? merged.databaseUrl : fromEnvVar),
    environment,
    templateSchema: flagValue(values, "schema", "string") as string | undefined ?? merged.schema,
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
  const parsed = type === "number" ? parseDuration(text, `--${flag}`) : text;
  const problem = settingProblem(key as keyof Settings, parsed);
  if (problem !== undefined) throw new UsageError(`--${flag} ${problem}.`);
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
 * The migrations directory as a path usable from this process (tests run with another cwd).
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
export function migrationsDir(ctx: CommandContext): string {
  const absolute = resolve(ctx.io.cwd, ctx.settings.dir);
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
export async function loadCliMigrations(
  ctx: CommandContext,
  extra: Pick<LoadOptions, "onCodeMigration"> = {},
): Promise<Migration[]> {
  const { loadMigrations } = await import("../files/load.ts");
  return await loadMigrations(migrationsDir(ctx), {
    ...loadOptions(ctx.settings),
    onUnread: (file) => ctx.out.warn(unreadMessage(file)),
    ...extra,
  });
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

/** How a command connects: from its directory, waiting for a PGlite directory as for the lock. */
function connectOptions(ctx: CommandContext): ConnectOptions {
  return {
    cwd: ctx.io.cwd,
    lockWaitMs: ctx.settings.lockWaitMs,
    onLockWait: (message) => ctx.out.warn(message),
    networkTimeoutMs: ctx.settings.networkTimeoutMs,
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
  options: { runsMigrations?: boolean } = {},
): Promise<T> {
  const [{ connect, isPostgresUrl }, { Migrator }] = await Promise.all([
    import("../drivers/connect.ts"),
    import("../engine/migrator.ts"),
  ]);
  const { databaseUrl } = ctx.settings;
  // PGlite must load the extensions the migrations create before it starts: commands that run
  // migrations on it read the files first. Everything else connects while the files load,
  // which hides a server's latency (and keeps `status` as fast as before).
  const first = options.runsMigrations === true && !isPostgresUrl(databaseUrl)
    ? await loadCliMigrations(ctx)
    : undefined;
  const extensions = first && (await import("../drivers/pglite_extensions.ts"))
    .extensionsOfMigrations(first);
  const connecting = connect(databaseUrl, { ...connectOptions(ctx), extensions });
  connecting.catch(() => {}); // awaited below; this only keeps an early rejection handled
  let migrations: Migration[];
  try {
    migrations = first ?? await loadCliMigrations(ctx);
  } catch (error) {
    await connecting.then((driver) => driver.close(), () => {});
    throw error;
  }
  const driver = await connecting;
  try {
    const { templateSchema: schema } = ctx.settings;
    return await fn(new Migrator({ ...ctx.settings, schema, driver, migrations, onProgress }));
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
