/**
 * A small PostgreSQL client for read-only commands (`status`, `current`, `history`): Deno's own
 * TCP, the frontend/backend protocol 3.0, text results parsed like postgres.js parses them. It
 * starts without loading postgres.js and Node's compatibility layer, which take longer than the
 * whole rest of a `tide status`. It only takes on what it does exactly like postgres.js: a plain
 * `postgres://user@host:port/db` URL (no TLS, no other options, no `PG*` variables) and trust,
 * password or SCRAM-SHA-256 authentication. For anything else, and for any failure to connect,
 * {@linkcode createWireDriver} gives `undefined` and the caller uses postgres.js, which then
 * also gives the usual error.
 *
 * @module
 */
import {
  errorMessage,
  MigrationError,
  type ServerErrorLike,
  SqlError,
  sqlErrorFrom,
} from "../errors.ts";
import { CLIENT_COPY_ADVICE } from "../sql/client_copy.ts";
import { redactUrl } from "../sql/redact.ts";
import {
  connectionLost,
  type Driver,
  networkTimeout,
  type Queryable,
  type Row,
  stalledReason,
  transactionOn,
} from "./driver.ts";
import {
  concat,
  cString,
  dataRow,
  decoder,
  encoder,
  errorFields,
  int16,
  int32,
  readInt32,
  rowDescription,
  saslMechanisms,
  startupBody,
  Wire,
} from "./pg_wire_protocol.ts";
import type { ScramClient } from "./pg_wire_scram.ts";
import { ReplyTimer } from "./reply_timer.ts";

/** Options of {@linkcode createWireDriver}. */
export interface WireDriverOptions {
  /** `application_name` of the session. Default `"tide"`. */
  applicationName?: string;
  /** How long to wait for the server, in milliseconds, before leaving it to postgres.js. */
  connectTimeoutMs?: number;
  /**
   * Longest wait for the reply to any one request, in ms; then the connection is closed
   * (`NETWORK_TIMEOUT`). 0 (the default) means no limit; `connect()` passes tide's setting.
   */
  networkTimeoutMs?: number;
}

interface Target {
  hostname: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

const wireDrivers = new WeakSet<Driver>();

/**
 * Whether `driver` is this light client (for tests and diagnostics).
 *
 * @example
 * ```ts ignore
 * console.log(isWireDriver(await connect(url, { readOnly: true })));
 * ```
 */
export function isWireDriver(driver: Driver): boolean {
  return wireDrivers.has(driver);
}

/**
 * Connects with the light client, or gives `undefined` when the URL or the server needs
 * something only postgres.js does, or connecting fails (postgres.js then reports it).
 *
 * @example
 * ```ts ignore
 * const driver = await createWireDriver("postgres://app@127.0.0.1:5432/app") ??
 *   await createPostgresDriver("postgres://app@127.0.0.1:5432/app");
 * ```
 */
export async function createWireDriver(
  url: string,
  options: WireDriverOptions = {},
): Promise<Driver | undefined> {
  const target = plainTarget(url);
  if (target === undefined) return undefined;
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await connectWithin(target, options.connectTimeoutMs ?? 3000);
    const wire = new Wire(conn);
    if (!(await startUp(wire, target, options.applicationName ?? "tide"))) {
      wire.close();
      return undefined;
    }
    return wireDriver(wire, redactUrl(url), options.networkTimeoutMs ?? 0);
  } catch {
    try {
      conn?.close();
    } catch {
      // already closed
    }
    return undefined;
  }
}

/** The parts of a URL this client connects with, or `undefined` when it must leave it. */
function plainTarget(url: string): Target | undefined {
  if (!URL.canParse(url) || pgEnvironmentSet()) return undefined;
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/i.test(parsed.protocol)) return undefined;
  const params = [...parsed.searchParams.keys()];
  if (params.length > 0) return undefined; // sslmode, options...: postgres.js handles them
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (hostname === "" || /[,%/]/.test(parsed.host) || parsed.username === "") return undefined;
  const user = decodeURIComponent(parsed.username);
  return {
    hostname,
    port: parsed.port === "" ? 5432 : Number(parsed.port),
    user,
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)) || user,
  };
}

