/**
 * Picks and opens a driver from a database URL. PGlite is imported only when a PGlite URL is
 * used, so commands against a PostgreSQL server start fast.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { MigrationError } from "../errors.ts";
import { DEFAULT_TIMEOUTS } from "../engine/timeouts.ts";
import { redactUrl } from "../sql/redact.ts";
import type { Driver } from "./driver.ts";

/** Options of {@linkcode connect}. */
export interface ConnectOptions {
  /** Directory relative `pglite://` paths and the default database resolve against. Default: `Deno.cwd()`. */
  cwd?: string;
  /** `application_name` of a PostgreSQL session. Default `"tide"`. */
  applicationName?: string;
  /**
   * PGlite extensions to load, named as in `CREATE EXTENSION`, beside those already installed
   * in an existing data directory (always loaded). Ignored for PostgreSQL.
   */
  extensions?: readonly string[];
  /**
   * Longest wait for a PostgreSQL server's reply to any one request, in ms; 0 means no limit.
   * Default `DEFAULT_TIMEOUTS.networkTimeoutMs` (an hour). PGlite runs in process: ignored.
   */
  networkTimeoutMs?: number;
  /** How long to wait for another process using a PGlite data directory, in ms. Default 60 s. */
  lockWaitMs?: number;
  /** Told once, in a sentence, when another process uses the PGlite data directory. */
  onLockWait?: (message: string) => void;
}

/** Where the embedded database lives when no URL is given, relative to the project directory. */
export const DEFAULT_PGLITE_DIR: string = ".tide/pglite";

const ACCEPTED = "postgres://, postgresql://, pglite://<directory> or memory://";

/**
 * Opens a {@linkcode Driver} for `url`:
 * - `postgres://` or `postgresql://`: a PostgreSQL server;
 * - `pglite://<directory>`: PGlite with its files in that directory (relative to `cwd`);
 * - `memory://`: PGlite in memory;
 * - nothing: the embedded default, PGlite in `<cwd>/.tide/pglite`.
 *
 * Anything else rejects with an `UNSUPPORTED_URL` {@linkcode MigrationError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "./connect.ts";
 *
 * await using db = await connect("memory://");
 * const rows = await db.query<{ ok: boolean }>("select true as ok");
 * assert.deepEqual([db.kind, db.target, rows[0].ok], ["pglite", "memory://", true]);
 * ```
 */
export async function connect(url?: string, options: ConnectOptions = {}): Promise<Driver> {
  const cwd = options.cwd ?? Deno.cwd();
  if (url === undefined) return await openPglite(resolve(cwd, DEFAULT_PGLITE_DIR), options);
  const scheme = schemeOf(url);
  if (scheme === "postgres" || scheme === "postgresql") {
    const { createPostgresDriver } = await import("./postgres.ts");
    return await createPostgresDriver(url, {
      applicationName: options.applicationName,
      networkTimeoutMs: options.networkTimeoutMs ?? DEFAULT_TIMEOUTS.networkTimeoutMs,
    });
  }
  if (scheme === "memory" && /^memory:(\/\/)?$/i.test(url)) {
    const { createPgliteDriver } = await import("./pglite.ts");
    return await createPgliteDriver({ extensions: options.extensions });
  }
  if (scheme === "pglite") {
    const dir = url.slice("pglite:".length).replace(/^\/\//, "");
    if (dir !== "") return await openPglite(resolve(cwd, dir), options);
  }
  throw new MigrationError(
    "UNSUPPORTED_URL",
    `Opening the database ${redactUrl(url)} failed: tide does not know this kind of URL. ` +
      `Use ${ACCEPTED}, or give no URL to use the embedded database in ${DEFAULT_PGLITE_DIR}.`,
  );
}

function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}

/**
 * Whether `url` names a PostgreSQL server (`postgres://`, `postgresql://`); `undefined` (the
 * embedded default), `pglite://` and `memory://` do not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPostgresUrl } from "./connect.ts";
 *
 * assert.equal(isPostgresUrl("postgresql://db/app"), true);
 * assert.equal(isPostgresUrl("memory://"), false);
 * assert.equal(isPostgresUrl(undefined), false);
 * ```
 */
export function isPostgresUrl(url: string | undefined): boolean {
  const scheme = url === undefined ? undefined : schemeOf(url);
  return scheme === "postgres" || scheme === "postgresql";
}

async function openPglite(dataDir: string, options: ConnectOptions): Promise<Driver> {
  // PGlite creates the data directory itself but not its parents.
  await Deno.mkdir(dirname(dataDir), { recursive: true });
  const { createPgliteDriver } = await import("./pglite.ts");
  const { extensions, lockWaitMs, onLockWait } = options;
  return await createPgliteDriver({ dataDir, extensions, lockWaitMs, onLockWait });
}

/**
 * The database URL to use: the `--database-url` flag when given, else `DATABASE_URL`, else
 * `undefined` (meaning the embedded default). Empty values count as absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveDatabaseUrl } from "./connect.ts";
 *
 * const env = new Map([["DATABASE_URL", "postgres://localhost/app"]]);
 * assert.equal(resolveDatabaseUrl(undefined, env), "postgres://localhost/app");
 * assert.equal(resolveDatabaseUrl("memory://", env), "memory://");
 * assert.equal(resolveDatabaseUrl(undefined, new Map()), undefined); // the embedded default
 * ```
 */
export function resolveDatabaseUrl(
  flag?: string,
  env: { get(key: string): string | undefined } = Deno.env,
): string | undefined {
  if (flag !== undefined && flag !== "") return flag;
  const fromEnv = env.get("DATABASE_URL");
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}
