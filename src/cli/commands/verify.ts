/**
 * `tide verify`: proves every migration round-trips (up, down, up again, identical schemas) on
 * an in-memory PGlite, or on a throwaway database of a server given with `--database-url`.
 *
 * @module
 */
import { MigrationError, UsageError } from "../../errors.ts";
import type {
  MigrationVerdict,
  RoundTripFailure,
  VerdictStatus,
  VerifyReport,
} from "../../verify/report.ts";
import type { Command } from "../command.ts";
import { relativeFile } from "../context.ts";
import { roundTripContext, roundTripMigrations } from "../round_trip_context.ts";
import type { Migration } from "../../files/migration.ts";
import { formatMs, type Output } from "../output.ts";
import { migrationLabel } from "../../files/version.ts";

/**
 * The `verify` command.
 *
 * @example
 * ```sh
 * deno task tide verify --json
 * ```
 */
export const command: Command = {
  usage: "verify [--from V] [--fail-fast] [--ignore column-order] [--strict-data] [--setup FILE] " +
    "[--database-url postgres://...]",
  description: "Runs each migration's up, down and up again on an in-memory PGlite, and checks\n" +
    "that the down restores the schema exactly and the re-up rebuilds it. A failing migration\n" +
    "does not hide the next ones. Never touches your database: only an explicit\n" +
    "--database-url postgres://... is used, to create (and drop) a throwaway database there,\n" +
    "for extensions PGlite lacks. A migration whose up changes no schema and that has no down\n" +
    "passes as data only. Exit status 1 when any migration does not round-trip.",
  options: {
    from: {
      type: "string",
      arg: "V",
      description: "Apply earlier migrations once; verify V and later ones.",
    },
    "fail-fast": { type: "boolean", description: "Stop at the first failing migration." },
    ignore: {
      type: "string",
      arg: "WHAT",
      description: "column-order: accept columns that come back in another order " +
        "(config verify.ignoreColumnOrder).",
    },
    "strict-data": {
      type: "boolean",
      description: "Fail a data-only migration (no schema change) that has no down.",
    },
    setup: {
      type: "string",
      arg: "FILE",
      description: "SQL run once before the first migration (roles, extensions, a runner's table).",
    },
  },
  async run(ctx) {
    const { values, out } = ctx;
    const databaseUrl = serverUrl(values["database-url"]);
    const ignoreColumnOrder = ignoreOption(values.ignore) || ctx.settings.verify.ignoreColumnOrder;
    const migrations = await roundTripMigrations(ctx, "verified");
    const from = values.from as string | undefined;
    if (from !== undefined && !migrations.some((m) => m.version === from)) {
      throw new MigrationError(
        "UNKNOWN_VERSION",
        `Cannot verify from version "${from}": no migration in ${ctx.settings.dir} has it. ` +
          "Run `tide status` to list the versions.",
        { version: from },
      );
    }
    const verified = from === undefined ? migrations.length : migrations.length -
      migrations.findIndex((m) => m.version === from);
    out.line(`Verifying ${plural(verified, "migration")} on ${where(databaseUrl)}.`);
    const { verifyMigrations } = await import("../../verify/round_trip.ts");
    const report = await verifyMigrations({
      migrations,
      ...await roundTripContext(ctx, migrations),
      onRequired: (migration, module) =>
        out.line(`apply ${module}:${migrationLabel(migration)} (required; not verified here)`),
      from,
      schema: ctx.settings.templateSchema,
      failFast: values["fail-fast"] === true,
      ignoreColumnOrder,
      strictData: ctx.settings.verify.strictData,
      databaseUrl,
      onVerdict: (verdict) => {
        printVerdict(out, verdict);
        const code = migrations.find((m) => m.version === verdict.version && m.code);
        if (code) out.line(`  note: ${codeNote(relativeFile(ctx, code.up.path))}`);
      },
    });
    out.result(reportJson(report, migrations, (path) => relativeFile(ctx, path)));
    out.line(totalsLine(report));
    return report.ok ? 0 : 1;
  },
};

/**
 * Only an explicit postgres:// flag leaves PGlite: verify (and generate-down) must never touch
 * the app database.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serverUrl } from "./verify.ts";
 *
 * assert.equal(serverUrl(undefined), undefined);
 * ```
 */