/** postgres.js reads `PGHOST`, `PGSSL` and more: when any `PG*` variable is set, leave it. */
function pgEnvironmentSet(): boolean {
  try {
    return Object.keys(Deno.env.toObject()).some((name) => name.startsWith("PG"));
  } catch {
    return true;
  }
}

/** Connects within `ms`; a connection that comes later is closed. */
function connectWithin(target: Target, ms: number): Promise<Deno.TcpConn> {
  const signal = AbortSignal.timeout(ms);
  return Deno.connect({ hostname: target.hostname, port: target.port, signal });
}

/** Startup and authentication; `false` when the server asks for a method this client lacks. */
async function startUp(wire: Wire, target: Target, applicationName: string): Promise<boolean> {
  wire.send(
    0,
    startupBody({
      user: target.user,
      database: target.database,
      client_encoding: "UTF8",
      application_name: applicationName,
    }),
  );
  let scram: ScramClient | undefined;
  while (true) {
    const { type, body } = wire.poll() ?? await wire.next();
    if (type === "E") return false;
    if (type === "Z") return true;
    if (type !== "R") continue; // ParameterStatus, BackendKeyData, notices
    const code = readInt32(body, 0);
    if (code === 0) continue;
    if (code === 3) wire.send("p", cString(target.password));
    else if (code === 10 && saslMechanisms(body).includes("SCRAM-SHA-256")) {
      const { scramClient } = await import("./pg_wire_scram.ts"); // only servers that ask
      scram = scramClient(target.password);
      const first = encoder.encode(scram.first);
      wire.send("p", concat(cString("SCRAM-SHA-256"), int32(first.length), first));
    } else if (code === 11 && scram) {
      wire.send("p", encoder.encode(await scram.final(decoder.decode(body.subarray(4)))));
    } else if (code === 12 && scram) {
      if (!(await scram.verify(decoder.decode(body.subarray(4))))) return false;
    } else return false; // MD5, GSS, SSPI: postgres.js does them
  }
}

function wireDriver(wire: Wire, target: string, networkTimeoutMs: number): Driver {
  let queue: Promise<unknown> = Promise.resolve();
  /** Why the session is gone; every later call fails with it, as postgres.js's session does. */
  let lost: string | undefined;
  const timer = new ReplyTimer(networkTimeoutMs);
  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (lost !== undefined) throw connectionLost(target, lost, true);
    try {
      return await timer.race(fn(), () => {
        lost ??= stalledReason(networkTimeoutMs);
        wire.close();
        return networkTimeout(target, networkTimeoutMs);
      });
    } catch (error) {
      // The server's errors and tide's own (a refused COPY) leave the session as it was.
      if (error instanceof SqlError || error instanceof MigrationError) throw error;
      lost ??= wire.fatal ?? errorMessage(error);
      wire.close();
      throw connectionLost(target, lost);
    }
  };
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(() => guarded(fn), () => guarded(fn));
    queue = run.catch(() => {});
    return run;
  };
  const queryable: Queryable = {
    exec: (sql) => serial(() => simpleQuery(wire, sql, target)),
    query: <T extends Row = Row>(sql: string, params: readonly unknown[] = []) =>
      serial(() => extendedQuery<T>(wire, sql, params, target)),
  };
  let closing: Promise<void> | undefined;
  const driver: Driver = {
    kind: "postgres",
    target,
    ...queryable,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => transactionOn(queryable, fn),
    close(): Promise<void> {
      closing ??= queue.then(() => wire.terminate());
      return closing;
    },
    [Symbol.asyncDispose](): Promise<void> {
      return driver.close();
    },
  };
  wireDrivers.add(driver);
  return driver;
}

