/**
 * `migrate()`: load, connect, apply everything pending, close. For an application's startup.
 *
 * @module
 */
import { connect, resolveDatabaseUrl } from "../drivers/connect.ts";
import { extensionsOfMigrations } from "../drivers/pglite_extensions.ts";
import {
  DEFAULT_MIGRATIONS_DIR,
  loadMigrations,
  loadModules,
  type LoadOptions,
  type ModuleDir,
} from "../files/load.ts";
import { Migrator, type MigratorOptions, type RunResult } from "./migrator.ts";

export type { ModuleDir };

/** Options of {@linkcode migrate}. */
export interface MigrateOptions extends Omit<MigratorOptions, "driver" | "migrations"> {
  /** Database URL; default `DATABASE_URL`, else the embedded PGlite database in `.tide/pglite`. */
  databaseUrl?: string;
  /** Migrations directory. Default `migrations`. */
  dir?: string;
  /** How to read it: its format (default auto) and what the format uses. */
  load?: LoadOptions;
  /** Apply pending migrations older than the newest applied one instead of refusing. */
  allowOutOfOrder?: boolean;
  /**
   * Other modules of the same tracking table and their directories (read like `dir`), applied
   * in the same run as `tide up` with the config's `modules` applies them.
   */
  modules?: readonly ModuleDir[];
}

/**
 * Applies every pending migration of `dir` to the database and closes the connection.
 *
 * @example At application startup
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrate } from "./migrate.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/001_users.up.sql`, "create table users (id int);\n");
 * const { steps } = await migrate({ databaseUrl: "memory://", dir });
 * assert.deepEqual(steps.map((step) => `${step.version}_${step.name}`), ["001_users"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function migrate(options: MigrateOptions = {}): Promise<RunResult> {
  const {
    databaseUrl,
    dir = DEFAULT_MIGRATIONS_DIR,
    load,
    allowOutOfOrder,
    modules: dirs = [],
    ...migratorOptions
  } = options;
  const migrations = await loadMigrations(dir, load);
  const modules = await loadModules(dirs, load);
  const { networkTimeoutMs } = migratorOptions;
  // On PGlite, the extensions the migrations create must be loaded when it starts.
  const extensions = extensionsOfMigrations(
    [migrations, ...modules.map((m) => m.migrations)].flat(),
  );
  await using driver = await connect(databaseUrl ?? resolveDatabaseUrl(), {
    networkTimeoutMs,
    extensions,
  });
  const migrator = new Migrator({ ...migratorOptions, driver, migrations });
  return await migrator.up({ allowOutOfOrder, ...(modules.length > 0 ? { modules } : {}) });
}