export function serverUrl(value: string | boolean | undefined): string | undefined {
  if (typeof value !== "string" || value === "" || value === "memory://") return undefined;
  if (/^postgres(ql)?:\/\//i.test(value)) return value;
  throw new UsageError(
    "tide verify --database-url takes a postgres:// server URL, where a throwaway database is " +
      "created and dropped; leave it out to verify on an in-memory PGlite.",
  );
}

function ignoreOption(value: string | boolean | undefined): boolean {
  if (value === undefined) return false;
  if (value === "column-order") return true;
  throw new UsageError(`--ignore takes "column-order", got "${value}".`);
}

function where(databaseUrl: string | undefined): string {
  if (databaseUrl === undefined) return "an in-memory PGlite";
  return `a throwaway database on ${new URL(databaseUrl).host}`;
}

/** What went wrong, in a few words, by failing step. */
const FAILURE_WORDS: Record<RoundTripFailure, string> = {
  "no-down": "no down",
  up: "up failed",
  down: "down failed",
  "re-up": "re-up failed",
  "down-differs": "schema after down differs",
  "re-up-differs": "schema after re-up differs",
};

/** How a verdict that passed without a round trip is labelled. */
const PASS_WORDS: Partial<Record<VerdictStatus, string>> = {
  "data-only": "data only",
  "re-applies": "repeatable, re-applied",
};

/**
 * Prints one verdict: `ok  002_add_email in 12ms`, `ok` with the note of a data-only one, or
 * `FAIL` with the problems, where the SQL error was and the text diff of the schemas.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "../output.ts";
 * import { printVerdict } from "./verify.ts";
 *
 * const lines: string[] = [];
 * const io = { stdout: (line: string) => lines.push(line), stderr() {}, isTerminal: false };
 * printVerdict(new Output({ ...io, env: new Map(), cwd: "." }), {
 *   version: "002",
 *   name: "add_index",
 *   ok: false,
 *   problems: ["index public.users_email is still there after the down"],
 *   failure: "down-differs",
 *   changes: [],
 *   durationMs: 12,
 * });
 * assert.deepEqual(lines, [
 *   "FAIL  002_add_index: schema after down differs (12ms)",
 *   "  - index public.users_email is still there after the down",
 * ]);
 * ```
 */
export function printVerdict(out: Output, verdict: MigrationVerdict): void {
  const label = migrationLabel(verdict);
  const took = formatMs(verdict.durationMs);
  if (verdict.ok) {
    const kind = verdict.status && PASS_WORDS[verdict.status];
    const shown = kind === undefined ? "" : `: ${out.paint("yellow", kind)}`;
    out.line(`${out.paint("green", "ok")}    ${label} in ${took}${shown}`);
    if (verdict.note) out.line(`  - ${verdict.note}`);
    return;
  }
  const words = verdict.failure ? FAILURE_WORDS[verdict.failure] : "failed";
  out.line(`${out.paint("red", "FAIL")}  ${label}: ${words} (${took})`);
  for (const problem of verdict.problems) out.line(`  - ${problem}`);
  if (verdict.error) {
    const { file, line, column } = verdict.error;
    out.line(`  SQL error at ${file}:${line}:${column}`);
  }
  if (verdict.diff) {
    for (const line of verdict.diff.trimEnd().split("\n")) out.line(`    ${line}`);
  }
}

/**
 * `verify --json`: the report with whole milliseconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportJson } from "./verify.ts";
 *
 * const report = reportJson({
 *   ok: true,
 *   migrations: [],
 *   totals: { verified: 0, passed: 0, failed: 0, skipped: 0 },
 *   timings: { totalMs: 1534.6, bootMs: 466.2 },
 * });
 * assert.deepEqual(report.timings, { totalMs: 1535, bootMs: 466 });
 * ```
 */
export function reportJson(
  report: VerifyReport,
  migrations: readonly Migration[] = [],
  file: (path: string) => string = (path) => path,
): VerifyReport {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const files = (version: string) => {
    const m = byVersion.get(version);
    if (m === undefined) return {};
    return { file: file(m.up.path), ...(m.down ? { downFile: file(m.down.path) } : {}) };
  };
  const note = (version: string) => {
    const m = byVersion.get(version);
    return m?.code === undefined ? {} : { note: codeNote(file(m.up.path)) };
  };
  return {
    ...report,
    migrations: report.migrations.map((m) => ({
      ...m,
      durationMs: Math.round(m.durationMs),
      ...files(m.version),
      ...note(m.version),
    })),
    timings: {
      totalMs: Math.round(report.timings.totalMs),
      bootMs: Math.round(report.timings.bootMs),
    },
  };
}

/** What verify says of a TypeScript migration: only what it does to PostgreSQL is checked. */
function codeNote(file: string): string {
  return `${file} is TypeScript: verify checks the PostgreSQL schema it leaves, not what it ` +
    "does elsewhere (another database, files, services).";
}

function totalsLine(report: VerifyReport): string {
  const { verified, passed, failed, skipped } = report.totals;
  const dataOnly = report.migrations.filter((m) => m.status === "data-only").length;
  const parts = [`${passed} passed${dataOnly > 0 ? ` (${dataOnly} data only)` : ""}`];
  const reordered = report.migrations.filter((m) => m.columnOrderOnly).length;
  parts.push(
    `${failed} failed` +
      (reordered > 0
        ? ` (${reordered} only by column order: --ignore column-order accepts them)`
        : ""),
  );
  if (skipped > 0) parts.push(`${skipped} skipped`);
  const verdict = !report.ok
    ? "Not every migration round-trips"
    : dataOnly > 0
    ? "Every migration round-trips or is data only"
    : "Every migration round-trips";
  return `${verdict}: ${verified} verified, ${parts.join(", ")} in ` +
    `${formatMs(report.timings.totalMs)} (boot ${formatMs(report.timings.bootMs)}).`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
