/**
 * `tide generate-down`: generates each migration's down from the schemas before and after its
 * up, proves it by a round trip, and writes it when proven and no down exists.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../../files/migration.ts";
import type { GeneratedDown } from "../../generate/down.ts";
import type { Command } from "../command.ts";
import { roundTripContext, roundTripMigrations } from "../round_trip_context.ts";
import type { CommandContext } from "../command.ts";
import type { Output } from "../output.ts";
import { serverUrl } from "./verify.ts";
import { migrationLabel } from "../../files/version.ts";

/** One migration in `--json`. */
interface DownJson {
  version: string;
  file: string;
  status: GeneratedDown["status"];
  reason: string | null;
  sql: string;
  written: boolean;
}

/**
 * The `generate-down` command.
 *
 * @example
 * ```sh
 * deno task tide generate-down --all --dry-run --json
 * ```
 */
export const command: Command = {
  usage: "generate-down [V | --all] [--dry-run] [--force] [--database-url postgres://...]",
  description: "For each migration (V, every one with --all, else those without a down): apply\n" +
    "the ones before it on an in-memory PGlite, snapshot, apply it, snapshot, generate the\n" +
    "down, and prove it (the down restores the schema before, the up run again the schema\n" +
    "after). A proven down is written to <version>_<name>.down.sql when none exists (or with\n" +
    "--force); otherwise it says what cannot be reversed and writes nothing. Exit status 1\n" +
    "when any down is not proven.",
  positionals: ["V?"],
  options: {
    all: { type: "boolean", description: "Every migration, also those that have a down." },
    "dry-run": { type: "boolean", description: "Print (or --json) the downs; write nothing." },
    force: { type: "boolean", description: "Replace a down that exists." },
  },
  async run(ctx) {
    const migrations = await roundTripMigrations(ctx, "applied");
    const versions = chosen(ctx, migrations);
    const { generateDowns } = await import("../../generate/down.ts");
    const results = await generateDowns({
      migrations,
      versions,
      ...await roundTripContext(ctx, migrations),
      schema: ctx.settings.schema,
      databaseUrl: serverUrl(ctx.values["database-url"]),
    });
    const byVersion = new Map(migrations.map((m) => [m.version, m]));
    const rows: DownJson[] = [];
    for (const result of results) {
      const row = await settle(ctx, byVersion.get(result.version)!, result);
      print(ctx.out, result, row);
      rows.push(row);
    }
    ctx.out.result({ migrations: rows });
    const proven = rows.filter((r) => r.status === "proven").length;
    const written = rows.filter((r) => r.written).length;
    ctx.out.line(`${proven} of ${rows.length} downs proven, ${written} written.`);
    return proven === rows.length ? 0 : 1;
  },
};

function chosen(ctx: CommandContext, migrations: readonly Migration[]): string[] {
  const version = ctx.positionals[0];
  if (version !== undefined) {
    if (!migrations.some((m) => m.version === version)) {
      throw new MigrationError(
        "UNKNOWN_VERSION",
        `Cannot generate a down for version "${version}": no migration in ${ctx.settings.dir} ` +
          "has it. Run `tide status` to list the versions.",
        { version },
      );
    }
    return [version];
  }
  if (ctx.values.all === true) return migrations.map((m) => m.version);
  return migrations.filter((m) => m.down === undefined).map((m) => m.version);
}

/** Writes a proven down when allowed, and says what became of it. */
async function settle(
  ctx: CommandContext,
  migration: Migration,
  result: GeneratedDown,
): Promise<DownJson> {
  const { downPath, writeDown } = await import("../../generate/write.ts");
  const row: DownJson = {
    version: result.version,
    file: result.file,
    status: result.status,
    reason: result.reason ?? null,
    sql: result.sql,
    written: false,
  };
  const because = (why: string) => {
    row.reason = [row.reason, why].filter(Boolean).join("; ");
    return row;
  };
  try {
    row.file = downPath(migration);
  } catch (error) {
    if (!(error instanceof MigrationError) || error.code !== "UNSUPPORTED_LAYOUT") throw error;
    if (result.status === "proven" && result.changesSchema) return because(error.message);
  }
  if (result.status !== "proven" || !result.changesSchema || ctx.values["dry-run"] === true) {
    return row;
  }
  const force = ctx.values.force === true;
  if (migration.down !== undefined && !force) {
    return because("a down exists: kept (--force replaces it)");
  }
  await writeDown(migration, result.sql, force);
  row.written = true;
  return row;
}

function print(out: Output, result: GeneratedDown, row: DownJson): void {
  const label = migrationLabel(result);
  const color = result.status === "proven" ? "green" : "red";
  const where = row.written ? ` -> wrote ${row.file}` : "";
  out.line(`${out.paint(color, result.status.padEnd(12))} ${label}${where}`);
  if (row.reason) out.line(`  ${row.reason}`);
  if (!row.written && result.sql !== "") {
    for (const line of result.sql.trimEnd().split("\n")) out.line(`    ${line}`);
  }
}
