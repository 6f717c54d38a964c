/**
 * `tide new <name>`: creates a migration with the next version.
 *
 * @module
 */
import { relative, resolve } from "node:path";
import type { Command } from "../command.ts";
import { loadOptions, migrationsDir } from "../context.ts";
import { GENERATED_HELP, GENERATED_OPTIONS, newGenerated } from "../new_generated.ts";

/** The `new` command. */
export const command: Command = {
  usage: "new <name> [--ts | --to schema.sql | --template NAME ...]",
  description: "Creates a migration with the next version, in the directory's format and naming\n" +
    "(--format; goose, dbmate, Flyway, sqlx, Diesel, ... as each tool names them). In tide's\n" +
    "own format: a UTC timestamp (YYYYMMDDHHMMSS) when the existing versions are timestamps,\n" +
    "else the next number padded like the others (001 in an empty directory); it writes\n" +
    "<version>_<name>.up.sql and .down.sql, or one file with -- migrate:up / -- migrate:down\n" +
    "when most migrations are single files. The name is lowercased and reduced to letters,\n" +
    "digits and underscores. With --ts it writes <version>_<name>.ts, a TypeScript migration\n" +
    "exporting up(ctx) and down(ctx), in tide's format (which may mix .sql and .ts files).\n" +
    "Prints the files it wrote." + GENERATED_HELP,
  positionals: ["<name>"],
  options: {
    ts: { type: "boolean", description: "Write a TypeScript migration (<version>_<name>.ts)." },
    ...GENERATED_OPTIONS,
  },
  async run(ctx) {
    const generated = await newGenerated(ctx);
    if (generated !== undefined) return generated;
    const { createMigration } = await import("../../files/scaffold.ts");
    const created = await createMigration(
      migrationsDir(ctx),
      ctx.positionals[0],
      { ...loadOptions(ctx.settings), typescript: ctx.values.ts === true },
    );
    ctx.out.result(created);
    // Paths as the user sees them from the project directory.
    for (const file of created.files) {
      ctx.out.line(`Created: ${relative(ctx.io.cwd, resolve(file)).replaceAll("\\", "/")}`);
    }
    return 0;
  },
};