/** `Q`: any number of statements, results dropped; the first error is thrown after `Z`. */
async function simpleQuery(wire: Wire, sql: string, target: string): Promise<void> {
  wire.send("Q", cString(sql));
  const copy = new CopyRefusal(wire, target);
  let error: ServerErrorLike | undefined;
  while (true) {
    const { type, body } = wire.poll() ?? await wire.next();
    copy.see(type);
    if (type === "E") error ??= errorFields(body);
    if (type === "Z") break;
  }
  copy.throwIfSeen();
  if (error) throw sqlErrorFrom(error);
}

/**
 * A COPY the server starts for the client: tide has no data stream, so a COPY FROM STDIN is
 * failed at once (CopyFail: the server rolls the statement back) and a COPY TO STDOUT's rows are
 * read and dropped; either way the request ends in `UNSUPPORTED_COPY`, never a success, and the
 * session goes on.
 */
class CopyRefusal {
  #kind?: "copy-from-stdin" | "copy-to-stdout";
  /** `extended`: the request was Parse/Bind/Execute, whose Sync copy-in mode ignored. */
  constructor(readonly wire: Wire, readonly target: string, readonly extended = false) {}

  /** Takes message `type`; answers a CopyInResponse (`G`) or CopyBothResponse (`W`). */
  see(type: string): void {
    if (type === "G" || type === "W") {
      this.#kind ??= "copy-from-stdin";
      this.wire.send("f", cString("tide sends no COPY data"));
      if (this.extended) this.wire.send("S", new Uint8Array(0));
    } else if (type === "H") this.#kind ??= "copy-to-stdout";
  }

  throwIfSeen(): void {
    if (this.#kind === undefined) return;
    const outcome = this.#kind === "copy-from-stdin"
      ? "tide failed the COPY, so nothing of that statement was applied."
      : "tide dropped the rows it sent.";
    throw new MigrationError(
      "UNSUPPORTED_COPY",
      `The server on ${this.target} started a COPY for the client: ${outcome} ${
        CLIENT_COPY_ADVICE[this.#kind]
      }`,
    );
  }
}

/** Parse, Bind (text parameters typed like postgres.js types them), Describe, Execute, Sync. */
async function extendedQuery<T extends Row>(
  wire: Wire,
  sql: string,
  params: readonly unknown[],
  target: string,
): Promise<T[]> {
  const types = params.map(parameterType);
  const values = params.map(serialize);
  wire.send("P", concat(cString(""), cString(sql), int16(types.length), ...types.map(int32)));
  wire.send(
    "B",
    concat(
      cString(""),
      cString(""),
      int16(0),
      int16(values.length),
      ...values.map((v) => v === null ? int32(-1) : concat(int32(v.length), v)),
      int16(0),
    ),
  );
  wire.send("D", concat(encoder.encode("P"), cString("")));
  wire.send("E", concat(cString(""), int32(0)));
  wire.send("S", new Uint8Array(0));
  const rows: T[] = [];
  const copy = new CopyRefusal(wire, target, true);
  let columns: { name: string; type: number }[] = [];
  let error: ServerErrorLike | undefined;
  while (true) {
    const { type, body } = wire.poll() ?? await wire.next();
    copy.see(type);
    if (type === "T") columns = rowDescription(body);
    else if (type === "D") rows.push(dataRow(body, columns) as T);
    else if (type === "E") error ??= errorFields(body);
    else if (type === "Z") break;
  }
  copy.throwIfSeen();
  if (error) throw sqlErrorFrom(error);
  return rows;
}

/** The OID postgres.js sends a parameter as: dates, booleans, bigints typed; the rest unknown. */
function parameterType(value: unknown): number {
  if (value instanceof Date) return 1184;
  if (typeof value === "boolean") return 16;
  if (typeof value === "bigint") return 20;
  return 0;
}

function serialize(value: unknown): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return encoder.encode(value.toISOString());
  if (typeof value === "boolean") return encoder.encode(value ? "t" : "f");
  if (typeof value === "object") return encoder.encode(JSON.stringify(value));
  return encoder.encode(String(value));
}
