/**
 * `tide history`: the log of every up, down, baseline, adopt and repair.
 *
 * @module
 */
import { parsePositiveInt } from "../args.ts";
import type { Command } from "../command.ts";
import { withLedger } from "../context.ts";
import { databaseLabel, noDatabaseYet } from "../database.ts";
import { formatMs, formatTable } from "../output.ts";
import { formatDate } from "./status.ts";
import { migrationLabel } from "../../files/version.ts";

/** The `history` command. */
export const command: Command = {
  usage: "history [--limit N]",
  description:
    "Prints the log of every up, down, baseline, adopt and repair, oldest first, with who ran\n" +
    "it, how long it took and, for failures, the error. Changes nothing.",
  options: {
    limit: { type: "string", arg: "N", description: "Only the N most recent entries." },
  },
  async run(ctx) {
    const limit = typeof ctx.values.limit === "string"
      ? parsePositiveInt(ctx.values.limit, "--limit")
      : undefined;
    const missing = await noDatabaseYet(ctx);
    const entries = missing ? [] : await withLedger(ctx, (ledger) => ledger.history({ limit }));
    ctx.out.result({
      entries: entries.map((e) => ({ ...e, startedAt: e.startedAt.toISOString() })),
    });
    if (entries.length === 0) {
      ctx.out.line(
        missing
          ? `No history: there is no database yet (${databaseLabel(ctx)}).`
          : "No history: nothing was ever applied with this tracking table.",
      );
      return 0;
    }
    // The description column only when an entry has one, so older logs read as before.
    const described = entries.some((e) => e.description);
    const rows = entries.map((e) => [
      formatDate(e.startedAt),
      e.action,
      migrationLabel(e),
      e.outcome,
      formatMs(e.durationMs),
      e.performedBy,
      ...(described ? [e.description ?? ""] : []),
      e.error ?? "",
    ]);
    const head = ["STARTED", "ACTION", "MIGRATION", "OUTCOME", "TIME", "BY"];
    const heads = [...head, ...(described ? ["DESCRIPTION"] : []), "ERROR"];
    for (const line of formatTable([heads, ...rows])) ctx.out.line(line.trimEnd());
    return 0;
  },
};
