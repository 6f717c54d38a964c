/**
 * `tide fresh`: drops the managed schemas with everything in them and applies every migration
 * again, for development.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { DRY_RUN_OPTION, VERBOSE_OPTION, YES_OPTION } from "../command.ts";
import { otherModules, relativeFile, requireConfirmation, withMigrator } from "../context.ts";
import { printRun, progressPrinter } from "../run_output.ts";

/** The `fresh` command. */
export const command: Command = {
  usage: "fresh [--dry-run] [--verbose] [--yes]",
  writes: true,
  description:
    "Drops the schema of tide's tracking tables (--schema, default public) and every schema\n" +
    "the migrations create, with everything in them, then applies every migration (with\n" +
    '"modules" in the config file and no --module, theirs too): a clean database for\n' +
    "development, without running a single down. On a protected environment it needs --yes.",
  options: { ...DRY_RUN_OPTION, ...VERBOSE_OPTION, ...YES_OPTION },
  async run(ctx) {
    const dryRun = ctx.values["dry-run"] === true;
    if (!dryRun) requireConfirmation(ctx, "fresh", "drops every object of its schemas");
    const modules = await otherModules(ctx);
    const result = await withMigrator(
      ctx,
      (migrator) => migrator.fresh({ dryRun, modules }),
      progressPrinter(ctx.out),
      { runsMigrations: true },
    );
    const one = result.schemas.length === 1;
    const what = `the schema${one ? "" : "s"} ${
      result.schemas.map((schema) => `"${schema}"`).join(", ")
    } with everything in ${one ? "it" : "them"}`;
    const count = `${result.steps.length} migration${result.steps.length === 1 ? "" : "s"}`;
    ctx.out.line(
      dryRun
        ? `Would drop ${what} (tide's tracking tables too), then apply ${count}.`
        : `Dropped ${what}, then applied ${count}.`,
    );
    printRun(ctx.out, "fresh", result, (path) => relativeFile(ctx, path), {
      schemas: result.schemas,
    });
    return 0;
  },
};
