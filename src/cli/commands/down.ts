/**
 * `tide down`: rolls back the last migration, or `--count N`, `--to V`, `--all`.
 *
 * @module
 */
import { parsePositiveInt } from "../args.ts";
import { UsageError } from "../../errors.ts";
import type { Command } from "../command.ts";
import { DRY_RUN_OPTION, VERBOSE_OPTION, YES_OPTION } from "../command.ts";
import { relativeFile, requireConfirmation, withMigrator } from "../context.ts";
import { printRun, progressPrinter } from "../run_output.ts";

/** The `down` command. */
export const command: Command = {
  usage: "down [--count N | --to V | --all | --only V [--force]] [--dry-run] [--verbose] [--yes]",
  writes: true,
  description:
    "Rolls back the newest applied migration (or several), newest first, running each\n" +
    "down from its file or, when the file is gone, the down SQL stored when it was applied.\n" +
    "--only V rolls back V alone, the later migrations staying applied, once a PGlite copy of\n" +
    "the applied migrations shows that its down runs and leaves the later ones' objects alone.\n" +
    "On a protected environment it needs --yes.",
  options: {
    count: { type: "string", arg: "N", description: "Roll back the N newest migrations." },
    to: { type: "string", arg: "V", description: "Roll back every migration newer than V." },
    all: { type: "boolean", description: "Roll back everything." },
    only: {
      type: "string",
      arg: "V",
      description: "Roll back migration V alone; the later ones stay applied.",
    },
    force: {
      type: "boolean",
      description: "With --only: roll back even when the check on a PGlite copy refuses.",
    },
    ...DRY_RUN_OPTION,
    ...VERBOSE_OPTION,
    ...YES_OPTION,
  },
  async run(ctx) {
    const { values, out } = ctx;
    const chosen = ["count", "to", "all", "only"].filter((flag) => values[flag] !== undefined);
    if (chosen.length > 1) {
      throw new UsageError(
        `Give at most one of --count, --to and --all (or --only alone), got --${
          chosen.join(" and --")
        }.`,
      );
    }
    if (values.force === true && values.only === undefined) {
      throw new UsageError("--force goes with --only V: it skips the check of that rollback.");
    }
    const dryRun = values["dry-run"] === true;
    if (!dryRun) requireConfirmation(ctx, "down", "rolls back migrations");
    const count = typeof values.count === "string"
      ? parsePositiveInt(values.count, "--count")
      : undefined;
    const result = await withMigrator(
      ctx,
      (migrator) =>
        migrator.down({
          count,
          to: values.to as string | undefined,
          all: values.all === true,
          only: values.only as string | undefined,
          force: values.force === true,
          dryRun,
        }),
      progressPrinter(out),
      { runsMigrations: true },
    );
    printRun(out, "down", result, (path) => relativeFile(ctx, path));
    return 0;
  },
};
