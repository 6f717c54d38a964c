/**
 * The tide side of the benchmarks: apply-all and rollback-all through the library, `tide status`
 * as a subprocess, and apply-once versus round-trip verification on PGlite.
 *
 * ---- TIDE API SECTION ----
 * The library is reached through {@linkcode loadTide}, a dynamic import of `../mod.ts` checked
 * against {@linkcode TideApi}, so `--only psql` runs (and this file type-checks) even while
 * `mod.ts` does not export the engine yet.
 *
 * @module
 */
import { fileURLToPath as fromFileUrl } from "node:url";
import denoJson from "../deno.json" with { type: "json" };
import type { Driver } from "../src/drivers/driver.ts";
import { MigrationError } from "../src/errors.ts";
import type { Migration } from "../src/files/migration.ts";
import { redactSecrets } from "../src/sql/redact.ts";
import { SETTLED_MS } from "../src/files/load_cache.ts";
import { join } from "../src/files/paths.ts";
import type { StepObserver } from "../src/verify/observer.ts";
import type { VerifyReport } from "../src/verify/report.ts";

/** What the benchmarks use of tide's public API (`mod.ts`). */
export interface TideApi {
  /** Opens a driver for a URL (`postgres://...`, `memory://`). */
  connect(url?: string): Promise<Driver>;
  /** Reads a migrations directory. */
  loadMigrations(dir: string): Promise<Migration[]>;
  /** Applies and rolls back migrations. */
  Migrator: new (options: { driver: Driver; migrations: readonly Migration[] }) => {
    up(): Promise<unknown>;
    down(options: { all: true }): Promise<unknown>;
  };
  /** Round-trips every migration on a throwaway PGlite (with an observer: lint rides along). */
  verifyMigrations(
    options: { migrations: readonly Migration[]; observer?: StepObserver },
  ): Promise<VerifyReport>;
  /** A `tide lint` measuring session to pass to `verifyMigrations`. */
  createLintSession(
    options: { migrations: readonly Migration[] },
  ): Promise<{ observer: StepObserver; report(): unknown }>;
}

const API_NAMES = [
  "connect",
  "loadMigrations",
  "Migrator",
  "verifyMigrations",
  "createLintSession",
] as const;

/**
 * Imports `mod.ts` and checks it exports what the benchmarks need.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileURLToPath } from "node:url";
 * import { loadTide } from "./tide_runs.ts";
 *
 * const tide = await loadTide();
 * const dir = fileURLToPath(new URL("../migrations", import.meta.url));
 * assert.equal((await tide.loadMigrations(dir))[0].version, "001");
 * ```
 */
export async function loadTide(): Promise<TideApi> {
  const mod: Record<string, unknown> = await import("../mod.ts");
  const missing = API_NAMES.filter((name) => typeof mod[name] !== "function");
  if (missing.length > 0) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Loading tide for the benchmarks: mod.ts does not export ${missing.join(", ")}. ` +
        "Run `deno task bench --only psql` until it does.",
    );
  }
  return mod as unknown as TideApi;
}

/** Times of one tide apply-all and rollback-all, in milliseconds. */
export interface ApplyRollbackTimes {
  /** Load the files, connect, apply every migration, close. */
  upMs: number;
  /** Load the files, connect, roll every migration back, close. */
  downMs: number;
}

async function timedRun(
  tide: TideApi,
  url: string,
  dir: string,
  run: (migrator: InstanceType<TideApi["Migrator"]>) => Promise<unknown>,
): Promise<number> {
  const start = performance.now();
  const migrations = await tide.loadMigrations(dir);
  const driver = await tide.connect(url);
  try {
    await run(new tide.Migrator({ driver, migrations }));
  } finally {
    await driver.close();
  }
  return performance.now() - start;
}

/**
 * Applies every migration of `dir` to the empty database at `url`, calls `between` (the
 * database is then at the head), and rolls everything back.
 *
 * @example
 * ```ts ignore
 * import { loadTide, tideApplyRollback } from "./tide_runs.ts";
 *
 * const url = "postgres://localhost/bench"; // a PostgreSQL server
 * const times = await tideApplyRollback(await loadTide(), url, "/tmp/bench-100");
 * ```
 */
export async function tideApplyRollback(
  tide: TideApi,
  url: string,
  dir: string,
  between: () => Promise<void> = () => Promise.resolve(),
): Promise<ApplyRollbackTimes> {
  const upMs = await timedRun(tide, url, dir, (m) => m.up());
  await between();
  const downMs = await timedRun(tide, url, dir, (m) => m.down({ all: true }));
  return { upMs, downMs };
}

const ROOT = fromFileUrl(new URL("..", import.meta.url));
const [CLI_FLAGS, CLI] = taskCommand(denoJson.tasks.tide);

/**
 * The flags and script of a `deno run <flags> <script>` task, so the subprocess runs exactly
 * what `deno task tide` runs and pays what a user pays.
 */
function taskCommand(task: string): [string[], string] {
  const words = task.trim().split(/\s+/);
  const script = words.findIndex((word, i) => i > 1 && !word.startsWith("-"));
  if (words[0] !== "deno" || words[1] !== "run" || script < 0) {
    throw new TypeError(
      `The "tide" task of deno.json is not \`deno run <flags> <script>\`: ${task}`,
    );
  }
  return [words.slice(2, script), fromFileUrl(new URL(`../${words[script]}`, import.meta.url))];
}

