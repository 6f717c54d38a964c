/**
 * The database a command works on: named first (`Database: ...` on stderr, `database` in JSON),
 * never the implicit embedded one for a writing command in CI or on a protected environment,
 * never created by a read-only command, and opened while saying who holds its lock.
 *
 * @module
 */
import { join, relative } from "../files/paths.ts"; // not node:path: see paths.ts
import { pgliteDataDir } from "../drivers/connect.ts";
import type { Driver } from "../drivers/driver.ts";
import { parseDuration } from "../config/duration.ts";
import { MigrationError } from "../errors.ts";
import { redactUrl } from "../sql/redact.ts";
import type { CommandContext } from "./command.ts";
import type { LockWaitNotice } from "./run_output.ts";

/**
 * How messages name the database of `ctx`: its URL without the password, or
 * `embedded .tide/pglite` when no URL was given.
 *
 * @example
 * ```ts ignore
 * databaseLabel(ctx); // "postgres://app:***@db:5432/app"
 * ```
 */
export function databaseLabel(ctx: Pick<CommandContext, "settings" | "io">): string {
  const url = ctx.settings.databaseUrl;
  if (url !== undefined) return redactUrl(url);
  const dir = pgliteDataDir(undefined, ctx.io.cwd)!;
  return `embedded ${relative(ctx.io.cwd, dir).replaceAll("\\", "/")}`;
}

/** Whether `CI` says this runs in continuous integration. */
function inCi(ctx: Pick<CommandContext, "io">): boolean {
  const ci = ctx.io.env.get("CI");
  return ci !== undefined && ci !== "" && !/^(false|0)$/i.test(ci);
}

/**
 * Refuses the implicit embedded database for a writing command when `CI` is set or the
 * environment is protected: a misspelled `DATABSE_URL` in a deploy job must fail, not migrate a
 * PGlite database nobody reads. An explicit `pglite://` or `memory://` URL still works.
 *
 * @example
 * ```ts ignore
 * if (command.writes) refuseImplicitDatabase(ctx);
 * ```
 */
export function refuseImplicitDatabase(ctx: CommandContext): void {
  const { settings } = ctx;
  if (settings.databaseUrl !== undefined) return;
  const why = inCi(ctx)
    ? "CI is set"
    : settings.protected
    ? `${
      settings.environment ? `the environment "${settings.environment}"` : "the configuration"
    } is marked "protected": true`
    : undefined;
  if (why === undefined) return;
  const config = settings.configFile
    ? `"databaseUrl" in ${relative(ctx.io.cwd, settings.configFile) || settings.configFile}` +
      (settings.environment ? ` (environment "${settings.environment}")` : "")
    : `a config file's "databaseUrl" (there is none)`;
  const embedded = databaseLabel(ctx).replace(/^embedded /, "");
  throw new MigrationError(
    "NO_DATABASE_URL",
    `Refusing \`tide ${ctx.name}\` on the implicit embedded database (${embedded}): ${why} and ` +
      `no database URL was given. tide looked for --database-url, the DATABASE_URL environment ` +
      `variable and ${config}, and found none (check the variable's spelling). Set DATABASE_URL, ` +
      `or pass --database-url pglite://${embedded} to use the embedded database on purpose.`,
  );
}

/**
 * For read-only commands, which never create a database: `true` when the database is a PGlite
 * directory (the embedded one, or `pglite://DIR`) that does not exist yet. Names it either way
 * when it does not exist.
 *
 * @example
 * ```ts ignore
 * if (await noDatabaseYet(ctx)) return printNothingApplied(ctx);
 * ```
 */
export async function noDatabaseYet(ctx: CommandContext): Promise<boolean> {
  if (await pgliteExists(ctx) !== false) return false;
  ctx.out.database(`${databaseLabel(ctx)} (none yet)`);
  return true;
}

/**
 * Whether the PGlite data directory of `ctx` exists; `undefined` when the database is not a
 * PGlite directory.
 *
 * @example
 * ```ts ignore
 * if (await pgliteExists(ctx) === false) console.log("nothing to drop");
 * ```
 */
