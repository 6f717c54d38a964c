/**
 * PGlite is a single process's database: two processes opening one data directory would corrupt
 * it. An exclusive lock on `<dataDir>.lock` makes a second `tide up` wait for the first, as the
 * advisory lock does on a server. The holder writes who it is into the file (pid, command,
 * since when), so a waiting process can say who it waits for; the wait is bounded.
 *
 * @module
 */
import { dirname } from "node:path";
import { MigrationError } from "../errors.ts";

/** A held data directory lock. */
export interface DataDirLock {
  /** Releases the lock. Safe to call twice. */
  release(): void;
}

/** Who holds a data directory lock, as written into the lock file. */
export interface DataDirLockHolder {
  /** The holder's process id. */
  pid: number;
  /** What it runs, e.g. `tide up`. */
  command?: string;
  /** When it took the lock. */
  heldSince: Date;
}

/** A wait for a data directory lock, as reported to {@linkcode LockDataDirOptions.onWait}. */
export interface DataDirLockWait {
  /** What is waited for, for messages: `the PGlite database in <dataDir>`. */
  what: string;
  /** How long this process has waited so far, in milliseconds. */
  waitedMs: number;
  /** How long it waits in all, in milliseconds. */
  waitMs: number;
  /** Who holds the lock, when the lock file says. */
  holder?: DataDirLockHolder;
}

/** Options of {@linkcode lockDataDir}. */
export interface LockDataDirOptions {
  /** How long to wait for another process's lock, in ms (`--lock-wait`). Default: 60 s. */
  waitMs?: number;
  /** What this process runs, written into the lock file for waiters, e.g. `tide up`. */
  command?: string;
  /** Called when the wait begins, after a second, then every `noticeMs` while it lasts. */
  onWait?: (wait: DataDirLockWait) => void;
  /** Interval of `onWait` calls after the first, in milliseconds. Default 5000. */
  noticeMs?: number;
}

/** How often a waiting process tries the lock again. */
const POLL_MS = 50;

/** The default wait, as `DEFAULT_TIMEOUTS.lockWaitMs` (not imported: drivers know no engine). */
const DEFAULT_WAIT_MS = 60_000;

/**
 * Waits for, then holds, the exclusive lock of `dataDir`, up to `options.waitMs`; then fails
 * with `LOCK_WAIT_TIMEOUT` naming the holder's pid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockDataDir, readLockHolder } from "./data_dir_lock.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const lock = await lockDataDir(`${dir}/pglite`, { command: "tide up" });
 * assert.equal((await readLockHolder(`${dir}/pglite`))?.pid, Deno.pid);
 * await assert.rejects(lockDataDir(`${dir}/pglite`, { waitMs: 0 }), { code: "LOCK_WAIT_TIMEOUT" });
 * lock.release();
 * (await lockDataDir(`${dir}/pglite`, { waitMs: 0 })).release();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function lockDataDir(
  dataDir: string,
  options: LockDataDirOptions = {},
): Promise<DataDirLock> {
  await Deno.mkdir(dirname(dataDir), { recursive: true });
  const file = await Deno.open(`${dataDir}.lock`, { create: true, read: true, write: true });
  try {
    await waitForLock(file, dataDir, options);
    await file.truncate(0);
    const holder = { pid: Deno.pid, command: options.command, heldSince: new Date() };
    await file.write(new TextEncoder().encode(JSON.stringify(holder) + "\n"));
  } catch (error) {
    file.close();
    throw error;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      file.close(); // closing the descriptor drops the lock
    },
  };
}

async function waitForLock(
  file: Deno.FsFile,
  dataDir: string,
  options: LockDataDirOptions,
): Promise<void> {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const started = performance.now();
  let nextNotice = started;
  let notices = 0;
  while (!(await file.tryLock(true))) {
    const holder = await readLockHolder(dataDir);
    const waitedMs = performance.now() - started;
    if (waitedMs >= waitMs) throw waitTimeout(dataDir, holder, waitMs);
    if (options.onWait && performance.now() >= nextNotice) {
      nextNotice = started + (notices++ === 0 ? 1000 : waitedMs + (options.noticeMs ?? 5000));
      options.onWait({ what: `the PGlite database in ${dataDir}`, waitedMs, waitMs, holder });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Who holds the lock of `dataDir`, as its holder wrote it; `undefined` when nobody wrote it or
 * it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLockHolder } from "./data_dir_lock.ts";
 *
 * assert.equal(await readLockHolder(`${await Deno.makeTempDir()}/pglite`), undefined);
 * ```
 */
export async function readLockHolder(dataDir: string): Promise<DataDirLockHolder | undefined> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(`${dataDir}.lock`));
    if (typeof parsed?.pid !== "number") return undefined;
    return { pid: parsed.pid, command: parsed.command, heldSince: new Date(parsed.heldSince) };
  } catch {
    return undefined;
  }
}

function waitTimeout(
  dataDir: string,
  holder: DataDirLockHolder | undefined,
  waitMs: number,
): MigrationError {
  const who = holder === undefined
    ? "another process"
    : `process ${holder.pid}${holder.command ? ` (${holder.command})` : ""}`;
  return new MigrationError(
    "LOCK_WAIT_TIMEOUT",
    `Cannot open the PGlite database in ${dataDir}: it is in use by ${who}, which held it for ` +
      `the whole ${waitMs} ms wait (the lock ${dataDir}.lock is held by ${who}). PGlite serves ` +
      "one process at a time: wait for that process to end, raise --lock-wait, or stop it.",
  );
}
