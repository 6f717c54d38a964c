/**
 * `tide baseline <V>`: marks every migration up to V applied without running it.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { withMigrator } from "../context.ts";
import { migrationLabel } from "../../files/version.ts";

/** The `baseline` command. */
export const command: Command = {
  usage: "baseline <V>",
  writes: true,
  description:
    "Records every migration up to and including version V as applied without running\n" +
    "it: for a database whose schema already exists (created before tide, or restored).",
  positionals: ["<V>"],
  async run(ctx) {
    const [version] = ctx.positionals;
    const steps = await withMigrator(ctx, (migrator) => migrator.baseline(version));
    ctx.out.result({ baselined: steps.map((s) => ({ version: s.version, name: s.name })) });
    for (const step of steps) ctx.out.line(`Baselined: ${migrationLabel(step)}`);
    if (steps.length === 0) {
      ctx.out.line(`Nothing to baseline: everything up to ${version} is applied.`);
    }
    return 0;
  },
};
