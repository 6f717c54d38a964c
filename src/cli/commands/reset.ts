/**
 * `tide reset`: rolls back everything, then applies everything.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { VERBOSE_OPTION, YES_OPTION } from "../command.ts";
import { relativeFile, requireConfirmation, withMigrator } from "../context.ts";
import { printRun, progressPrinter } from "../run_output.ts";

/** The `reset` command. */
export const command: Command = {
  usage: "reset [--verbose] [--yes]",
  writes: true,
  description: "Rolls back every applied migration, then applies every migration: a clean\n" +
    "database for development. On a protected environment it needs --yes.",
  options: { ...VERBOSE_OPTION, ...YES_OPTION },
  async run(ctx) {
    requireConfirmation(ctx, "reset", "rolls back every migration, dropping their data");
    const result = await withMigrator(
      ctx,
      (migrator) => migrator.reset(),
      progressPrinter(ctx.out),
      { runsMigrations: true },
    );
    printRun(ctx.out, "reset", result, (path) => relativeFile(ctx, path));
    return 0;
  },
};
