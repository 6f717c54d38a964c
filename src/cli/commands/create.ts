/**
 * `tide create` and `tide drop`: the database named in the URL, created or dropped, as dbmate
 * does. Refused on protected environments.
 *
 * @module
 */
import { MigrationError, UsageError } from "../../errors.ts";
import type { Command } from "../command.ts";
import type { CommandContext } from "../command.ts";
import { databaseLabel, openDatabase, pgliteExists } from "../database.ts";

/** The `create` command. */
export const command: Command = {
  usage: "create",
  description:
    "Creates the database named in the URL (postgres://.../NAME) when it does not exist,\n" +
    "connecting to the server's postgres database to do so; for pglite://DIR or the embedded\n" +
    "database, creates the data directory. Refused on a protected environment.",
  writes: true,
  async run(ctx) {
    refuseProtected(ctx, "create");
    const { serverDatabase } = await import("../server_database.ts");
    const server = serverDatabase(ctx);
    if (server) {
      const created = await server.create();
      ctx.out.result({ created });
      ctx.out.line(
        created
          ? `Created database ${server.name}.`
          : `Database ${server.name} already exists; nothing to do.`,
      );
      return 0;
    }
    requirePglite(ctx, "create");
    const created = !(await pgliteExists(ctx));
    if (created) await (await openDatabase(ctx)).close();
    else ctx.out.database(databaseLabel(ctx));
    ctx.out.result({ created });
    ctx.out.line(created ? "Created the database." : "The database already exists; nothing to do.");
    return 0;
  },
};

/** Refuses `create` and `drop` on a protected environment: those are done by hand there. */
export function refuseProtected(ctx: CommandContext, name: string): void {
  if (!ctx.settings.protected) return;
  const where = ctx.settings.environment
    ? `the environment "${ctx.settings.environment}"`
    : "this configuration";
  throw new MigrationError(
    "PROTECTED_ENVIRONMENT",
    `Refusing \`tide ${name}\` of ${databaseLabel(ctx)}: ${where} is marked "protected": true in ` +
      `the config file, and tide never ${name}s a protected database (--yes does not change ` +
      "that). Do it by hand with psql if you mean it.",
  );
}

/** `memory://` cannot be created or dropped: it lives only as long as tide runs. */
export function requirePglite(ctx: CommandContext, name: string): void {
  if (/^memory:/i.test(ctx.settings.databaseUrl ?? "")) {
    throw new UsageError(
      `tide ${name} has nothing to do for memory://: that database lives only while tide runs.`,
    );
  }
}
