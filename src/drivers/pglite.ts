/**
 * The driver for PGlite: PostgreSQL compiled to WebAssembly, in process, in memory or in a
 * directory. The only file that imports PGlite itself; load it lazily elsewhere.
 *
 * @module
 */

import { PGlite, type PGliteInterface, type Transaction } from "@electric-sql/pglite";
import { MigrationError, type ServerErrorLike, SqlError, sqlErrorFrom } from "../errors.ts";
import { classifyStatement } from "../sql/classify.ts";
import { CLIENT_COPY_ADVICE } from "../sql/client_copy.ts";
import { splitStatements } from "../sql/split.ts";
import type { Driver, Queryable, Row } from "./driver.ts";
import { lockDataDir, type LockDataDirOptions } from "./data_dir_lock.ts";
import {
  EXTENSION_REQUIRES,
  loadPgliteExtensions,
  PGLITE_EXTENSIONS,
} from "./pglite_extensions.ts";

export { extensionsIn, PGLITE_EXTENSIONS } from "./pglite_extensions.ts";

/** Options of {@linkcode createPgliteDriver}. */
export interface PgliteDriverOptions {
  /** Directory holding the database files; absent keeps the database in memory. */
  dataDir?: string;
  /** A tarball from {@linkcode PgliteDriver.dumpDataDir} to start from instead of an empty cluster. */
  loadDataDir?: Blob;
  /** Extensions to load, named as in `CREATE EXTENSION`, e.g. `"citext"`, `"uuid-ossp"`. */
  extensions?: readonly string[];
  /**
   * Extra `initdb` arguments, used when a new cluster is made (not with `loadDataDir` or a
   * `dataDir` that holds one), e.g. `["--wal-segsize=1"]`.
   */
  initdbArgs?: readonly string[];
  /** Server settings for this start (`-c name=value`), e.g. `{ shared_buffers: "16MB" }`. */
  settings?: Readonly<Record<string, string>>;
  /** How to wait for the lock of `dataDir` (who this is, what to say while waiting). */
  lock?: LockDataDirOptions;
}

/** A PGlite {@linkcode Driver} that can also dump its files, to start copies from quickly. */
export interface PgliteDriver extends Driver {
  /** Always `"pglite"`. */
  readonly kind: "pglite";
  /**
   * The PGlite instance itself, for libraries that take one (drizzle's and kysely's PGlite
   * adapters). It is the driver's session: closing the driver closes it.
   */
  readonly pglite: PGlite;
  /** Tarball (uncompressed) of the whole data directory, for `loadDataDir`. */
  dumpDataDir(): Promise<Blob>;
}

/**
 * Starts PGlite and returns a {@linkcode PgliteDriver} on it. An extension PGlite does not ship
 * rejects with a `MigrationError` that names it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "./pglite.ts";
 *
 * await using db = await createPgliteDriver({ extensions: ["citext"] });
 * await db.exec("create extension citext; create table t (email citext)");
 * await db.exec("insert into t values ('Ada@Example.com')");
 * const rows = await db.query("select * from t where email = $1", ["ada@example.com"]);
 * assert.equal(rows.length, 1); // citext compares case-insensitively
 * ```
 */
export async function createPgliteDriver(
  options: PgliteDriverOptions = {},
): Promise<PgliteDriver> {
  const lock = options.dataDir === undefined
    ? undefined
    : await lockDataDir(options.dataDir, options.lock);
  try {
    const create = async (names: readonly string[]) =>
      await PGlite.create({
        dataDir: options.dataDir,
        loadDataDir: options.loadDataDir,
        extensions: await loadPgliteExtensions(names),
        initDbStartParams: options.initdbArgs ? [...options.initdbArgs] : undefined,
        startParams: options.settings ? startParams(options.settings) : undefined,
      });
    const wanted = options.extensions ?? [];
    let db = await create(wanted);
    // An existing data directory may hold extensions nobody asked for: load those too.
    const existing = options.dataDir !== undefined || options.loadDataDir !== undefined;
    const missing = existing ? await installedExtensions(db, wanted) : [];
    if (missing.length > 0) {
      await db.close();
      db = await create([...wanted, ...missing]);
    }
    const target = options.dataDir === undefined ? "memory://" : `pglite://${options.dataDir}`;
    return pgliteDriver(db, target, () => lock?.release());
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** PGlite's own start parameters, then the settings, which take precedence. */
function startParams(settings: Readonly<Record<string, string>>): string[] {
  const extra = Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
  return [...PGlite.defaultStartParams, ...extra];
}

/** Extensions installed in `db` that PGlite ships but `loaded` lacks. */
async function installedExtensions(db: PGlite, loaded: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT extname::text AS name FROM pg_extension ORDER BY oid",
  );
  const have = new Set(loaded.flatMap((name) => [name, ...(EXTENSION_REQUIRES[name] ?? [])]));
  return rows.map((row) => row.name).filter((name) =>
    name !== "plpgsql" && !have.has(name) && PGLITE_EXTENSIONS.includes(name)
  );
}

function pgliteDriver(db: PGlite, target: string, onClose: () => void): PgliteDriver {
  let closing: Promise<void> | undefined;
  const driver: PgliteDriver = {
    kind: "pglite",
    target,
    pglite: db,
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
      refuseClientCopy(sql);
      try {
        await db.exec(sql);
      } catch (error) {
        throw normalizeError(error);
      }
    },
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      refuseClientCopy(sql);
      try {
        return (await db.query<T>(sql, [...params])).rows;
      } catch (error) {
        throw normalizeError(error);
      }
    },
  };
}

/**
 * PGlite cannot be told to fail a COPY once it runs: a COPY FROM STDIN spins forever, blocking
 * the process, waiting for rows nobody sends. So COPY with the client as source or sink is
 * refused before anything is sent.
 */
function refuseClientCopy(sql: string): void {
  if (!/copy/i.test(sql)) return;
  for (const statement of splitStatements(sql)) {
    const { kind } = classifyStatement(statement.text);
    if (kind !== "copy-from-stdin" && kind !== "copy-to-stdout") continue;
    throw new MigrationError(
      "UNSUPPORTED_COPY",
      `PGlite was asked to run a COPY for the client; tide sent nothing. ${
        CLIENT_COPY_ADVICE[kind]
      }`,
    );
  }
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
