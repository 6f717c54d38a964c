/**
 * `tide drift`: the live database against the schema its applied migrations build, in words
 * and as the SQL that reconciles it. Exit status 1 on drift.
 *
 * @module
 */
import type { Command } from "../command.ts";
import { loadCliMigrations, otherModules, withDriver } from "../context.ts";

/**
 * The `drift` command.
 *
 * @example
 * ```sh
 * DATABASE_URL=postgres://app@db/app deno task tide drift
 * ```
 */
export const command: Command = {
  usage: "drift [--database-url URL]",
  description: "Builds the schema of the migrations the database records as applied on an\n" +
    "in-memory PGlite and compares it with the live schema (tide's tables left out). Prints\n" +
    "each difference, then the SQL that brings the live schema back to the migrations'.\n" +
    "Exit status 1 when they differ. Changes nothing.",
  async run(ctx) {
    const migrations = await loadCliMigrations(ctx);
    const { findDrift } = await import("../../generate/drift.ts");
    const modules = await otherModules(ctx, { always: true });
    const drift = await withDriver(
      ctx,
      (driver) => findDrift(driver, migrations, ctx.settings, modules),
    );
    ctx.out.result({
      drift: drift.drifted,
      applied: drift.applied,
      changes: drift.changes.map(({ kind, name, change, description }) => ({
        kind,
        name,
        change,
        description,
      })),
      sql: drift.reconcile.sql,
      notes: drift.reconcile.notes,
    });
    if (!drift.drifted) {
      ctx.out.line(
        `No drift: the database matches its ${drift.applied.length} applied migrations.`,
      );
      return 0;
    }
    ctx.out.line(
      `Drift: the database differs from its ${drift.applied.length} applied migrations.`,
    );
    for (const change of drift.changes) ctx.out.line(`  - ${liveWords(change.description)}`);
    ctx.out.line("");
    ctx.out.line("SQL that brings the database back to the migrations' schema:");
    for (const note of drift.reconcile.notes) ctx.out.line(`-- ${note.kind}: ${note.message}`);
    ctx.out.line(drift.reconcile.sql.trimEnd());
    return 1;
  },
};

/** "added" and "removed" say what the live database has that the migrations do not. */
function liveWords(description: string): string {
  return description.replace(/ added$/, " exists only in the database")
    .replace(/ removed$/, " is missing from the database");
}
