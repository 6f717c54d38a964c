/**
 * What a command runs with: its flags, the settings in force (flags > selected environment >
 * `DATABASE_URL` > config top level > defaults), and helpers that load migrations and open the
 * database, closing it afterwards.
 *
 * @module
 */
import { relative, resolve } from "../files/paths.ts"; // not node:path: see paths.ts
import { type ResolvedSettings, resolveRunSettings } from "../config/resolve.ts";
import type { Driver } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { Migrator, ProgressEvent } from "../engine/migrator.ts";
import type { Ledger } from "../engine/ledger.ts";
import type { FlagValues } from "./args.ts";
import type { CliIo, Output } from "./output.ts";

/** The settings a command runs with, every default filled in. */
export type CliSettings = ResolvedSettings;

/** What a command's `run` gets. */
export interface CommandContext {
  /** The command's name, as typed after `tide`. */
  name: string;
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
 * Loads the migrations of the configured directory; with `downs: false` without reading the
 * down files, for commands that compare only the ups.
 *
 * @example
 * ```ts ignore
 * const migrations = await loadCliMigrations(ctx);
 * ```
 */
export async function loadCliMigrations(
  ctx: CommandContext,
  options: { downs?: boolean } = {},
): Promise<Migration[]> {
  const [{ userCacheDirectory }, { loadMigrationsCached }] = await Promise.all([
    import("../config/cache_dir.ts"),
    import("../files/load_cache.ts"),
  ]);
  // Unchanged files are not parsed again (a parse cache in tide's cache directory).
  const cacheDir = userCacheDirectory(ctx.io.env);
  return await loadMigrationsCached(migrationsDir(ctx), cacheDir, options);
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
  const [{ openDatabase }, { Ledger }] = await Promise.all([
    import("./database.ts"),
    import("../engine/ledger.ts"),
  ]);
  const driver = await openDatabase(ctx, undefined, { readOnly: true });
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
): Promise<T> {
  const [{ openDatabase }, { Migrator }, { printLockWait }] = await Promise.all([
    import("./database.ts"),
    import("../engine/migrator.ts"),
    import("./run_output.ts"),
  ]);
  // Connecting while the files load hides the connection's latency.
  const connecting = openDatabase(ctx);
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
    const progress = (event: ProgressEvent) =>
      event.type === "lock-wait" ? printLockWait(ctx.out, event) : onProgress?.(event);
    return await fn(new Migrator({ ...ctx.settings, driver, migrations, onProgress: progress }));
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
