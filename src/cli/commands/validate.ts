/**
 * `tide validate`: checks the migration files, and the database against them when one is given.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { loadOptions, migrationsDir, withDriver } from "../context.ts";
import { noDatabaseYet } from "../database.ts";

/** The `validate` command. */
export const command: Command = {
  usage: "validate",
  description: "Loads the migrations directory and reports every problem: bad file names or\n" +
    "sections, duplicate versions, and migrations without a down. Given a database\n" +
    "(--database-url, DATABASE_URL or the config), it also reports applied migrations whose\n" +
    "file was edited, is missing, or that failed. Exit status 1 when anything is found.",
  async run(ctx) {
    const { validateMigrations } = await import("../../engine/validate.ts");
    const { settings, out } = ctx;
    const dir = migrationsDir(ctx);
    const options = {
      dir,
      schema: settings.schema,
      module: settings.module,
      table: settings.table,
      load: loadOptions(settings),
    };
    const offline = settings.databaseUrl === undefined || await noDatabaseYet(ctx);
    const report = offline
      ? await validateMigrations(options)
      : await withDriver(ctx, (driver) => validateMigrations({ ...options, driver }));
    out.result({ ok: report.problems.length === 0, ...report });
    if (!out.json) { for (const problem of report.problems) out.error(new Error(problem.message)); }
    for (const note of report.notes) out.warn(note.message);
    const what = report.checkedDatabase ? "files and database" : "files";
    const count = report.problems.length;
    out.line(
      count === 0
        ? `OK: ${report.migrations} migrations checked (${what}), no problems.`
        : `Found ${count} problem${count === 1 ? "" : "s"} (${what} checked).`,
    );
    return count === 0 ? 0 : 1;
  },
};
