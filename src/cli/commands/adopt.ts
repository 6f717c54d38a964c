/**
 * `tide adopt --from TOOL`: records as applied what another migration tool applied, from its
 * tracking table, running nothing.
 *
 * @module
 */
import { relative } from "node:path";
import type { AdoptedMigration, AdoptResult, AdoptTool } from "../../engine/migrator.ts";
import { ADOPT_TOOLS } from "../../engine/adopt/source.ts";
import { UsageError } from "../../errors.ts";
import type { Command } from "../command.ts";
import { migrationsDir, withMigrator } from "../context.ts";
import type { CommandContext } from "../command.ts";
import type { Output } from "../output.ts";
import { migrationLabel } from "../../files/version.ts";

/** The `adopt` command. */
export const command: Command = {
  usage:
    "adopt --from TOOL [--from-table NAME] [--from-project NAME] [--allow-missing] [--dry-run]",
  description:
    "Records as applied, without running them, the migrations another tool applied, read\n" +
    "from its tracking table (which is left as it is), with today's checksums and down SQL.\n" +
    "Afterwards `tide status` shows what that tool showed, and `tide up` takes over. A dirty or\n" +
    "failed migration there, or an applied one without a file here, is refused.",
  options: {
    from: { type: "string", arg: "TOOL", description: `The tool: ${ADOPT_TOOLS.join(", ")}.` },
    "from-table": {
      type: "string",
      arg: "NAME",
      description: "Its table, [schema.]table (sqitch: the registry schema); default: its own.",
    },
    "from-project": {
      type: "string",
      arg: "NAME",
      description: "sqitch: the project to adopt (the %project of sqitch.plan).",
    },
    "allow-missing": {
      type: "boolean",
      description: "Record applied migrations that have no file (listed as missing file).",
    },
    "dry-run": { type: "boolean", description: "Print what would be recorded; write nothing." },
  },
  async run(ctx) {
    const { values } = ctx;
    const from = tool(values.from); // a usage error comes before any database is opened
    const result = await withMigrator(ctx, (migrator) =>
      migrator.adopt({
        from,
        table: values["from-table"] as string | undefined,
        project: values["from-project"] as string | undefined,
        allowMissing: values["allow-missing"] === true,
        dryRun: values["dry-run"] === true,
      }));
    ctx.out.result(adoptJson(ctx, result));
    printAdoption(ctx.out, result);
    return 0;
  },
};

function tool(value: string | boolean | undefined): AdoptTool {
  const known = ADOPT_TOOLS as readonly unknown[];
  if (known.includes(value)) return value as AdoptTool;
  const got = typeof value === "string" ? `, got "${value}"` : "";
  throw new UsageError(`tide adopt needs --from TOOL, one of ${ADOPT_TOOLS.join(", ")}${got}.`);
}

/** `adopt --json`: the result, files relative to the migrations directory, dates ISO. */
function adoptJson(ctx: CommandContext, result: AdoptResult): Record<string, unknown> {
  const dir = migrationsDir(ctx);
  return {
    from: result.from,
    table: result.table,
    dryRun: result.dryRun,
    adopted: result.adopted.map((m) => ({
      version: m.version,
      name: m.name,
      file: m.migration ? relative(dir, m.migration.up.path).replaceAll("\\", "/") : null,
      appliedAt: m.appliedAt?.toISOString() ?? null,
    })),
    alreadyRecorded: result.alreadyRecorded,
    onlyInTide: result.onlyInTide,
    skipped: result.skipped,
    changed: result.changed.map((m) => ({
      ...m,
      file: relative(dir, m.file).replaceAll("\\", "/"),
    })),
  };
}

function label(m: { version: string; name: string }): string {
  return m.name ? migrationLabel(m) : m.version;
}

function printAdoption(out: Output, result: AdoptResult): void {
  const { from, table, adopted } = result;
  for (const m of adopted) out.line(`${result.dryRun ? "Would adopt" : "Adopted"}: ${entry(m)}`);
  for (const m of result.onlyInTide) {
    out.warn(`${label(m)} is in tide's ledger but not applied according to ${from}; kept.`);
  }
  for (const name of result.skipped) {
    out.warn(`not recorded: ${name}, applied by ${from}, has no file and no version.`);
  }
  for (const m of result.changed) {
    out.warn(
      `${m.file} changed since ${from} applied it (${from}'s checksum ${m.recorded}, the ` +
        `file's now ${m.now}): the database holds the version ${from} ran, and tide records ` +
        "the file as it is now. Compare the two (git log -p) before relying on its down.",
    );
  }
  const already = result.alreadyRecorded.length;
  const kept = already ? ` ${already} already in tide's ledger, left as ${plural(already)}.` : "";
  if (adopted.length === 0) {
    out.line(
      already
        ? `Nothing to adopt: every migration ${from} applied is already in tide's ledger.`
        : `Nothing to adopt: ${table} lists no migration ${from} applied.`,
    );
    return;
  }
  const count = `${adopted.length} migration${adopted.length === 1 ? "" : "s"}`;
  out.line("");
  out.line(
    result.dryRun
      ? `Dry run: would record ${count} from ${from} (${table}) as applied; nothing was written.${kept}`
      : `Recorded ${count} from ${from} (${table}) as applied; nothing ran, and ${table} was ` +
        `left as it is.${kept}`,
  );
}

function entry(m: AdoptedMigration): string {
  return m.migration ? label(m) : `${label(m)} (no file)`;
}

function plural(count: number): string {
  return count === 1 ? "it is" : "they are";
}
