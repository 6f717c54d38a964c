/**
 * The driver for a PostgreSQL server, over npm `postgres` (postgres.js), on one session that is
 * never replaced: tide's advisory lock and session settings live in it, so when it ends, every
 * later call fails with `CONNECTION_LOST` instead of silently opening a new one.
 *
 * @module
 */

import { Readable, Writable } from "node:stream";
import postgres from "postgres";
import { errorMessage, MigrationError, sqlErrorFrom } from "../errors.ts";
import { CLIENT_COPY_ADVICE } from "../sql/client_copy.ts";
import { redactSecrets, redactUrl } from "../sql/redact.ts";
import {
  connectionLost,
  type Driver,
  networkTimeout,
  type Queryable,
  type Row,
  stalledReason,
  transactionOn,
} from "./driver.ts";
import { ReplyTimer } from "./reply_timer.ts";

/** Options of {@linkcode createPostgresDriver}. */
export interface PostgresDriverOptions {
  /** `application_name` of the session, shown in `pg_stat_activity`. Default `"tide"`. */
  applicationName?: string;
  /** Seconds to wait for the server to accept the connection. Default 10. */
  connectTimeoutSeconds?: number;
  /**
   * Longest wait for the reply to any one request, in ms, after which the connection counts as
   * stalled: it is closed and the call rejects with `NETWORK_TIMEOUT`. 0 (the default here)
   * means no limit; `connect()` passes tide's setting.
   */
  networkTimeoutMs?: number;
}

type Sql = postgres.Sql<Record<string, never>>;

/**
 * Run once on connect. The server probes an idle connection with TCP keepalives after 10 s, every
 * 5 s, 3 times, so a client gone silent (a dead network) has its session, and tide's lock, ended
 * within about 25 s. On PostgreSQL 14+ the server also checks for a vanished client every second
 * while a statement runs, so a tide process killed mid-migration has its transaction rolled back
 * and its lock released within a second, instead of when the running statement ends. A setting
 * the platform refuses is skipped.
 */
const CONNECT_CHECK = `DO $tide$ BEGIN
  BEGIN
    PERFORM set_config('tcp_keepalives_idle', '10', false),
      set_config('tcp_keepalives_interval', '5', false),
      set_config('tcp_keepalives_count', '3', false);
  EXCEPTION WHEN others THEN NULL;
  END;
  IF current_setting('server_version_num')::int >= 140000 THEN
    PERFORM set_config('client_connection_check_interval', '1000', false);
  END IF;
EXCEPTION WHEN others THEN NULL;
END $tide$`;

/** Seconds of silence before tide's side probes the connection with TCP keepalives. */
const KEEPALIVE_SECONDS = 10;

/**
 * Connects to a PostgreSQL server and returns a {@linkcode Driver} on a single session. Connects
 * eagerly, so a wrong URL, host or password fails here with a `CONNECTION_FAILED`
 * {@linkcode MigrationError} whose message never holds the password. The session is never
 * recycled (whatever `max_lifetime` or `idle_timeout` the URL asks for) nor reopened: once it
 * ends, every call rejects with a `CONNECTION_LOST` {@linkcode MigrationError}.
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
  const session = new Session(target, options.networkTimeoutMs ?? 0);
  let sql: Sql | undefined;
  try {
    sql = postgres(url, {
      max: 1,
      prepare: false,
      onnotice: () => {},
      connect_timeout: options.connectTimeoutSeconds ?? 10,
      // One session for the driver's whole life: never recycled, never closed for idleness.
      max_lifetime: null,
      idle_timeout: 0,
      keep_alive: KEEPALIVE_SECONDS,
      onclose: () => session.lose("the server closed the connection"),
      connection: { application_name: options.applicationName ?? "tide" },
    });
    await sql.unsafe(CONNECT_CHECK).simple();
  } catch (error) {
    await sql?.end({ timeout: 0 }).catch(() => {});
    throw connectionFailed(target, error, secrets);
  }
  session.open(sql);
  return postgresDriver(session);
}

/** The one session of a driver, and why it ended once it has. */
class Session {
  readonly target: string;
  readonly #networkTimeoutMs: number;
  readonly #timer: ReplyTimer;
  #sql?: Sql;
  #lost?: string;
  #closing?: Promise<void>;

  constructor(target: string, networkTimeoutMs: number) {
    this.target = target;
    this.#networkTimeoutMs = networkTimeoutMs;
    this.#timer = new ReplyTimer(networkTimeoutMs);
  }

