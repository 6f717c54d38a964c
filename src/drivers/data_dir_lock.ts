/**
 * PGlite is a single process's database: two processes opening one data directory would corrupt
 * it. An exclusive lock on `<dataDir>.lock` makes a second `tide up` wait for the first, as the
 * advisory lock does on a server. The holder writes its pid into the file, so a waiting process
 * can name it.
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

/** Options of {@linkcode lockDataDir}. */
export interface DataDirLockOptions {
  /** How long to wait for another process's lock, in ms (`--lock-wait`). Default: 60 s. */
  waitMs?: number;
  /** Told once, with a complete sentence, when the lock is held and the wait begins. */
  onWait?: (message: string) => void;
}

/** How often a waiting process tries the lock again. */
const RETRY_MS = 100;

/** The default wait, as `DEFAULT_TIMEOUTS.lockWaitMs` (not imported: drivers know no engine). */
const DEFAULT_WAIT_MS = 60_000;

/**
 * Takes the exclusive lock of `dataDir`, waiting up to `waitMs` while another process holds it;
 * then rejects with `LOCK_WAIT_TIMEOUT` naming the holder's pid. The lock goes when its holder
 * ends, even when killed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { lockDataDir } from "./data_dir_lock.ts";
 *
 * const dataDir = join(await Deno.makeTempDir(), "pglite");
 * const lock = await lockDataDir(dataDir);
 * await assert.rejects(lockDataDir(dataDir, { waitMs: 0 }), { code: "LOCK_WAIT_TIMEOUT" });
 * lock.release();
 * (await lockDataDir(dataDir, { waitMs: 0 })).release();
 * ```
 */
export async function lockDataDir(
  dataDir: string,
  options: DataDirLockOptions = {},
): Promise<DataDirLock> {
  await Deno.mkdir(dirname(dataDir), { recursive: true });
  const path = `${dataDir}.lock`;
  const file = await Deno.open(path, { create: true, read: true, write: true });
  try {
    await waitForLock(file, dataDir, options);
    await file.truncate(0);
    await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
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
  options: DataDirLockOptions,
): Promise<void> {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const deadline = performance.now() + waitMs;
  let told = false;
  while (!(await file.tryLock(true))) {
    const holder = await holderOf(dataDir);
    if (performance.now() >= deadline) throw waitTimeout(dataDir, holder, waitMs);
    if (!told) options.onWait?.(waitingMessage(dataDir, holder, waitMs));
    told = true;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/**
 * The line a process prints while it waits for the data directory lock of `dataDir`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { waitingMessage } from "./data_dir_lock.ts";
 *
 * assert.equal(
 *   waitingMessage(".tide/pglite", 4242, 60_000),
 *   "Waiting for the PGlite database in .tide/pglite, in use by process 4242 (up to 60000 ms, --lock-wait).",
 * );
 * ```
 */
export function waitingMessage(
  dataDir: string,
  holder: number | undefined,
  waitMs: number,
): string {
  return `Waiting for the PGlite database in ${dataDir}, in use by ${who(holder)} ` +
    `(up to ${waitMs} ms, --lock-wait).`;
}

/** The pid the holder wrote into the lock file, if readable. */
async function holderOf(dataDir: string): Promise<number | undefined> {
  try {
    const text = (await Deno.readTextFile(`${dataDir}.lock`)).trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

function who(holder: number | undefined): string {
  return holder === undefined ? "another process" : `process ${holder}`;
}

function waitTimeout(dataDir: string, holder: number | undefined, waitMs: number): MigrationError {
  return new MigrationError(
    "LOCK_WAIT_TIMEOUT",
    `Cannot open the PGlite database in ${dataDir}: it is in use by ${who(holder)}, which held ` +
      `it for the whole ${waitMs} ms wait (the lock ${dataDir}.lock is held by ${who(holder)}). ` +
      "PGlite serves one process at a time: wait for that process to end, raise --lock-wait, " +
      "or stop it.",
  );
}
