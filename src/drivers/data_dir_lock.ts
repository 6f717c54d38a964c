/**
 * PGlite is a single process's database: two processes opening one data directory would corrupt
 * it. An exclusive lock on `<dataDir>.lock` makes a second `tide up` wait for the first, as the
 * advisory lock does on a server. The holder writes who it is into the file, so a waiter can say.
 *
 * @module
 */
import { dirname } from "node:path";

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
  /** How long this process has waited so far, in milliseconds. */
  waitedMs: number;
  /** Who holds the lock, when the lock file says. */
  holder?: DataDirLockHolder;
}

/** Options of {@linkcode lockDataDir}. */
export interface LockDataDirOptions {
  /** What this process runs, written into the lock file for waiters, e.g. `tide up`. */
  command?: string;
  /** Called while waiting: after a second, then every `noticeMs`. */
  onWait?: (wait: DataDirLockWait) => void;
  /** Interval of `onWait` calls after the first, in milliseconds. Default 5000. */
  noticeMs?: number;
}

const POLL_MS = 50;
const FIRST_NOTICE_MS = 1000;

/**
 * Waits for, then holds, the exclusive lock of `dataDir`. The wait is not bounded: the holder is
 * another tide process on this machine, and it releases the lock when it ends, even when killed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockDataDir, readLockHolder } from "./data_dir_lock.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const lock = await lockDataDir(`${dir}/pglite`, { command: "tide up" });
 * assert.equal((await readLockHolder(`${dir}/pglite`))?.pid, Deno.pid);
 * lock.release();
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
  if (!options.onWait) return await file.lock(true);
  const started = Date.now();
  let nextNotice = started + FIRST_NOTICE_MS;
  while (!(await file.tryLock(true))) {
    if (Date.now() >= nextNotice) {
      nextNotice = Date.now() + (options.noticeMs ?? 5000);
      options.onWait({ waitedMs: Date.now() - started, holder: await readLockHolder(dataDir) });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Who holds the lock of `dataDir`, as its holder wrote it; `undefined` when nobody wrote it or
 * it cannot be read.
 *
 * @example
 * ```ts ignore
 * const holder = await readLockHolder(".tide/pglite");
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
