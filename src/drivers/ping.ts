/**
 * `ping()`: a health check for application code. Connects, runs `select 1`, and closes.
 *
 * @module
 */
import { connect, type ConnectOptions } from "./connect.ts";
import type { DriverKind } from "./driver.ts";

/** What {@linkcode ping} found. */
export interface PingResult {
  /** Where it connected, password replaced by `***`. */
  target: string;
  /** Which driver it used. */
  driver: DriverKind;
  /** The server's version, as `SHOW server_version` gives it (`"15.4"`). */
  serverVersion: string;
  /** Milliseconds the `select 1` round trip took (connecting not included). */
  latencyMs: number;
  /** Milliseconds connecting took. */
  connectMs: number;
}

/** Options of {@linkcode ping}: those of `connect()`; the network timeout defaults to 10 s. */
export type PingOptions = ConnectOptions;

/** A health check should answer quickly: a stalled server fails it after this long. */
const PING_NETWORK_TIMEOUT_MS = 10_000;

/**
 * Connects to `databaseUrl` (the embedded default database when undefined), runs `select 1`,
 * reads the server version, closes the connection and says how long it took. Rejects with the
 * `MigrationError` of `connect()` (`CONNECTION_FAILED`, `UNSUPPORTED_URL`, `NETWORK_TIMEOUT`)
 * when the database cannot be reached; no message holds the password.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ping } from "./ping.ts";
 *
 * const health = await ping("memory://"); // in an app: ping(Deno.env.get("DATABASE_URL"))
 * assert.equal(health.driver, "pglite");
 * assert.match(health.serverVersion, /^\d+(\.\d+)?/);
 * assert.ok(health.latencyMs >= 0 && health.connectMs >= 0);
 * ```
 */
export async function ping(databaseUrl?: string, options: PingOptions = {}): Promise<PingResult> {
  const started = performance.now();
  await using driver = await connect(databaseUrl, {
    ...options,
    networkTimeoutMs: options.networkTimeoutMs ?? PING_NETWORK_TIMEOUT_MS,
  });
  const connected = performance.now();
  await driver.query("select 1");
  const latencyMs = performance.now() - connected;
  const [{ version }] = await driver.query<{ version: string }>(
    "select current_setting('server_version') as version",
  );
  return {
    target: driver.target,
    driver: driver.kind,
    serverVersion: version,
    latencyMs,
    connectMs: connected - started,
  };
}
