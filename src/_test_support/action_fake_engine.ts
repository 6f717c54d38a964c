/**
 * A small stand-in for tide's engine, so the action's tests run without PGlite: files are
 * `<version>_<name>.up.sql` / `.down.sql`; a down holding `-- lossy` fails the round-trip with a
 * diff, an up holding `BROKEN` fails at that line; `migrate` applies nothing and reports every
 * migration, or throws with the URL when it holds `fail`; `plan` lists every migration pending,
 * and a URL holding `untracked` has a schema of tables without a tracking table. Each `plan` and
 * `migrate` logs the options it got as `fake engine <call>: <JSON>`.
 *
 * @module
 */
import { basename, join } from "node:path";
import { MigrationError } from "../errors.ts";
import type { Migration, MigrationScript } from "../files/migration.ts";
import type { MigrationVerdict } from "../verify/report.ts";
import type { ActionEngine, MigrationFileBytes } from "../action/engine.ts";

const NAME = /^(\d+)_([a-z0-9_]+)\.(up|down)\.sql$/;

function parse(files: readonly { path: string; text: string }[]): Migration[] {
  const byVersion = new Map<
    string,
    { name: string; up?: MigrationScript; down?: MigrationScript }
  >();
  for (const file of files) {
    const match = NAME.exec(basename(file.path));
    if (!match) {
      throw new MigrationError(
        "INVALID_FILE_NAME",
        `Reading migrations: ${file.path}:1:1: "${
          basename(file.path)
        }" is not <version>_<name>.up.sql. Rename it.`,
        { file: file.path, line: 1, column: 1 },
      );
    }
    const entry = byVersion.get(match[1]) ?? { name: match[2] };
    entry[match[3] as "up" | "down"] = { path: file.path, sql: file.text, line: 1, column: 1 };
    byVersion.set(match[1], entry);
  }
  return [...byVersion].map(([version, entry]) => ({
    version,
    name: entry.name,
    up: entry.up!,
    down: entry.down,
    noTransaction: false,
    checksum: "",
  })).sort((a, b) => compareVersions(a.version, b.version));
}

function compareVersions(a: string, b: string): number {
  return Number(a) - Number(b);
}

function verdictOf(migration: Migration): MigrationVerdict {
  const base = { version: migration.version, name: migration.name, durationMs: 120 };
  const changes = [{
    kind: "table",
    name: `public.${migration.name}`,
    change: "added" as const,
    description: `table "public.${migration.name}" added`,
  }];
  const broken = migration.up.sql.split("\n").findIndex((line) => line.includes("BROKEN"));
  if (broken >= 0) {
    const error = { file: migration.up.path, line: broken + 1, column: 1, message: "syntax error" };
    return { ...base, ok: false, problems: ["The up failed."], failure: "up", changes: [], error };
  }
  if (migration.down?.sql.includes("-- lossy")) {
    const diff = `-column "public.${migration.name}.note" text\n`;
    const problems = ["The down does not restore the schema."];
    return { ...base, ok: false, problems, failure: "down-differs", changes, diff };
  }
  return { ...base, ok: true, problems: [], changes };
}

/** The fake engine. */
export const fakeEngine: ActionEngine = {
  loadMigrations: async (dir) => {
    const files = [];
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      files.push({ path, text: await Deno.readTextFile(path) });
    }
    return parse(files);
  },
  parseMigrationFiles: (files: readonly MigrationFileBytes[]) =>
    Promise.resolve(
      parse(files.map((file) => ({ path: file.path, text: new TextDecoder().decode(file.bytes) }))),
    ),
  compareVersions,
  verifyMigrations: (options) => {
    const selected = [...options.migrations]
      .filter((m) => options.from === undefined || compareVersions(m.version, options.from) >= 0)
      .sort((a, b) => compareVersions(a.version, b.version));
    const migrations = selected.map(verdictOf);
    const failed = migrations.filter((verdict) => !verdict.ok).length;
    return Promise.resolve({
      ok: failed === 0,
      migrations,
      totals: {
        verified: migrations.length,
        passed: migrations.length - failed,
        failed,
        skipped: 0,
      },
      timings: { totalMs: 1, bootMs: 1 },
    });
  },
  plan: async (options) => {
    console.log(`fake engine plan: ${JSON.stringify({ ...options, databaseUrl: undefined })}`);
    const migrations = await fakeEngine.loadMigrations(options.dir);
    return {
      pending: migrations.map((m) => ({ version: m.version, name: m.name, sql: m.up.sql })),
      untracked: options.databaseUrl.includes("untracked") ? ["legacy_users", "legacy_orders"] : [],
    };
  },
  migrate: async (options) => {
    console.log(`fake engine migrate: ${JSON.stringify({ ...options, databaseUrl: undefined })}`);
    if (options.databaseUrl.includes("fail")) {
      throw new Error(
        `Connecting to ${options.databaseUrl} failed: password authentication failed`,
      );
    }
    const migrations = await fakeEngine.loadMigrations(options.dir);
    return { steps: migrations.map((m) => ({ version: m.version, name: m.name, durationMs: 5 })) };
  },
};
