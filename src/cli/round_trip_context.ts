/**
 * What `verify`, `lint` and `generate-down` run with: the migrations they can run (another
 * tool's code migrations left out, with a warning), the verify setup file, the module in force
 * and the other modules (see `verify/required.ts`).
 *
 * @module
 */
import { resolve } from "../files/paths.ts"; // not node:path: see paths.ts
import { errorMessage, MigrationError } from "../errors.ts";
import type { ModuleMigrations } from "../engine/migrator_options.ts";
import type { Migration } from "../files/migration.ts";
import { codeMigrationLeftOut } from "../files/formats/format.ts";
import type { VerifySetup } from "../verify/setup.ts";
import type { CommandContext } from "./command.ts";
import { loadCliMigrations, otherModules, relativeFile } from "./context.ts";

/**
 * The migrations a throwaway database can run: a goose `.go` or node-pg-migrate `.js` migration
 * is another tool's code, left out with a warning that the ones after it run without its
 * changes, so the SQL ones are still checked. `done` says what the command does to each.
 *
 * @example
 * ```ts ignore
 * const migrations = await roundTripMigrations(ctx, "verified");
 * ```
 */
export function roundTripMigrations(ctx: CommandContext, done: string): Promise<Migration[]> {
  return loadCliMigrations(ctx, {
    onCodeMigration: (path) => ctx.out.warn(codeMigrationLeftOut(relativeFile(ctx, path), done)),
  });
}

/**
 * What a run on a throwaway database needs besides the migrations, from the settings: the verify
 * setup, the module in force, and the other modules, read only when a migration requires one
 * (most projects have none). `verify`, `generate-down` and `lint` run with it.
 *
 * @example
 * ```ts ignore
 * await verifyMigrations({ migrations, ...await roundTripContext(ctx, migrations) });
 * ```
 */
export async function roundTripContext(
  ctx: CommandContext,
  migrations: readonly Migration[],
): Promise<{ setup?: VerifySetup; module: string; modules: ModuleMigrations[] }> {
  const required = migrations.some((m) => (m.requires?.length ?? 0) > 0);
  const setup = await readSetup(ctx.io.cwd, ctx.settings.verify.setup);
  return {
    ...(setup === undefined ? {} : { setup }),
    module: ctx.settings.module,
    modules: required ? await otherModules(ctx, { always: true }) : [],
  };
}

/** The setup file's SQL, its path relative to the working directory; none for `""`. */
async function readSetup(cwd: string, file: string): Promise<VerifySetup | undefined> {
  if (file === "") return undefined;
  try {
    return { path: file, sql: await Deno.readTextFile(resolve(cwd, file)) };
  } catch (error) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Reading the verify setup file ${file} failed: ${errorMessage(error)}. Check the path ` +
        "given with --setup (or verify.setup in the config file); it is relative to the " +
        "working directory.",
      { file, cause: error },
    );
  }
}
