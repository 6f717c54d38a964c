/**
 * Picks and opens a driver from a database URL. PGlite is imported only when a PGlite URL is
 * used, so commands against a PostgreSQL server start fast.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "../files/paths.ts"; // not node:path: see paths.ts
import { MigrationError } from "../errors.ts";
import { DEFAULT_TIMEOUTS } from "../engine/timeouts.ts";
import { redactUrl } from "../sql/redact.ts";
import type { DataDirLockWait } from "./data_dir_lock.ts";
import type { Driver } from "./driver.ts";
// Static, and light (no npm package): a read-only command reaches the server before it reads files.
import { createWireDriver } from "./pg_wire.ts";

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
  /** What this process runs (`tide up`), written into a PGlite data directory's lock file. */
  command?: string;
  /** Called every few seconds while another process holds a PGlite data directory's lock. */
  onLockWait?: (wait: DataDirLockWait) => void;
  /**
   * Only reads will run (no transactions, no migrations): a plain `postgres://` URL may then use
   * tide's own light client, which starts several times faster than postgres.js.
   */
  readOnly?: boolean;
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
  const dataDir = pgliteDataDir(url, options.cwd);
  if (dataDir !== undefined) return await openPglite(dataDir, options);
  const scheme = url === undefined ? undefined : urlScheme(url);
  if (url !== undefined && (scheme === "postgres" || scheme === "postgresql")) {
    if (options.readOnly) {
      const light = await createWireDriver(url, {
        applicationName: options.applicationName,
        networkTimeoutMs: options.networkTimeoutMs ?? DEFAULT_TIMEOUTS.networkTimeoutMs,
      });
      if (light) return light;
    }
    const { createPostgresDriver } = await import("./postgres.ts");
    return await createPostgresDriver(url, {
      applicationName: options.applicationName,
      networkTimeoutMs: options.networkTimeoutMs ?? DEFAULT_TIMEOUTS.networkTimeoutMs,
    });
  }
  if (url !== undefined && scheme === "memory" && /^memory:(\/\/)?$/i.test(url)) {
    const { createPgliteDriver } = await import("./pglite.ts");
    return await createPgliteDriver({ extensions: options.extensions });
  }
  throw new MigrationError(
    "UNSUPPORTED_URL",
    `Opening the database ${redactUrl(url ?? "")} failed: tide does not know this kind of URL. ` +
      `Use ${ACCEPTED}, or give no URL to use the embedded database in ${DEFAULT_PGLITE_DIR}.`,
  );
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
  const scheme = url === undefined ? undefined : urlScheme(url);
  return scheme === "postgres" || scheme === "postgresql";
}

/**
 * The PGlite data directory a URL names: the embedded default (`<cwd>/.tide/pglite`) for no URL,
 * `<cwd>/DIR` for `pglite://DIR`; `undefined` for any other URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pgliteDataDir } from "./connect.ts";
 *
 * assert.equal(pgliteDataDir(undefined, "/app"), "/app/.tide/pglite");
 * assert.equal(pgliteDataDir("pglite://db/local", "/app"), "/app/db/local");
 * assert.equal(pgliteDataDir("postgres://db/app", "/app"), undefined);
 * ```
 */
export function pgliteDataDir(
  url: string | undefined,
  cwd: string = Deno.cwd(),
): string | undefined {
  if (url === undefined) return resolve(cwd, DEFAULT_PGLITE_DIR);
  if (urlScheme(url) !== "pglite") return undefined;
  const dir = url.slice("pglite:".length).replace(/^\/\//, "");
  return dir === "" ? undefined : resolve(cwd, dir);
}

function urlScheme(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}

async function openPglite(dataDir: string, options: ConnectOptions): Promise<Driver> {
  // PGlite creates the data directory itself but not its parents.
  await makeParent(dirname(dataDir));
  const { createPgliteDriver } = await import("./pglite.ts");
  return await createPgliteDriver({
    dataDir,
    extensions: options.extensions,
    lock: { waitMs: options.lockWaitMs, command: options.command, onWait: options.onLockWait },
  });
}

/**
 * Creates the data directory's parent. A `.tide/` directory gets its own `.gitignore` (`*`) when
 * it is created, so `git add -A` never commits the embedded database.
 */
async function makeParent(parent: string): Promise<void> {
  const created = basename(parent) === ".tide" && !(await exists(parent));
  await Deno.mkdir(parent, { recursive: true });
  if (created) await Deno.writeTextFile(join(parent, ".gitignore"), "*\n");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
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
