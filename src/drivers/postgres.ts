/**
 * The driver for a PostgreSQL server, over npm `postgres` (postgres.js), on one session.
 *
 * @module
 */

import postgres from "postgres";
import { errorMessage, MigrationError, sqlErrorFrom } from "../errors.ts";
import { redactSecrets, redactUrl } from "../sql/redact.ts";
import type { Driver, Queryable, Row } from "./driver.ts";

/** Options of {@linkcode createPostgresDriver}. */
export interface PostgresDriverOptions {
  /** `application_name` of the session, shown in `pg_stat_activity`. Default `"tide"`. */
  applicationName?: string;
  /** Seconds to wait for the server to accept the connection. Default 10. */
  connectTimeoutSeconds?: number;
}

type Sql = postgres.Sql<Record<string, never>>;

/**
 * Run once on connect. On PostgreSQL 14+ it makes the server check for a vanished client every
 * second, so a tide process killed mid-migration has its transaction rolled back and its lock
 * released within a second, instead of when the running statement ends. Platforms without the
 * kernel support refuse the setting; that is ignored.
 */
const CONNECT_CHECK = `DO $tide$ BEGIN
  IF current_setting('server_version_num')::int >= 140000 THEN
    PERFORM set_config('client_connection_check_interval', '1000', false);
  END IF;
EXCEPTION WHEN others THEN NULL;
END $tide$`;
type SqlLike = Pick<Sql, "unsafe">;

/**
 * Connects to a PostgreSQL server and returns a {@linkcode Driver} on a single session. Connects
 * eagerly, so a wrong URL, host or password fails here with a `CONNECTION_FAILED`
 * {@linkcode MigrationError} whose message never holds the password.
 *
 * @example
 * ```ts ignore
 * // Needs a PostgreSQL server at that URL.
 * import assert from "node:assert/strict";
 * import { createPostgresDriver } from "./postgres.ts";
 *
 * await using db = await createPostgresDriver("postgres://app:secret@localhost:5432/shop");
 * const rows = await db.query<{ n: number }>("select $1::int as n", [1]);
 * assert.deepEqual([rows[0].n, db.target], [1, "postgres://app:***@localhost:5432/shop"]);
 * ```
 */
export async function createPostgresDriver(
  url: string,
  options: PostgresDriverOptions = {},
): Promise<Driver> {
  const target = redactUrl(url);
  if (!URL.canParse(url)) {
    throw new MigrationError(
      "CONNECTION_FAILED",
      `Cannot connect to ${target}: the URL does not parse. Percent-encode special characters ` +
        "in the user name and password, e.g. postgres://user:p%40ss@host:5432/db.",
    );
  }
  const secrets = passwordsOf(url);
  let sql: Sql | undefined;
  try {
    sql = postgres(url, {
      max: 1,
      prepare: false,
      onnotice: () => {},
      connect_timeout: options.connectTimeoutSeconds ?? 10,
      connection: { application_name: options.applicationName ?? "tide" },
    });
    await sql.unsafe(CONNECT_CHECK).simple();
  } catch (error) {
    await sql?.end({ timeout: 0 }).catch(() => {});
    throw connectionFailed(target, error, secrets);
  }
  return postgresDriver(sql, target);
}

function postgresDriver(sql: Sql, target: string): Driver {
  let closing: Promise<void> | undefined;
  const driver: Driver = {
    kind: "postgres",
    target,
    ...queryable(sql),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return sql.begin((tx) => fn(queryable(tx))).catch((error) => {
        throw normalizeError(error);
      }) as Promise<T>;
    },
    close(): Promise<void> {
      closing ??= sql.end({ timeout: 5 });
      return closing;
    },
    [Symbol.asyncDispose](): Promise<void> {
      return driver.close();
    },
  };
  return driver;
}

function queryable(sql: SqlLike): Queryable {
  return {
    async exec(text: string): Promise<void> {
      try {
        await sql.unsafe(text).simple();
      } catch (error) {
        throw normalizeError(error);
      }
    },
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      try {
        // deno-lint-ignore no-explicit-any
        const rows = await sql.unsafe(text, params as any[]);
        return Array.from(rows) as unknown as T[];
      } catch (error) {
        throw normalizeError(error);
      }
    },
  };
}

/**
 * Turns a postgres.js server error into a `SqlError`; anything else (a lost
 * connection, a bug) passes through unchanged, as does an error already normalized.
 */
function normalizeError(error: unknown): unknown {
  if (!(error instanceof postgres.PostgresError)) return error;
  return sqlErrorFrom(error);
}

function connectionFailed(target: string, error: unknown, secrets: string[]): MigrationError {
  const raw = errorMessage(error);
  const reason = redactSecrets(raw, secrets).replace(/\.$/, "");
  const code = (error as { code?: unknown })?.code;
  const hint = code === "28P01" || code === "28000"
    ? "Check the user name and password in the URL"
    : "Check that the server is running and reachable, and that host, port and database in the URL are right";
  // The driver's error is not kept as cause: it may carry parts of the URL.
  return new MigrationError(
    "CONNECTION_FAILED",
    `Cannot connect to ${target}: ${reason}. ${hint} (pass it with --database-url or DATABASE_URL).`,
  );
}

/** The password of `url`, to scrub from the driver's messages. */
function passwordsOf(url: string): string[] {
  const parsed = new URL(url);
  return [parsed.password, parsed.searchParams.get("password") ?? ""].filter((p) => p !== "");
}
