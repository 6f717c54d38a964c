/**
 * Test databases for application tests (`createTestDatabase()` of `@tide/tide/testing`): a
 * cold and a warm PGlite, a template build and a clone on a server, and a suite of app tests
 * that each create a database, connect with postgres.js and run a query.
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import postgres from "postgres";
import { createTestDatabase } from "../testing/mod.ts";
import { median } from "./report.ts";

/** What {@linkcode measureTestDatabases} measures with. */
export interface TestDatabaseBenchOptions {
  /** The app's migrations. */
  dir: string;
  /** A server where the role may create databases; without it only PGlite is measured. */
  serverUrl?: string;
  /** Warm databases created (and closed) per kind. */
  runs: number;
  /** App tests per kind. */
  appTests: number;
}

/** The times of one kind of test database, in milliseconds. */
export interface KindTimes {
  /** First call: the cache entry (PGlite) or the template (server) is built. */
  coldMs: number;
  /** `createTestDatabase()` once the state is cached, one entry per run. */
  warmMs: number[];
  /** Process CPU time of each warm call (PGlite runs in this process; a server does not). */
  warmCpuMs: number[];
  /** `close()` of each warm database. */
  closeMs: number[];
  /** All app tests: create, `url()`, connect postgres.js, insert and select, end, close. */
  appTestsMs: number;
}

/** Times of both kinds; `server` is absent without a server. */
export interface TestDatabaseResult {
  /** How many app tests each `appTestsMs` covers. */
  appTests: number;
  /** In-memory PGlite. */
  pglite: KindTimes;
  /** A throwaway database copied from a template. */
  server?: KindTimes;
}

/** The targets of the issue that asked for these test databases. */
export const TEST_DATABASE_TARGETS = { pgliteWarmMs: 150, serverCloneMs: 100, appTestsMs: 10_000 };

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measureKind(
  options: TestDatabaseBenchOptions,
  databaseUrl: string,
  cacheDir: string,
): Promise<KindTimes> {
  const create = () => createTestDatabase({ dir: options.dir, databaseUrl, cacheDir });
  let start = performance.now();
  await (await create()).close();
  const coldMs = performance.now() - start;
  const times: KindTimes = { coldMs, warmMs: [], warmCpuMs: [], closeMs: [], appTestsMs: 0 };
  for (let run = 0; run < options.runs; run++) {
    const [wall, cpu] = [performance.now(), cpuMs()];
    const db = await create();
    times.warmMs.push(performance.now() - wall);
    times.warmCpuMs.push(cpuMs() - cpu);
    start = performance.now();
    await db.close();
    times.closeMs.push(performance.now() - start);
  }
  start = performance.now();
  for (let test = 0; test < options.appTests; test++) await appTest(create);
  times.appTestsMs = performance.now() - start;
  return times;
}

/** What one app test does, with its own database and its own client. */
async function appTest(create: () => ReturnType<typeof createTestDatabase>): Promise<void> {
  await using db = await create();
  const sql = postgres(await db.url(), { max: 1, onnotice: () => {} });
  try {
    await sql`insert into organizations (name, slug) values ('Acme', 'acme')`;
    const rows = await sql`select count(*)::int as n from organizations`;
    if (rows[0].n !== 1) throw new Error(`expected 1 organization, got ${rows[0].n}`);
  } finally {
    await sql.end();
  }
}

/**
 * Measures both kinds of test database on a copy of `options.dir` (a new project, so the first
 * call builds its cache entry and template) and removes what it made.
 *
 * @example
 * ```ts ignore
 * const result = await measureTestDatabases({ dir: "migrations", runs: 10, appTests: 50 });
 * console.log(formatTestDatabaseTable(result));
 * ```
 */
export async function measureTestDatabases(
  options: TestDatabaseBenchOptions,
): Promise<TestDatabaseResult> {
  const work = await Deno.makeTempDir({ prefix: "tide-bench-testdb-" });
  const project = { ...options, dir: `${work}/migrations` };
  const cacheDir = `${work}/cache`;
  try {
    await Deno.mkdir(project.dir);
    for await (const file of Deno.readDir(options.dir)) {
      if (file.isFile) {
        await Deno.copyFile(join(options.dir, file.name), join(project.dir, file.name));
      }
    }
    const pglite = await measureKind(project, "memory://", cacheDir);
    if (options.serverUrl === undefined) return { appTests: options.appTests, pglite };
    const before = await templates(options.serverUrl);
    try {
      const server = await measureKind(project, options.serverUrl, cacheDir);
      return { appTests: options.appTests, pglite, server };
    } finally {
      const made = (await templates(options.serverUrl)).filter((name) => !before.includes(name));
      await dropTemplates(options.serverUrl, made);
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

async function withServer<T>(serverUrl: string, fn: (sql: postgres.Sql) => Promise<T>) {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

function templates(serverUrl: string): Promise<string[]> {
  return withServer(serverUrl, async (sql) => {
    const rows = await sql<{ name: string }[]>`
      select datname as name from pg_database where datname like 'tide\\_tpl\\_%'`;
    return rows.map((row) => row.name);
  });
}

/** Drops the templates of the benchmark's project, which exists only for the run. */
function dropTemplates(serverUrl: string, names: readonly string[]): Promise<void> {
  return withServer(serverUrl, async (sql) => {
    for (const name of names) {
      await sql.unsafe(`alter database "${name}" with is_template false`);
      await sql.unsafe(`drop database "${name}"`);
    }
  });
}

/**
 * The table of a {@linkcode TestDatabaseResult}: medians, with the targets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTestDatabaseTable } from "./test_databases.ts";
 *
 * const kind = { coldMs: 900, warmMs: [120], warmCpuMs: [110], closeMs: [2], appTestsMs: 8000 };
 * const table = formatTestDatabaseTable({ appTests: 50, pglite: kind });
 * assert.match(table, /PGlite: warm createTestDatabase\(\) +120 ms +<= 150 ms +ok/);
 * assert.match(table, /PGlite: 50 app tests +8000 ms +< 10000 ms +ok/);
 * ```
 */
export function formatTestDatabaseTable(result: TestDatabaseResult): string {
  const t = TEST_DATABASE_TARGETS;
  const lines: [string, number | undefined, string?, boolean?][] = [];
  const kinds = [["PGlite", result.pglite, t.pgliteWarmMs], [
    "server",
    result.server,
    t.serverCloneMs,
  ]];
  for (const [label, times, warmTarget] of kinds as [string, KindTimes | undefined, number][]) {
    if (!times) continue;
    const warm = median(times.warmMs)!;
    const cold = label === "PGlite" ? "cold (initdb + migrations)" : "cold (template build)";
    lines.push([`${label}: ${cold}`, times.coldMs]);
    lines.push([
      `${label}: warm createTestDatabase()`,
      warm,
      `<= ${warmTarget} ms`,
      warm <= warmTarget,
    ]);
    lines.push([`${label}: warm, process CPU`, median(times.warmCpuMs)]);
    lines.push([`${label}: close()`, median(times.closeMs)]);
    lines.push([
      `${label}: ${result.appTests} app tests`,
      times.appTestsMs,
      `< ${t.appTestsMs} ms`,
      times.appTestsMs < t.appTestsMs,
    ]);
  }
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, ms, target, ok]) =>
    [
      label.padEnd(width),
      `${ms === undefined ? "-" : Math.round(ms)} ms`.padStart(9),
      (target ?? "").padStart(12),
      target === undefined ? "" : ok ? "ok" : "MISSED",
    ].join("  ").trimEnd()
  ).join("\n");
}
