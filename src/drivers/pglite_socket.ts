/**
 * Serves an in-process PGlite over the PostgreSQL wire protocol on 127.0.0.1, so any client
 * (postgres.js, node-postgres, psql) can use it. PGlite is one session: the server takes one
 * connection at a time, and every client shares that session with the PGlite instance itself.
 *
 * @module
 */
import type { PGlite } from "@electric-sql/pglite";
import type { Socket } from "node:net";

/** A running server; stop it with `close()` or `await using`. */
export interface PgliteSocket extends AsyncDisposable {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: no password, no TLS. */
  readonly url: string;
  /** Disconnects the client (rolling back its open transaction) and stops listening. */
  close(): Promise<void>;
}

/**
 * Listens on a free port of 127.0.0.1 and serves `db` to one client at a time. A second
 * concurrent connection is refused with a `53300` (too_many_connections) error that says so,
 * so pools must use one connection (`max: 1`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import postgres from "postgres";
 * import { createPgliteDriver } from "./pglite.ts";
 * import { servePglite } from "./pglite_socket.ts";
 *
 * await using db = await createPgliteDriver();
 * await using socket = await servePglite(db.pglite);
 * const sql = postgres(socket.url, { max: 1 });
 * const [row] = await sql`select 1 + 1 as two`;
 * await sql.end();
 * assert.equal(row.two, 2);
 * ```
 */
export async function servePglite(db: PGlite): Promise<PgliteSocket> {
  // Loaded on first use: most test databases are never served.
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  // Its own limit answers a second client with text that is no protocol message, on which
  // clients hang; it is set above ours, which answers with a PostgreSQL error.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 2 });
  const refused = admitOneClient(server as unknown as ConnectionHandler);
  await server.start();
  let closing: Promise<void> | undefined;
  const socket: PgliteSocket = {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    close: () =>
      closing ??= (async () => {
        for (const client of refused) client.destroy();
        await server.stop();
      })(),
    [Symbol.asyncDispose]: () => socket.close(),
  };
  return socket;
}

/** The (private) method of `PGLiteSocketServer` 0.2 that takes each accepted socket. */
interface ConnectionHandler {
  handleConnection(socket: Socket): Promise<void>;
}

/** Lets one client at a time through; returns the refused ones still connected. */
function admitOneClient(server: ConnectionHandler): Set<Socket> {
  const admit = server.handleConnection.bind(server);
  const refused = new Set<Socket>();
  let current: Socket | undefined;
  server.handleConnection = (socket) => {
    if (current === undefined || current.destroyed) {
      current = socket;
      return admit(socket);
    }
    // Answer the client's first message (startup or SSL request) with the error, and hang up
    // a moment later: hanging up at once can lose the error in pg. One sending nothing is cut.
    refused.add(socket);
    let timer = setTimeout(() => socket.destroy(), 2_000);
    socket.once("close", () => {
      clearTimeout(timer);
      refused.delete(socket);
    });
    socket.on("error", () => {});
    socket.once("data", () => {
      clearTimeout(timer);
      socket.write(tooManyConnections());
      timer = setTimeout(() => socket.end(), 50);
    });
    return Promise.resolve();
  };
  return refused;
}

/** A FATAL ErrorResponse message with SQLSTATE 53300. */
function tooManyConnections(): Uint8Array {
  const fields = [
    "SFATAL",
    "VFATAL",
    "C53300",
    "MPGlite serves one connection at a time, and one is open. Use a single connection in " +
    "the client (postgres.js and pg pools: max: 1), and end it before connecting again.",
  ].map((field) => `${field}\0`).join("") + "\0";
  const body = new TextEncoder().encode(fields);
  const message = new Uint8Array(5 + body.length);
  message[0] = "E".charCodeAt(0);
  new DataView(message.buffer).setInt32(1, 4 + body.length);
  message.set(body, 5);
  return message;
}
