/**
 * `tide new <name>`: creates a migration with the next version.
 *
 * @module
 */
import { relative, resolve } from "node:path";
import type { Command } from "../command.ts";
import { migrationsDir } from "../context.ts";

/** The `new` command. */
export const command: Command = {
  usage: "new <name>",
  description:
    "Creates a migration with the next version: a UTC timestamp (YYYYMMDDHHMMSS) when\n" +
    "the existing versions are timestamps, else the next number padded like the others\n" +
    "(001 in an empty directory). It writes <version>_<name>.up.sql and .down.sql, or one\n" +
    "file with -- migrate:up / -- migrate:down when most migrations are single files.\n" +
    "The name is lowercased and reduced to letters, digits and underscores. Prints the\n" +
    "files it wrote.",
  positionals: ["<name>"],
  async run(ctx) {
    const { createMigration } = await import("../../files/scaffold.ts");
    const created = await createMigration(migrationsDir(ctx), ctx.positionals[0]);
    ctx.out.result(created);
    // Paths as the user sees them from the project directory.
    for (const file of created.files) {
      ctx.out.line(`Created: ${relative(ctx.io.cwd, resolve(file)).replaceAll("\\", "/")}`);
    }
    return 0;
  },
};
