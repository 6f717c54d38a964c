/**
 * `tide wait`: waits until the database server answers, as `dbmate wait` does.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { databaseLabel, isServer, openDatabase, waitOption } from "../database.ts";
import { formatMs } from "../output.ts";

/** How long `tide wait` waits without `--wait`. */
const DEFAULT_WAIT_MS = 60_000;

/** The `wait` command. */
export const command: Command = {
  usage: "wait [--wait DURATION]",
  description: "Connects to the database, retrying until the server answers or --wait passes\n" +
    "(default 60s), then exits 0; exit status 1 when it never answered. For jobs that start\n" +
    "the database and migrate at once. An embedded database has nothing to wait for.\n" +
    "Every other command takes --wait too.",
  async run(ctx) {
    if (!isServer(ctx)) {
      ctx.out.result({ ready: true, waitedMs: 0 });
      ctx.out.line(`Nothing to wait for: ${databaseLabel(ctx)} is not a server.`);
      return 0;
    }
    const started = performance.now();
    const driver = await openDatabase(ctx, waitOption(ctx) || DEFAULT_WAIT_MS);
    try {
      await driver.query("SELECT 1");
    } finally {
      await driver.close();
    }
    const waitedMs = Math.round(performance.now() - started);
    ctx.out.result({ ready: true, waitedMs });
    ctx.out.line(`The database answered after ${formatMs(waitedMs)}.`);
    return 0;
  },
};
