/**
 * `tide up`: applies pending migrations.
 *
 * @module
 */
import { parsePositiveInt } from "../args.ts";
import type { Command } from "../command.ts";
import { DRY_RUN_OPTION, VERBOSE_OPTION } from "../command.ts";
import { otherModules, relativeFile, withMigrator } from "../context.ts";
import { printRun, progressPrinter } from "../run_output.ts";

/** The `up` command. */
export const command: Command = {
  usage: "up [--to V] [--count N] [--dry-run] [--verbose] [--allow-out-of-order] [--allow-missing]",
  writes: true,
  description: "Applies pending migrations in version order, each in its own transaction\n" +
    '(unless it is marked -- tide:no-transaction), under tide\'s migration lock. With "modules"\n' +
    "in the config file and no --module, it applies theirs too, in an order that meets every\n" +
    "-- tide:requires.",
  options: {
    to: { type: "string", arg: "V", description: "Apply up to and including version V." },
    count: { type: "string", arg: "N", description: "Apply at most the N next migrations." },
    ...DRY_RUN_OPTION,
    ...VERBOSE_OPTION,
    "allow-out-of-order": {
      type: "boolean",
      description: "Apply pending migrations older than the newest applied one.",
    },
    "allow-missing": {
      type: "boolean",
      description: "Proceed when applied migrations have no file any more.",
    },
  },
  async run(ctx) {
    const { values, out } = ctx;
    const dryRun = values["dry-run"] === true;
    const count = typeof values.count === "string"
      ? parsePositiveInt(values.count, "--count")
      : undefined;
    const modules = await otherModules(ctx);
    const result = await withMigrator(
      ctx,
      (migrator) =>
        migrator.up({
          to: values.to as string | undefined,
          count,
          dryRun,
          allowOutOfOrder: ctx.settings.allowOutOfOrder,
          allowMissing: values["allow-missing"] === true,
          modules,
        }),
      progressPrinter(out),
      { runsMigrations: true },
    );
    printRun(out, "up", result, (path) => relativeFile(ctx, path));
    return 0;
  },
};
