/**
 * `tide lint`: what each pending migration does to production (the locks it takes on existing
 * tables, what it rewrites or scans under them, whether the running application breaks),
 * measured on an in-memory PGlite (or on a throwaway database of `--database-url`'s server),
 * plus rules read from the SQL.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_PGLITE_DIR } from "../../drivers/connect.ts";
import { MigrationError, UsageError } from "../../errors.ts";
import type { Migration } from "../../files/migration.ts";
import { compareVersions, migrationLabel } from "../../files/version.ts";
import type { LintReport, MigrationLint } from "../../lint/report.ts";
import type { Command } from "../command.ts";
import { withMigrator } from "../context.ts";
import { roundTripContext, roundTripMigrations } from "../round_trip_context.ts";
import type { CommandContext } from "../command.ts";
import type { Output, Tone } from "../output.ts";

/** The `lint` command. */
export const command: Command = {
  usage: "lint [--from V] [--all] [--json] [--database-url postgres://...]",
  description:
    "Runs each pending migration's up on an in-memory PGlite, after the earlier ones and with a\n" +
    "few rows in every existing table, and reports what it does to production: the locks it\n" +
    "takes on existing tables (and what they block), the tables it rewrites or scans under them,\n" +
    "a missing lock_timeout, and what breaks the running application. Pending means not applied\n" +
    "in the database the settings point at; with none set and no embedded database yet, every\n" +
    "migration. An explicit --database-url postgres://... also measures on a throwaway database\n" +
    "of that server. Exit status 1 when a finding is an error.",
  options: {
    from: { type: "string", arg: "V", description: "Lint V and later migrations." },
    all: { type: "boolean", description: "Lint every migration, applied or not." },
  },
  async run(ctx) {
    const { values, out } = ctx;
    if (values.all === true && values.from !== undefined) {
      throw new UsageError("tide lint takes --from V or --all, not both.");
    }
    const migrations = await roundTripMigrations(ctx, "linted");
    const { linted, why } = await selection(ctx, migrations);
    const serverUrl = measuringServer(values["database-url"]);
    out.line(`Linting ${plural(linted.size, "migration")} (${why}) on ${where(serverUrl)}.`);
    const { lintMigrations } = await import("../../lint/lint.ts");
    const report = await lintMigrations({
      migrations,
      ...await roundTripContext(ctx, migrations),
      lint: (migration) => linted.has(migration.version),
      schema: ctx.settings.schema,
      lockTimeoutMs: ctx.settings.lockTimeoutMs,
      rules: await ruleLevels(ctx),
      databaseUrl: serverUrl,
      onMigration: (lint) => printLint(out, lint),
    });
    const { lintJson } = await import("../../lint/report.ts");
    out.result(lintJson(report));
    out.line(totalsLine(report));
    return report.ok ? 0 : 1;
  },
};

/** Which versions to lint, and why, in words. */
async function selection(
  ctx: CommandContext,
  migrations: readonly Migration[],
): Promise<{ linted: Set<string>; why: string }> {
  const from = ctx.values.from as string | undefined;
  if (ctx.values.all === true) {
    return { linted: new Set(migrations.map((m) => m.version)), why: "all" };
  }
  if (from !== undefined) {
    if (!migrations.some((m) => m.version === from)) {
      throw new MigrationError(
        "UNKNOWN_VERSION",
        `Cannot lint from version "${from}": no migration in ${ctx.settings.dir} has it. ` +
          "Run `tide status` to list the versions.",
        { version: from },
      );
    }
    const later = migrations.filter((m) => compareVersions(m.version, from) >= 0);
    return { linted: new Set(later.map((m) => m.version)), why: `from ${from}` };
  }
  // No database configured and none embedded yet: nothing is applied anywhere we can see.
  const embedded = resolve(ctx.io.cwd, DEFAULT_PGLITE_DIR);
  if (ctx.settings.databaseUrl === undefined && !existsSync(embedded)) {
    return { linted: new Set(migrations.map((m) => m.version)), why: "no database yet: all" };
  }
  const status = await withMigrator(ctx, (migrator) => migrator.status());
  return { linted: new Set(status.pending.map((m) => m.version)), why: "pending" };
}

/** Only an explicit postgres:// flag leaves PGlite, as for `tide verify`. */
function measuringServer(value: string | boolean | undefined): string | undefined {
  if (typeof value !== "string" || !/^postgres(ql)?:\/\//i.test(value)) return undefined;
  return value;
}

async function ruleLevels(ctx: CommandContext) {
  const { loadConfig } = await import("../../config/config_file.ts");
  const file = typeof ctx.values.config === "string"
    ? resolve(ctx.io.cwd, ctx.values.config)
    : undefined;
  return (await loadConfig(ctx.io.cwd, file)).lint?.rules;
}

function where(serverUrl: string | undefined): string {
  if (serverUrl === undefined) return "an in-memory PGlite";
  return `a throwaway database on ${new URL(serverUrl).host}`;
}

const TONES: Readonly<Record<string, Tone>> = { error: "red", warning: "yellow", info: "green" };

/**
 * Prints one migration's lint: its locks and rewrites, then each finding with its evidence and
 * the safe alternative.
 *
 * @example
 * ```ts ignore
 * await lintMigrations({ migrations, onMigration: (lint) => printLint(ctx.out, lint) });
 * ```
 */
export function printLint(out: Output, lint: MigrationLint): void {
  const label = migrationLabel(lint);
  const worst = lint.findings.find((f) => f.severity === "error") ??
    lint.findings.find((f) => f.severity === "warning");
  const head = worst
    ? out.paint(TONES[worst.severity], worst.severity.toUpperCase())
    : out.paint("green", "ok");
  out.line(`${head}  ${label}${lint.measured ? "" : " (not measured: read from the SQL)"}`);
  for (const lock of lint.locks) {
    const held = lock.statementsWhileHeld > 0
      ? `, held while ${lock.statementsWhileHeld} more ${
        lock.statementsWhileHeld === 1 ? "statement runs" : "statements run"
      }`
      : "";
    out.line(`  lock ${lock.mode} on ${lock.relation} (line ${lock.line}${held})`);
  }
  if (lint.rewrites.length > 0) out.line(`  rewrites ${lint.rewrites.join(", ")}`);
  for (const finding of lint.findings) {
    const severity = out.paint(TONES[finding.severity], finding.severity);
    out.line(`  ${severity} ${finding.rule} at ${finding.file}:${finding.line}`);
    out.line(`    ${finding.message}`);
    if (finding.suppressed !== undefined) out.line(`    allowed: ${finding.suppressed}`);
    else out.line(`    safe: ${finding.fix}`);
  }
}

function totalsLine(report: LintReport): string {
  const { error, warning, info } = report.totals;
  const counts = `${plural(error, "error")}, ${plural(warning, "warning")}, ${info} info`;
  return `${report.ok ? "Lint passed" : "Lint failed"}: ${counts} in ` +
    `${plural(report.migrations.length, "migration")}.`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