/**
 * Runs `deno run <the task's flags> <script> <args>` once; its wall time in milliseconds. `url`
 * is only for redacting its password from an error.
 */
async function runOnce(url: string, script: string, args: string[]): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...CLI_FLAGS, script, ...args],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  const ms = performance.now() - start;
  if (!out.success) {
    const password = new URL(url).password;
    const message = redactSecrets(new TextDecoder().decode(out.stderr), password ? [password] : []);
    const what = ["deno run", script, ...args.slice(0, 1)].join(" ");
    throw new MigrationError("CONFIG_ERROR", `Timing \`${what}\` failed: ${message.trim()}`);
  }
  return ms;
}

/** Wall times in milliseconds of `tide status` and of Deno starting an empty script. */
export interface StatusTimes {
  /** `tide status` with nothing to do. */
  statusMs: number[];
  /** An empty script run the same way: what Deno itself costs, before tide does anything. */
  denoStartMs: number[];
}

/**
 * Times `tide status` (nothing to do) as a subprocess `runs` times after one warm-up run that
 * fills Deno's compile cache, each run followed by an empty script run the same way, so the
 * two figures see the same machine.
 *
 * @example
 * ```ts ignore
 * import { timeStatus } from "./tide_runs.ts";
 *
 * const { statusMs, denoStartMs } = await timeStatus("postgres://localhost/bench", "/tmp/b", 7);
 * ```
 */
export async function timeStatus(url: string, dir: string, runs: number): Promise<StatusTimes> {
  await settled(dir);
  const empty = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    const status = () => runOnce(url, CLI, ["status", "--database-url", url, "--dir", dir]);
    const deno = () => runOnce(url, empty, []);
    await status();
    await deno();
    const times: StatusTimes = { statusMs: [], denoStartMs: [] };
    for (let i = 0; i < runs; i++) {
      times.statusMs.push(await status());
      times.denoStartMs.push(await deno());
    }
    return times;
  } finally {
    await Deno.remove(empty);
  }
}

/**
 * Waits until every file of `dir` is older than `SETTLED_MS`: until then the CLI's load cache
 * rereads the files it cannot yet tell apart by their stamps, which a user's no-op `status`
 * (files written long before) never does.
 */
async function settled(dir: string): Promise<void> {
  let newest = 0;
  for await (const entry of Deno.readDir(dir)) {
    const info = await Deno.stat(join(dir, entry.name));
    newest = Math.max(newest, info.mtime?.getTime() ?? 0, info.ctime?.getTime() ?? 0);
  }
  const wait = newest + SETTLED_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 100));
}

/** Apply-once versus verification on PGlite, in milliseconds. */
export interface PgliteTimes {
  /** Boot an in-memory PGlite, apply every migration once, close. */
  applyMs: number;
  /** `verifyMigrations()`: up, down and re-up of each migration, with snapshots. */
  verifyMs: number;
  /** PGlite boot time inside the verification, as it reports it. */
  verifyBootMs: number;
  /** Whether every migration round-tripped. */
  verifyOk: boolean;
  /** The same verification with `tide lint` measuring in the same pass. */
  verifyLintMs?: number;
}

/**
 * Times applying `dir` once on a fresh in-memory PGlite, then verifying it.
 *
 * @example
 * ```ts ignore
 * import { loadTide, pgliteApplyVerify } from "./tide_runs.ts";
 *
 * const { applyMs, verifyMs } = await pgliteApplyVerify(await loadTide(), "/tmp/bench-100");
 * ```
 */
export async function pgliteApplyVerify(tide: TideApi, dir: string): Promise<PgliteTimes> {
  const applyMs = await timedRun(tide, "memory://", dir, (m) => m.up());
  const start = performance.now();
  const report = await tide.verifyMigrations({ migrations: await tide.loadMigrations(dir) });
  const verifyMs = performance.now() - start;
  const withLint = performance.now();
  const migrations = await tide.loadMigrations(dir);
  const lint = await tide.createLintSession({ migrations });
  await tide.verifyMigrations({ migrations, observer: lint.observer });
  lint.report();
  const verifyLintMs = performance.now() - withLint;
  return {
    applyMs,
    verifyMs,
    verifyBootMs: report.timings.bootMs,
    verifyOk: report.ok,
    verifyLintMs,
  };
}
