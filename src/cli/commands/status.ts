/**
 * `tide status`: where the database stands against the files.
 *
 * @module
 */
import type { MigrationStatus, StatusEntry } from "../../engine/migrator.ts";
import { migrationStatus } from "../../engine/status.ts";
import { compareVersions, migrationLabel } from "../../files/version.ts";
import type { Command } from "../command.ts";
import { loadCliMigrations, relativeFile, withLedger } from "../context.ts";
import { databaseLabel, noDatabaseYet } from "../database.ts";
import { formatTable, type Output, type Tone } from "../output.ts";

/** The `status` command. */
export const command: Command = {
  usage: "status [--exit-code]",
  description: "Lists every migration with its state: applied (and when), pending, missing file\n" +
    "(applied, but its file is gone), edited (changed since it was applied) or FAILED\n" +
    "(stopped halfway outside a transaction). Changes nothing, and never creates the\n" +
    "embedded database: without one, every migration is listed as pending. With\n" +
    "--exit-code it exits 1 when anything is pending, missing, edited or FAILED (a CI gate).",
  options: {
    "exit-code": {
      type: "boolean",
      description: "Exit 1 when anything is pending, missing, edited or FAILED.",
    },
  },
  async run(ctx) {
    const missing = await noDatabaseYet(ctx);
    // Connecting first: the load yields as it reads (see load_cache.ts), so the session starts
    // and the query runs while the files are stamped.
    const [applied, migrations] = await Promise.all([
      missing ? [] : withLedger(ctx, (ledger) => ledger.list()),
      loadCliMigrations(ctx),
    ]);
    const status = migrationStatus(migrations, applied);
    if (ctx.out.json) {
      // Only for --json: naming 1000 files relative to the directory is not free.
      const json = statusJson(status, (path) => relativeFile(ctx, path));
      ctx.out.result({ ...json, databaseExists: !missing });
    }
    if (missing) {
      ctx.out.line(`No database yet (${databaseLabel(ctx)}): every migration is pending.`);
      ctx.out.line("");
    }
    printStatus(ctx.out, status);
    warnEmpty(ctx.out, status.pending);
    warnCodeGone(ctx.out, status.missing);
    const unsettled = status.pending.length + status.missing.length + status.edited.length +
      status.failed.length;
    return ctx.values["exit-code"] === true && unsettled > 0 ? 1 : 0;
  },
};

/**
 * `status --json`: the lists, dates as ISO strings, files as `file` names them (relative to
 * the migrations directory).
 */
export function statusJson(
  status: MigrationStatus,
  file: (path: string) => string = (path) => path,
): Record<string, unknown[]> {
  const files = (e: StatusEntry) => ({
    ...(e.file === undefined ? {} : { file: file(e.file) }),
    ...(e.downFile === undefined ? {} : { downFile: file(e.downFile) }),
    ...(e.repeatable ? { repeatable: true } : {}),
    ...(e.description === undefined ? {} : { description: e.description }),
    ...(e.outOfOrder ? { outOfOrder: true } : {}),
  });
  const applied = (e: StatusEntry) => ({
    version: e.version,
    name: e.name,
    appliedAt: e.appliedAt?.toISOString() ?? null,
    ...files(e),
  });
  return {
    applied: status.applied.map(applied),
    pending: status.pending.map((e) => ({ version: e.version, name: e.name, ...files(e) })),
    missing: status.missing.map(applied),
    edited: status.edited.map(applied),
    failed: status.failed.map((e) => ({ ...applied(e), error: e.error ?? null })),
    downChanged: status.downChanged.map(applied),
  };
}

/** Warns of pending migrations whose up holds no statement: often a `tide new` scaffold. */
export function warnEmpty(out: Output, pending: readonly StatusEntry[]): void {
  for (const entry of pending.filter((e) => e.empty)) {
    out.warn(
      `${entry.file} holds no statement yet: applying it runs nothing and records it as ` +
        "applied. Write the change there first if it is a scaffold from `tide new`.",
    );
  }
}