  open(sql: Sql): void {
    this.#sql = sql;
  }

  /** Marks the session as gone, for `reason`; the first reason stays. */
  lose(reason: string): void {
    if (this.#closing === undefined) this.#lost ??= reason;
  }

  /**
   * Runs one round trip; a lost session fails it before anything is sent, and one whose reply
   * does not come within the network timeout is closed.
   */
  async run<T>(send: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.#lost !== undefined || this.#sql === undefined) throw this.#lostError(true);
    const sql = this.#sql;
    const pending = send(sql);
    let result: T;
    try {
      result = await this.#timer.race(pending, () => this.#stalled(sql, pending));
    } catch (error) {
      throw this.#normalize(error);
    }
    if (result instanceof Readable || result instanceof Writable) throw this.#refuseCopy(result);
    return result;
  }

  /**
   * postgres.js answers a COPY with the client as source or sink by handing over a stream
   * instead of rows. tide has no rows to send nor use for those it would get, so it never
   * reports success for one: a COPY FROM STDIN is failed on the server (CopyFail, so nothing of
   * it applies and the session goes on); a COPY TO STDOUT cannot be stopped that way, so the
   * session is closed.
   */
  #refuseCopy(stream: Readable | Writable): MigrationError {
    stream.on("error", () => {});
    const fromStdin = stream instanceof Writable && !(stream instanceof Readable);
    const kind = fromStdin ? "copy-from-stdin" : "copy-to-stdout";
    if (fromStdin) stream.destroy(new Error("tide sends no COPY data"));
    else {
      this.lose("tide closed it after the server started a COPY ... TO STDOUT");
      stream.destroy();
      this.#sql?.end({ timeout: 0 }).catch(() => {});
    }
    const outcome = fromStdin
      ? "tide failed the COPY, so nothing of that statement was applied."
      : "tide closed the connection; statements sent with it may have run and committed: " +
        "run `tide status` to see what was applied.";
    return new MigrationError(
      "UNSUPPORTED_COPY",
      `The server on ${this.target} started a COPY for the client: ${outcome} ${
        CLIENT_COPY_ADVICE[kind]
      }`,
    );
  }

  /** Closes a stalled session; `pending`, the request that got no reply, is abandoned. */
  #stalled(sql: Sql, pending: Promise<unknown>): MigrationError {
    this.lose(stalledReason(this.#networkTimeoutMs));
    pending.catch(() => {});
    sql.end({ timeout: 0 }).catch(() => {});
    return networkTimeout(this.target, this.#networkTimeoutMs);
  }

  close(): Promise<void> {
    this.#closing ??= this.#sql?.end({ timeout: 5 }) ?? Promise.resolve();
    return this.#closing;
  }

  #normalize(error: unknown): unknown {
    if (error instanceof postgres.PostgresError) return sqlErrorFrom(error);
    if (!isConnectionError(error)) return error;
    this.lose(errorMessage(error));
    return this.#lostError();
  }

  /** `unsent`: refused before sending, so nothing of the request ran. */
  #lostError(unsent = false): MigrationError {
    return connectionLost(this.target, this.#lost ?? "the driver was closed", unsent);
  }
}

function postgresDriver(session: Session): Driver {
  const queryable = sessionQueryable(session);
  const driver: Driver = {
    kind: "postgres",
    target: session.target,
    ...queryable,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => transactionOn(queryable, fn),
    close(): Promise<void> {
      return session.close();
    },
    [Symbol.asyncDispose](): Promise<void> {
      return driver.close();
    },
  };
  return driver;
}

function sessionQueryable(session: Session): Queryable {
  return {
    async exec(text: string): Promise<void> {
      await session.run((sql) => sql.unsafe(text).simple());
    },
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      // deno-lint-ignore no-explicit-any
      const rows = await session.run((sql) => sql.unsafe(text, params as any[]));
      return Array.from(rows) as unknown as T[];
    },
  };
}

/**
 * Whether postgres.js failed for the connection itself: its own `CONNECTION_*` and
 * `CONNECT_TIMEOUT` errors, or a socket error (`ECONNRESET`, `EPIPE`...). Server errors are
 * `PostgresError`s and are told apart before this.
 */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && !(error instanceof MigrationError) && typeof code === "string" &&
    (code.startsWith("CONNECT") || /^E[A-Z]+$/.test(code));
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
