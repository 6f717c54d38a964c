/**
 * `tide drop`: drops the database named in the URL. Refused on protected environments.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { databaseLabel, pgliteExists } from "../database.ts";
import { refuseProtected, requirePglite } from "./create.ts";

/** The `drop` command. */
export const command: Command = {
  usage: "drop",
  description:
    "Drops the database named in the URL (postgres://.../NAME) when it exists, connecting\n" +
    "to the server's postgres database to do so; for pglite://DIR or the embedded database,\n" +
    "removes the data directory. Refused on a protected environment, even with --yes.",
  writes: true,
  async run(ctx) {
    refuseProtected(ctx, "drop");
    const { dropDataDir, serverDatabase } = await import("../server_database.ts");
    const server = serverDatabase(ctx);
    if (server) {
      const dropped = await server.drop();
      ctx.out.result({ dropped });
      ctx.out.line(
        dropped
          ? `Dropped database ${server.name}.`
          : `Database ${server.name} does not exist; nothing to do.`,
      );
      return 0;
    }
    requirePglite(ctx, "drop");
    ctx.out.database(databaseLabel(ctx));
    const dropped = (await pgliteExists(ctx)) === true;
    if (dropped) await dropDataDir(ctx);
    ctx.out.result({ dropped });
    ctx.out.line(dropped ? "Dropped the database." : "There is no database; nothing to do.");
    return 0;
  },
};