/** Warns of applied TypeScript migrations whose file is gone: they cannot be rolled back. */
export function warnCodeGone(out: Output, missing: readonly StatusEntry[]): void {
  for (const entry of missing.filter((e) => e.codeFile !== undefined)) {
    out.warn(
      `${migrationLabel(entry)} was applied from ${entry.codeFile}, which is gone: its ` +
        "down is TypeScript, which cannot be stored in the tracking table, so it cannot be " +
        "rolled back until the file is restored.",
    );
  }
}

function printStatus(out: Output, status: MigrationStatus): void {
  const rows = new Map<string, { entry: StatusEntry; state: string; tone?: Tone }>();
  const put = (entries: StatusEntry[], state: (e: StatusEntry) => string, tone?: Tone) => {
    for (const entry of entries) rows.set(entry.version, { entry, state: state(entry), tone });
  };
  // Later calls win: the most alarming state of a version is the one shown.
  const downChanged = new Set(status.downChanged.map((e) => e.version));
  put(status.applied, (e) =>
    `applied ${formatDate(e.appliedAt)}` +
    (downChanged.has(e.version) ? " (down changed since apply)" : ""), "green");
  put(status.pending, (e) => e.outOfOrder ? "pending (out of order)" : "pending", "yellow");
  put(status.missing, () => "missing file", "red");
  put(status.edited, () => "edited", "red");
  put(status.failed, () => "FAILED", "red");
  if (rows.size === 0) {
    out.line("No migrations: the directory is empty and nothing is applied.");
    return;
  }
  // Applied then pending is already in order unless one is out of order: checking costs one
  // comparison per row, sorting thousands at every start.
  const sorted = [...rows.values()];
  const ordered = sorted.every((row, i) =>
    i === 0 || compareVersions(sorted[i - 1].entry.version, row.entry.version) <= 0
  );
  if (!ordered) sorted.sort((a, b) => compareVersions(a.entry.version, b.entry.version));
  // The description column only when a migration has one, so plain directories read as before.
  const described = sorted.some(({ entry }) => entry.description !== undefined);
  const table = formatTable([
    ["VERSION", "NAME", "STATE", ...(described ? ["DESCRIPTION"] : [])],
    ...sorted.map(({ entry, state }) => [
      entry.version,
      entry.name,
      state,
      ...(described ? [entry.description ?? ""] : []),
    ]),
  ]);
  const at = table[0].indexOf("STATE"); // where the state column starts, in every row
  const lines = sorted.map(({ state, tone }, i) => {
    const line = table[i + 1].trimEnd();
    const painted = tone ? out.paint(tone, state) : state;
    return painted === state ? line : line.slice(0, at) + painted + line.slice(at + state.length);
  });
  out.line([table[0].trimEnd(), ...lines, "", summary(status)].join("\n")); // one line() for 500 rows
  for (const failed of status.failed) {
    out.line(`${migrationLabel(failed)} FAILED: ${failed.error ?? "no error recorded"}`);
  }
}

function summary(status: MigrationStatus): string {
  const parts = [`${status.applied.length} applied`, `${status.pending.length} pending`];
  if (status.missing.length) parts.push(`${status.missing.length} missing file`);
  if (status.edited.length) parts.push(`${status.edited.length} edited`);
  if (status.failed.length) parts.push(`${status.failed.length} FAILED`);
  if (status.downChanged.length) {
    parts.push(
      `${status.downChanged.length} with a down changed since apply (\`tide repair --yes\` stores it)`,
    );
  }
  return `${parts.join(", ")}.`;
}

/** `2026-01-21 09:30:00 UTC`. */
export function formatDate(date: Date | undefined): string {
  return date ? `${date.toISOString().slice(0, 19).replace("T", " ")} UTC` : "";
}
