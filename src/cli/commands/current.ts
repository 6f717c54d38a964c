/**
 * `tide current`: the newest applied version, on one line, for scripts.
 *
 * @module
 */
import { compareVersions } from "../../files/version.ts";
import type { Command } from "../command.ts";
import { withLedger } from "../context.ts";
import { noDatabaseYet } from "../database.ts";

/** The `current` command. */
export const command: Command = {
  usage: "current",
  description: "Prints the newest applied migration's version on one line (nothing when none is\n" +
    "applied), as golang-migrate's `version` does: `v=$(tide current)`. With --json:\n" +
    '{ "current": "003", "name": "add_users", "appliedAt": "..." }, or "current": null.\n' +
    "Changes nothing, and never creates the embedded database.",
  async run(ctx) {
    const applied = await noDatabaseYet(ctx)
      ? []
      : (await withLedger(ctx, (ledger) => ledger.list())).filter((row) =>
        row.status === "applied"
      );
    const newest = [...applied].sort((a, b) => compareVersions(a.version, b.version)).at(-1);
    ctx.out.result({
      current: newest?.version ?? null,
      name: newest?.name ?? null,
      appliedAt: newest?.appliedAt?.toISOString() ?? null,
    });
    if (newest) ctx.out.line(newest.version);
    else ctx.out.note("No migration is applied.");
    return 0;
  },
};
