/**
 * `tide repair`: re-records checksums after an edit; resolves a failed migration.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { UsageError } from "../../errors.ts";
import { YES_OPTION } from "../command.ts";
import { requireConfirmation, withMigrator } from "../context.ts";

/** The `repair` command. */
export const command: Command = {
  usage: "repair [--mark-applied V | --mark-rolled-back V] --yes",
  writes: true,
  description:
    "Re-records the checksum and stored down SQL of every applied migration whose file\n" +
    "was edited, so up stops refusing. With --mark-applied V or --mark-rolled-back V it also\n" +
    "resolves migration V that failed halfway. It rewrites the tracking table: it needs --yes.",
  options: {
    "mark-applied": {
      type: "string",
      arg: "V",
      description: "Failed migration V is fully in place: mark it applied.",
    },
    "mark-rolled-back": {
      type: "string",
      arg: "V",
      description: "None of failed migration V is in place: forget it.",
    },
    ...YES_OPTION,
  },
  async run(ctx) {
    const { values, out } = ctx;
    const markApplied = values["mark-applied"] as string | undefined;
    const markRolledBack = values["mark-rolled-back"] as string | undefined;
    if (markApplied !== undefined && markRolledBack !== undefined) {
      throw new UsageError("Give either --mark-applied or --mark-rolled-back, not both.");
    }
    requireConfirmation(ctx, "repair", "rewrites the tracking table");
    if (values.yes !== true) {
      throw new UsageError(
        "tide repair rewrites recorded checksums to match the files as they are now. " +
          "Check with `tide status` that only harmless edits are listed, then run it again with --yes.",
      );
    }
    const result = await withMigrator(ctx, (m) => m.repair({ markApplied, markRolledBack }));
    out.result(result);
    for (const version of result.rechecksummed) out.line(`Re-recorded checksum: ${version}`);
    for (const version of result.downsStored) {
      out.line(`Stored the new down SQL: ${version} (the checksum was already right)`);
    }
    for (const version of result.resolved) {
      out.line(
        `Resolved: ${version} (${
          markApplied !== undefined ? "marked applied" : "marked rolled back"
        })`,
      );
    }
    if (result.rechecksummed.length + result.downsStored.length + result.resolved.length === 0) {
      out.line("Nothing to repair: every checksum and stored down matches its file.");
    }
    return 0;
  },
};