export async function pgliteExists(
  ctx: Pick<CommandContext, "settings" | "io">,
): Promise<boolean | undefined> {
  const dir = pgliteDataDir(ctx.settings.databaseUrl, ctx.io.cwd);
  if (dir === undefined) return undefined;
  try {
    await Deno.stat(join(dir, "PG_VERSION"));
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return false;
  }
}

/** How a command opens its database. */
export interface OpenOptions {
  /** Only reads will run: a plain `postgres://` URL may use tide's light client. */
  readOnly?: boolean;
  /** PGlite extensions to load when it starts (those the migrations create). */
  extensions?: readonly string[];
}

/**
 * Names the database, then opens it; while another process holds a PGlite data directory's
 * lock, says who every few seconds.
 *
 * @example
 * ```ts ignore
 * await using driver = await openDatabase(ctx);
 * ```
 */
export async function openDatabase(
  ctx: CommandContext,
  waitMs: number = waitOption(ctx),
  options: OpenOptions = {},
): Promise<Driver> {
  ctx.out.database(databaseLabel(ctx));
  return await connectTo(ctx, ctx.settings.databaseUrl, waitMs, options);
}

/**
 * Opens `url` for `ctx` without naming it (`openDatabase` names the database first): waits for
 * a server up to `waitMs`, and says who holds a PGlite data directory's lock while waiting.
 *
 * @example
 * ```ts ignore
 * const maintenance = await connectTo(ctx, "postgres://app@db/postgres", waitOption(ctx));
 * ```
 */
export async function connectTo(
  ctx: CommandContext,
  url: string | undefined,
  waitMs: number,
  options: OpenOptions = {},
): Promise<Driver> {
  const { connect } = await import("../drivers/connect.ts");
  const open = () =>
    connect(url, {
      cwd: ctx.io.cwd,
      command: `tide ${ctx.name}`,
      lockWaitMs: ctx.settings.lockWaitMs,
      onLockWait: (wait) => void noteLockWait(ctx, wait),
      networkTimeoutMs: ctx.settings.networkTimeoutMs,
      readOnly: options.readOnly,
      extensions: options.extensions,
    });
  if (waitMs <= 0 || !/^postgres(ql)?:/i.test(url ?? "")) return await open();
  return await retryConnecting(ctx, open, waitMs);
}

/** Prints a PGlite lock wait; the printer is loaded only when someone waits. */
async function noteLockWait(ctx: CommandContext, wait: LockWaitNotice): Promise<void> {
  const { printLockWait } = await import("./run_output.ts");
  printLockWait(ctx.out, wait);
}

/** `--wait DURATION` in milliseconds; 0 when not given. */
export function waitOption(ctx: Pick<CommandContext, "values">): number {
  const text = ctx.values.wait;
  return typeof text === "string" ? parseDuration(text, "--wait") : 0;
}

/** Whether the database is a server (something to wait for), not PGlite. */
export function isServer(ctx: Pick<CommandContext, "settings">): boolean {
  return /^postgres(ql)?:/i.test(ctx.settings.databaseUrl ?? "");
}

const RETRY_MS = 250;
const NOTICE_MS = 5000;

/**
 * Connects, retrying a refused or failed connection until the server answers or `waitMs`
 * passes, as `dbmate wait` does: for jobs that start the database and the migration at once.
 */
async function retryConnecting(
  ctx: CommandContext,
  open: () => Promise<Driver>,
  waitMs: number,
): Promise<Driver> {
  const started = Date.now();
  let noticed = 0;
  while (true) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof MigrationError && error.code === "CONNECTION_FAILED")) throw error;
      const waited = Date.now() - started;
      if (waited >= waitMs) {
        throw new MigrationError(
          "CONNECTION_FAILED",
          `The database did not answer within ${waitMs} ms (--wait). ${error.message}`,
        );
      }
      if (noticed === 0 || Date.now() - noticed >= NOTICE_MS) {
        noticed = Date.now();
        ctx.out.note(
          `Waiting for the database (${Math.floor(waited / 1000)}s of ${
            Math.round(waitMs / 1000)
          }s): ${error.message}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, waitMs - waited)));
    }
  }
}
