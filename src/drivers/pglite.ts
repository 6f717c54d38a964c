/**
 * The driver for PGlite: PostgreSQL compiled to WebAssembly, in process, in memory or in a
 * directory. The only file that imports PGlite itself; load it lazily elsewhere.
 *
 * @module
 */

import { PGlite, type PGliteInterface, type Transaction } from "@electric-sql/pglite";
import { type ServerErrorLike, SqlError, sqlErrorFrom } from "../errors.ts";
import type { Driver, Queryable, Row } from "./driver.ts";
import { lockDataDir, type LockDataDirOptions } from "./data_dir_lock.ts";
import { loadPgliteExtensions } from "./pglite_extensions.ts";

export { extensionsIn, PGLITE_EXTENSIONS } from "./pglite_extensions.ts";

/** Options of {@linkcode createPgliteDriver}. */
export interface PgliteDriverOptions {
  /** Directory holding the database files; absent keeps the database in memory. */
  dataDir?: string;
  /** A tarball from {@linkcode PgliteDriver.dumpDataDir} to start from instead of an empty cluster. */
  loadDataDir?: Blob;
  /** Extensions to load, named as in `CREATE EXTENSION`, e.g. `"citext"`, `"uuid-ossp"`. */
  extensions?: readonly string[];
  /** How to wait for the lock of `dataDir` (who this is, what to say while waiting). */
  lock?: LockDataDirOptions;
}

/** A PGlite {@linkcode Driver} that can also dump its files, to start copies from quickly. */
export interface PgliteDriver extends Driver {
  /** Tarball (uncompressed) of the whole data directory, for `loadDataDir`. */
  dumpDataDir(): Promise<Blob>;
}

/**
 * Starts PGlite and returns a {@linkcode PgliteDriver} on it. An extension PGlite does not ship
 * rejects with a `MigrationError` that names it.
 *
 * @example
 * ```ts
 * import { createPgliteDriver } from "./pglite.ts";
 *
 * await using db = await createPgliteDriver({ extensions: ["citext"] });
 * await db.exec("create extension citext; create table t (email citext)");
 * const rows = await db.query<{ n: number }>("select count(*)::int as n from t");
 * console.log(rows[0].n); // 0
 * ```
 */
export async function createPgliteDriver(
  options: PgliteDriverOptions = {},
): Promise<PgliteDriver> {
  const extensions = await loadPgliteExtensions(options.extensions ?? []);
  const lock = options.dataDir === undefined
    ? undefined
    : await lockDataDir(options.dataDir, options.lock);
  try {
    const db = await PGlite.create({
      dataDir: options.dataDir,
      loadDataDir: options.loadDataDir,
      extensions,
    });
    const target = options.dataDir === undefined ? "memory://" : `pglite://${options.dataDir}`;
    return pgliteDriver(db, target, () => lock?.release());
  } catch (error) {
    lock?.release();
    throw error;
  }
}

function pgliteDriver(db: PGlite, target: string, onClose: () => void): PgliteDriver {
  let closing: Promise<void> | undefined;
  const driver: PgliteDriver = {
    kind: "pglite",
    target,
    ...queryable(db),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      try {
        return await db.transaction((tx) => fn(queryable(tx)));
      } catch (error) {
        throw normalizeError(error);
      }
    },
    async dumpDataDir(): Promise<Blob> {
      return await db.dumpDataDir("none");
    },
    close(): Promise<void> {
      closing ??= (db.closed ? Promise.resolve() : db.close()).finally(onClose);
      return closing;
    },
    [Symbol.asyncDispose](): Promise<void> {
      return driver.close();
    },
  };
  return driver;
}

function queryable(db: PGliteInterface | Transaction): Queryable {
  return {
    async exec(sql: string): Promise<void> {
      try {
        await db.exec(sql);
      } catch (error) {
        throw normalizeError(error);
      }
    },
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      try {
        return (await db.query<T>(sql, [...params])).rows;
      } catch (error) {
        throw normalizeError(error);
      }
    },
  };
}

/** PGlite's `DatabaseError` is not exported as a class, so it is recognised by shape. */
function isServerError(error: unknown): error is ServerErrorLike {
  if (!(error instanceof Error) || error instanceof SqlError) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && typeof severity === "string";
}

function normalizeError(error: unknown): unknown {
  if (!isServerError(error)) return error;
  // PGlite puts the SQL text and parameters on its error; keep them out of printed causes.
  for (const key of ["query", "params"]) {
    if (Object.hasOwn(error, key)) Object.defineProperty(error, key, { enumerable: false });
  }
  return sqlErrorFrom(error);
}
