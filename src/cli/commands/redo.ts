/**
 * `tide redo`: rolls back the last migration and applies it again.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { VERBOSE_OPTION, YES_OPTION } from "../command.ts";
import { relativeFile, requireConfirmation, withMigrator } from "../context.ts";
import { printRun, progressPrinter } from "../run_output.ts";

/** The `redo` command. */
export const command: Command = {
  usage: "redo [--verbose] [--yes]",
  writes: true,
  description:
    "Rolls back the newest applied migration and applies it again: handy while writing\n" +
    "a migration. On a protected environment it needs --yes, as it runs a down.",
  options: { ...VERBOSE_OPTION, ...YES_OPTION },
  async run(ctx) {
    requireConfirmation(ctx, "redo", "rolls back a migration before applying it again");
    const result = await withMigrator(
      ctx,
      (migrator) => migrator.redo(),
      progressPrinter(ctx.out),
      {
        runsMigrations: true,
      },
    );
    printRun(ctx.out, "redo", result, (path) => relativeFile(ctx, path));
    return 0;
  },
};
