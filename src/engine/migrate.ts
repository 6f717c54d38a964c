/**
 * `migrate()`: load, connect, apply everything pending, close. For an application's startup.
 *
 * @module
 */
import { connect, resolveDatabaseUrl } from "../drivers/connect.ts";
import { DEFAULT_MIGRATIONS_DIR, loadMigrations } from "../files/load.ts";
import { Migrator, type MigratorOptions, type RunResult } from "./migrator.ts";

/** Options of {@linkcode migrate}. */
export interface MigrateOptions extends Omit<MigratorOptions, "driver" | "migrations"> {
  /** Database URL; default `DATABASE_URL`, else the embedded PGlite database in `.tide/pglite`. */
  databaseUrl?: string;
  /** Migrations directory. Default `migrations`. */
  dir?: string;
  /** Apply pending migrations older than the newest applied one instead of refusing. */
  allowOutOfOrder?: boolean;
}

/**
 * Applies every pending migration of `dir` to the database and closes the connection.
 *
 * @example At application startup
 * ```ts ignore
 * import { migrate } from "@tide/tide";
 *
 * const { steps } = await migrate({ databaseUrl: Deno.env.get("DATABASE_URL"), dir: "migrations" });
 * console.log(`applied ${steps.length} migrations`);
 * ```
 */
export async function migrate(options: MigrateOptions = {}): Promise<RunResult> {
  const { databaseUrl, dir = DEFAULT_MIGRATIONS_DIR, allowOutOfOrder, ...migratorOptions } =
    options;
  const migrations = await loadMigrations(dir);
  await using driver = await connect(databaseUrl ?? resolveDatabaseUrl());
  return await new Migrator({ ...migratorOptions, driver, migrations }).up({ allowOutOfOrder });
}
