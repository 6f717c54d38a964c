/**
 * PGlite is a single process's database: two processes opening one data directory would corrupt
 * it. An exclusive lock on `<dataDir>.lock` makes a second `tide up` wait for the first, as the
 * advisory lock does on a server.
 *
 * @module
 */
import { dirname } from "node:path";

/** A held data directory lock. */
export interface DataDirLock {
  /** Releases the lock. Safe to call twice. */
  release(): void;
}

/**
 * Waits for, then holds, the exclusive lock of `dataDir`. The wait is not bounded: the holder is
 * another tide process on this machine, and it releases the lock when it ends, even when killed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { lockDataDir } from "./data_dir_lock.ts";
 *
 * const dataDir = join(await Deno.makeTempDir(), "pglite");
 * const lock = await lockDataDir(dataDir);
 * try {
 *   assert.ok((await Deno.stat(`${dataDir}.lock`)).isFile); // open PGlite on dataDir here
 * } finally {
 *   lock.release();
 * }
 * ```
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await Deno.mkdir(dirname(dataDir), { recursive: true });
  const file = await Deno.open(`${dataDir}.lock`, { create: true, write: true });
  try {
    await file.lock(true);
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
