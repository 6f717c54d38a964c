/**
 * `tide diff --from <migrations|schema.sql|URL> --to <schema.sql|URL>`: the SQL that turns one
 * schema into the other.
 *
 * @module
 */
import { resolve } from "node:path";
import { MigrationError, UsageError } from "../../errors.ts";
import type { SchemaSnapshot } from "../../schema/objects.ts";
import type { Command } from "../command.ts";
import { loadCliMigrations, otherModules } from "../context.ts";
import type { CommandContext } from "../command.ts";

/**
 * The `diff` command.
 *
 * @example
 * ```sh
 * deno task tide diff --from migrations --to schema.sql
 * ```
 */
export const command: Command = {
  usage: "diff [--from migrations|FILE|URL] --to FILE|URL",
  description: "Prints the SQL that turns the --from schema into the --to schema, in dependency\n" +
    "order, with what it cannot do (or does at the cost of data) as comments on top. A side\n" +
    "is the schema the migrations build (`migrations`, or a directory), a SQL file applied to\n" +
    "an empty in-memory PGlite, or a database URL. --from defaults to the migrations.",
  options: {
    from: { type: "string", arg: "SOURCE", description: "migrations (default), a file or a URL." },
    to: { type: "string", arg: "SOURCE", description: "A schema file or a database URL." },
    grants: { type: "boolean", description: "Also owners and GRANTs." },
  },
  async run(ctx) {
    const to = ctx.values.to;
    if (typeof to !== "string" || to === "") throw new UsageError("tide diff needs --to FILE|URL.");
    const from = typeof ctx.values.from === "string" ? ctx.values.from : "migrations";
    const grants = ctx.values.grants === true;
    const [before, after] = [
      await snapshotOf(ctx, from, grants),
      await snapshotOf(ctx, to, grants),
    ];
    const { generateSql } = await import("../../generate/generate.ts");
    const { diffSnapshots } = await import("../../schema/diff.ts");
    const generated = generateSql(before.objects, after.objects, { grants });
    const changes = diffSnapshots(before, after).map((c) => c.description);
    ctx.out.result({ changes, sql: generated.sql, notes: generated.notes });
    for (const note of generated.notes) ctx.out.line(`-- ${note.kind}: ${note.message}`);
    if (generated.notes.length > 0) ctx.out.line("");
    ctx.out.line(generated.sql === "" ? "-- The schemas are the same." : generated.sql.trimEnd());
    return 0;
  },
};

/**
 * The schema of a source: `migrations` (the configured directory), another directory of
 * migrations, a SQL file, or a database URL.
 *
 * @example
 * ```ts ignore
 * const snapshot = await snapshotOf(ctx, "schema.sql");
 * ```
 */
export async function snapshotOf(
  ctx: CommandContext,
  source: string,
  grants = false,
): Promise<SchemaSnapshot> {
  const sources = await import("../../generate/source.ts");
  const ledger = ctx.settings;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    return await sources.snapshotOfUrl(source, ledger, ctx.io.cwd, grants);
  }
  const path = resolve(ctx.io.cwd, source);
  const info = source === "migrations" ? undefined : await Deno.stat(path).catch(() => undefined);
  if (source === "migrations" || info?.isDirectory) {
    const { loadMigrations } = await import("../../files/load.ts");
    const migrations = source === "migrations"
      ? await loadCliMigrations(ctx)
      : await loadMigrations(path);
    // With the other modules' migrations: they share the database (see `tide dump`).
    const modules = source === "migrations" ? await otherModules(ctx, { always: true }) : [];
    await using db = await sources.migratedPglite(migrations, ledger, modules);
    return await sources.snapshotWithoutLedger(db, ledger, grants);
  }
  if (info?.isFile) {
    await using db = await sources.schemaFilePglite(source, await Deno.readTextFile(path));
    return await sources.snapshotWithoutLedger(db, ledger, grants);
  }
  throw new MigrationError(
    "SCHEMA_SOURCE_FAILED",
    `Cannot read the schema of "${source}": it is not a directory, a file or a database URL. ` +
      "Use migrations, a schema file such as schema.sql, or postgres://...",
  );
}
