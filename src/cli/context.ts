/**
 * What a command runs with: its flags, the settings in force (flags > selected environment >
 * `DATABASE_URL` > config top level > defaults), and helpers that load migrations and open the
 * database, closing it afterwards.
 *
 * @module
 */
import { relative, resolve } from "../files/paths.ts"; // not node:path: see paths.ts
import { moduleDir, modulesAlongside, resolveRunSettings } from "../config/resolve.ts";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { LoadOptions, UnreadFile } from "../files/load.ts";
import type { Migrator, ModuleMigrations, ProgressEvent } from "../engine/migrator.ts";
import type { Ledger } from "../engine/ledger.ts";
import type { FlagValues } from "./args.ts";
import type { CliSettings, CommandContext } from "./command.ts";
import type { CliIo } from "./output.ts";

/**
 * Resolves the settings in force from the config file, the environment and the flags, by the
 * rule every tide front end shares (`resolveRunSettings` in `config/resolve.ts`).
 *
 * @example
 * ```ts ignore
 * const settings = await resolveCliSettings({ env: "production" }, io);
 * ```
 */
export async function resolveCliSettings(values: FlagValues, io: CliIo): Promise<CliSettings> {
  return await resolveRunSettings({
    values,
    configFile: typeof values.config === "string" ? values.config : undefined,
    environment: typeof values.env === "string" ? values.env : undefined,
    cwd: io.cwd,
    env: io.env,
  });
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
 * const ctx = { name: "status", io, out: new Output(io), values, positionals: [], settings };
 * assert.equal(resolve(migrationsDir(ctx)), "/srv/app/db"); // relative to this process's cwd
 * ```
 */
export function migrationsDir(ctx: CommandContext, module?: string): string {
  const dir = moduleDir(ctx.settings, module, ctx.values.dir !== undefined);
  const absolute = resolve(ctx.io.cwd, dir);
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
 * const ctx = { name: "status", io, out: new Output(io), values, positionals: [], settings };
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
 * const ctx = { name: "status", io, out: new Output(io), values, positionals: [], settings };
 * assert.deepEqual((await loadCliMigrations(ctx)).map((m) => m.version), ["001"]);
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export async function loadCliMigrations(
  ctx: CommandContext,
  extra: Pick<LoadOptions, "onCodeMigration"> = {},
): Promise<Migration[]> {
  // The cache (see load_cache.ts) spares a run where nothing changed the loader and formats.
  const [{ loadMigrationsCached }, { userCacheDirectory }] = await Promise.all([
    import("../files/load_cache.ts"),
    import("../config/cache_dir.ts"),
  ]);
  const unread: UnreadFile[] = [];
  const migrations = await loadMigrationsCached(
    migrationsDir(ctx),
    { ...loadOptions(ctx.settings), onUnread: (file) => unread.push(file), ...extra },
    { cacheDir: userCacheDirectory(ctx.io.env) },
  );
  if (unread.length > 0) {
    const { unreadMessage } = await import("../files/unread.ts");
    for (const file of unread) ctx.out.warn(unreadMessage(file));
  }
  return migrations;
}

/**
 * The other modules a run applies with the one in force: every module of the config's
 * `modules`, unless `--module` picked one (`always`: even then, for the commands that need the
 * other modules' objects: verify, lint and generate-down apply what is required; drift, dump,
 * diff and new --to build the whole schema); each loaded from its directory.
 */
export async function otherModules(
  ctx: CommandContext,
  options: { always?: boolean } = {},
): Promise<ModuleMigrations[]> {
  const picked = ctx.values.module !== undefined && options.always !== true;
  const names = modulesAlongside(ctx.settings, picked);
  if (names.length === 0) return [];
  const { loadModules } = await import("../files/load.ts");
  const dirs = names.map((module) => ({ module, dir: migrationsDir(ctx, module) }));
  return await loadModules(dirs, loadOptions(ctx.settings));
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
 * ```ts ignore
 * const version = await withDriver(ctx, (db) => db.query("select version()"));
 * ```
 */
export async function withDriver<T>(
  ctx: CommandContext,
  fn: (driver: Driver) => Promise<T>,
): Promise<T> {
  const { openDatabase } = await import("./database.ts");
  const driver = await openDatabase(ctx);
  try {
    return await fn(driver);
  } finally {
    await driver.close();
  }
}

/**
 * Opens the database read-only and runs `fn` with its {@linkcode Ledger}: for `status`,
 * `current` and `history`, which need neither the migrator nor the lock (nor their modules).
 *
 * @example
 * ```ts ignore
 * const applied = await withLedger(ctx, (ledger) => ledger.list());
 * ```
 */
export async function withLedger<T>(
  ctx: CommandContext,
  fn: (ledger: Ledger) => Promise<T>,
): Promise<T> {
  const { openDatabase } = await import("./database.ts");
  // Connecting first: the server starts the session while the ledger's modules load.
  const [driver, { Ledger }] = await Promise.all([
    openDatabase(ctx, undefined, { readOnly: true }),
    import("../engine/ledger.ts"),
  ]);
  try {
    return await fn(new Ledger(driver, ctx.settings));
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
  options: { runsMigrations?: boolean } = {},
): Promise<T> {
  const [{ openDatabase, isServer }, { Migrator }, { printLockWait }] = await Promise.all([
    import("./database.ts"),
    import("../engine/migrator.ts"),
    import("./run_output.ts"),
  ]);
  // PGlite must load the extensions the migrations create before it starts: commands that run
  // migrations on it read the files first. Everything else connects while the files load,
  // which hides a server's latency (and keeps `status` as fast as before).
  const first = options.runsMigrations === true && !isServer(ctx)
    ? await loadCliMigrations(ctx)
    : undefined;
  const extensions = first && (await import("../drivers/pglite_extensions.ts"))
    .extensionsOfMigrations(first);
  const connecting = openDatabase(ctx, undefined, { extensions });
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
    const progress = (event: ProgressEvent) =>
      event.type === "lock-wait" ? printLockWait(ctx.out, event) : onProgress?.(event);
    const { templateSchema: schema } = ctx.settings;
    const verbose = ctx.values.verbose === true;
    return await fn(
      new Migrator({ ...ctx.settings, schema, driver, migrations, onProgress: progress, verbose }),
    );
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
