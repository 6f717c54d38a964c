/**
 * Creating and dropping the database a URL names (`tide create`, `tide drop`): on a server,
 * through its `postgres` maintenance database; for PGlite, its data directory.
 *
 * @module
 */
import { errorMessage, MigrationError } from "../errors.ts";
import { lockDataDir } from "../drivers/data_dir_lock.ts";
import { pgliteDataDir } from "../drivers/connect.ts";
import type { Driver } from "../drivers/driver.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import type { CommandContext } from "./command.ts";
import { connectTo, databaseLabel, isServer, waitOption } from "./database.ts";

/** The database of a server URL, and how to create or drop it. */
export interface ServerDatabase {
  /** Its name, from the URL's path (else the user name, as libpq defaults it). */
  name: string;
  /** Creates it; `false` when it already exists. */
  create(): Promise<boolean>;
  /** Drops it; `false` when it does not exist. */
  drop(): Promise<boolean>;
}

/**
 * The server database of `ctx`'s URL; `undefined` for PGlite.
 *
 * @example
 * ```ts ignore
 * const created = await serverDatabase(ctx)?.create();
 * ```
 */
export function serverDatabase(ctx: CommandContext): ServerDatabase | undefined {
  if (!isServer(ctx)) return undefined;
  const url = new URL(ctx.settings.databaseUrl!);
  const name = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username);
  // Connected to the database it drops, a server refuses: template1 then.
  url.pathname = name === "postgres" ? "/template1" : "/postgres";
  const exists = async (db: Driver) =>
    (await db.query("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", [name])).length > 0;
  const run = (verb: "create" | "drop", fn: (db: Driver) => Promise<boolean>) =>
    onServer(ctx, url.href, async (db) => {
      try {
        return await fn(db);
      } catch (error) {
        throw new MigrationError(
          "SQL_ERROR",
          `Cannot ${verb} database ${name} on ${url.host}: ${errorMessage(error)}` +
            (verb === "create"
              ? " The role needs the CREATEDB privilege (ALTER ROLE ... CREATEDB)."
              : " End the other sessions on it first (pg_terminate_backend), then run it again."),
          { cause: error },
        );
      }
    });
  return {
    name,
    create: () =>
      run("create", async (db) => {
        if (await exists(db)) return false;
        await db.exec(`CREATE DATABASE ${quoteIdentifier(name)}`);
        return true;
      }),
    drop: () =>
      run("drop", async (db) => {
        if (!(await exists(db))) return false;
        await db.exec(`DROP DATABASE ${quoteIdentifier(name)}`);
        return true;
      }),
  };
}

async function onServer<T>(
  ctx: CommandContext,
  maintenanceUrl: string,
  fn: (db: Driver) => Promise<T>,
): Promise<T> {
  ctx.out.database(databaseLabel(ctx));
  const db = await connectTo(ctx, maintenanceUrl, waitOption(ctx));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Removes a PGlite data directory, holding its lock so no other tide process has it open.
 *
 * @example
 * ```ts ignore
 * await dropDataDir(ctx);
 * ```
 */
export async function dropDataDir(ctx: CommandContext): Promise<void> {
  const dir = pgliteDataDir(ctx.settings.databaseUrl, ctx.io.cwd)!;
  const lock = await lockDataDir(dir, { command: `tide ${ctx.name}` });
  try {
    await Deno.remove(dir, { recursive: true });
  } finally {
    lock.release();
  }
}
