/**
 * `deno task bench`: tide against the psql floor on a throwaway PostgreSQL, `tide status`
 * start-up, and verification on PGlite, for 100 and 500 generated migrations; and test
 * databases for app tests (`createTestDatabase()`) on the example migrations.
 *
 * Options: `--only psql,tide,status,pglite,testdb` (default all), `--sizes 100,500`, `--runs 5`
 * (PostgreSQL measurements repeated, median reported), `--status-runs 9`, `--testdb-runs 10`,
 * `--app-tests 50`, `--out bench/out/results.json`. Uses `TIDE_TEST_DATABASE_URL` when set,
 * else starts a throwaway PostgreSQL cluster.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { parseArgs } from "node:util";
import { MigrationError } from "../src/errors.ts";
import { testDatabaseUrl } from "../src/_test_support/postgres_server.ts";
import { generateMigrations } from "./generate.ts";
import { findPsql, psqlFloor } from "./psql_floor.ts";
import { formatTable, median, type SizeResult, STATUS_TARGET_MS } from "./report.ts";
import {
  formatTestDatabaseTable,
  measureTestDatabases,
  TEST_DATABASE_TARGETS,
  type TestDatabaseResult,
} from "./test_databases.ts";
import {
  loadTide,
  pgliteApplyVerify,
  type TideApi,
  tideApplyRollback,
  timeStatus,
} from "./tide_runs.ts";

const PARTS = ["psql", "tide", "status", "pglite", "testdb"] as const;
/** The parts measured for each size of generated migrations. */
const SIZED_PARTS: readonly Part[] = ["psql", "tide", "status", "pglite"];
type Part = typeof PARTS[number];

interface Settings {
  parts: Set<Part>;
  sizes: number[];
  runs: number;
  statusRuns: number;
  testdbRuns: number;
  appTests: number;
  out: string;
}

function positiveInts(text: string, flag: string): number[] {
  const values = text.split(",").map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Reading ${flag} "${text}": expected whole numbers >= 1.`,
    );
  }
  return values;
}

function parseSettings(args: string[]): Settings {
  const { values } = parseArgs({
    args,
    options: {
      only: { type: "string", default: PARTS.join(",") },
      sizes: { type: "string", default: "100,500" },
      runs: { type: "string", default: "5" },
      "status-runs": { type: "string", default: "9" },
      "testdb-runs": { type: "string", default: "10" },
      "app-tests": { type: "string", default: "50" },
      out: { type: "string", default: fromFileUrl(new URL("out/results.json", import.meta.url)) },
    },
  });
  const parts = values.only.split(",").map((s) => s.trim());
  const unknown = parts.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Reading --only: unknown part ${unknown.join(", ")}. Choose from ${PARTS.join(", ")}.`,
    );
  }
  return {
    parts: new Set(parts as Part[]),
    sizes: positiveInts(values.sizes, "--sizes"),
    runs: positiveInts(values.runs, "--runs")[0],
    statusRuns: positiveInts(values["status-runs"], "--status-runs")[0],
    testdbRuns: positiveInts(values["testdb-runs"], "--testdb-runs")[0],
    appTests: positiveInts(values["app-tests"], "--app-tests")[0],
    out: values.out,
  };
}

function log(message: string): void {
  console.error(`bench: ${message}`);
}

function push(result: SizeResult, key: keyof SizeResult, value: number): void {
  ((result[key] ??= [] as never) as number[]).push(value);
}

/** One run on PostgreSQL: the psql floor on one fresh database, tide on another. */
async function postgresRun(
  s: Settings,
  dir: string,
  result: SizeResult,
  tide: TideApi | undefined,
): Promise<void> {
  if (s.parts.has("psql")) {
    const floor = await psqlFloor(await findPsql(), await testDatabaseUrl(), dir);
    push(result, "psqlUpMs", floor.upMs);
    push(result, "psqlDownMs", floor.downMs);
  }
  if (!tide) return;
  const url = await testDatabaseUrl();
  // `tide status` is timed once per size, while the database is at the head.
  const status = s.parts.has("status") && result.statusMs === undefined
    ? async () => {
      Object.assign(result, await timeStatus(url, dir, s.statusRuns));
    }
    : undefined;
  const times = await tideApplyRollback(tide, url, dir, status);
  if (s.parts.has("tide")) {
    push(result, "tideUpMs", times.upMs);
    push(result, "tideDownMs", times.downMs);
  }
}

async function measureSize(
  s: Settings,
  root: string,
  n: number,
  tide?: TideApi,
): Promise<SizeResult> {
  const dir = join(root, `n${n}`);
  await generateMigrations(dir, n);
  const result: SizeResult = { n };
  const onPostgres = s.parts.has("psql") || s.parts.has("tide") || s.parts.has("status");
  for (let run = 1; onPostgres && run <= s.runs; run++) {
    log(`N=${n}: PostgreSQL run ${run}/${s.runs}`);
    await postgresRun(s, dir, result, tide);
  }
  if (tide && s.parts.has("pglite")) {
    log(`N=${n}: PGlite apply once, then verify`);
    result.pglite = await pgliteApplyVerify(tide, dir);
    if (!result.pglite.verifyOk) {
      log(`N=${n}: verification reported failures (timings still shown)`);
    }
  }
  return result;
}

async function writeResults(
  s: Settings,
  results: SizeResult[],
  testDatabases?: TestDatabaseResult,
): Promise<void> {
  const summary = results.map((r) => ({
    ...r,
    medians: {
      psqlUpMs: median(r.psqlUpMs),
      psqlDownMs: median(r.psqlDownMs),
      tideUpMs: median(r.tideUpMs),
      tideDownMs: median(r.tideDownMs),
      statusMs: median(r.statusMs),
      denoStartMs: median(r.denoStartMs),
    },
  }));
  const body = {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    cores: navigator.hardwareConcurrency,
    runs: s.runs,
    targets: {
      applyRatio: 1.25,
      rollbackRatio: 1.5,
      statusMs: STATUS_TARGET_MS,
      verifyRatio: 4,
      verify500Ms: 30_000,
      ...TEST_DATABASE_TARGETS,
    },
    results: summary,
    testDatabases,
  };
  await Deno.mkdir(dirname(s.out), { recursive: true });
  await Deno.writeTextFile(s.out, JSON.stringify(body, null, 2) + "\n");
}

async function measureTestDbs(s: Settings): Promise<TestDatabaseResult> {
  log(`test databases: ${s.testdbRuns} warm runs, ${s.appTests} app tests per kind`);
  return await measureTestDatabases({
    dir: fromFileUrl(new URL("../migrations", import.meta.url)),
    serverUrl: await testDatabaseUrl(),
    runs: s.testdbRuns,
    appTests: s.appTests,
  });
}

async function main(args: string[]): Promise<void> {
  const s = parseSettings(args);
  const needsTide = s.parts.has("tide") || s.parts.has("status") || s.parts.has("pglite");
  const tide = needsTide ? await loadTide() : undefined;
  const root = await Deno.makeTempDir({ prefix: "tide-bench-" });
  try {
    const results: SizeResult[] = [];
    if (SIZED_PARTS.some((part) => s.parts.has(part))) {
      for (const n of s.sizes) results.push(await measureSize(s, root, n, tide));
      console.log(formatTable(results));
    }
    const testDatabases = s.parts.has("testdb") ? await measureTestDbs(s) : undefined;
    if (testDatabases) console.log(formatTestDatabaseTable(testDatabases));
    await writeResults(s, results, testDatabases);
    log(`results written to ${s.out}`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(1);
  }
}
