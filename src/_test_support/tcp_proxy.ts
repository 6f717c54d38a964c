/**
 * Test support: a TCP forwarder on 127.0.0.1 in front of a database server, which a test can
 * freeze to play a stalled network (the connection stays open, nothing gets through).
 *
 * @module
 */

/** A running forwarder; close it when done. */
export interface TcpProxy extends AsyncDisposable {
  /** `url` with its host and port replaced by the forwarder's. */
  url: string;
  /** Stops forwarding in both directions from now on; connections stay open. */
  freeze(): void;
  /** Forwards the first client chunk holding `marker`, then freezes. */
  freezeAfterSending(marker: string): void;
  /** Closes the listener and every connection, and waits for the forwarding to end. */
  close(): Promise<void>;
}

/**
 * Starts a forwarder on 127.0.0.1 to the host and port of `url` (loopback only).
 *
 * @example
 * ```ts ignore
 * await using proxy = await startTcpProxy(await testDatabaseUrl());
 * await using db = await connect(proxy.url);
 * proxy.freeze();
 * ```
 */
export function startTcpProxy(url: string): Promise<TcpProxy> {
  const target = new URL(url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) {
    throw new Error(`startTcpProxy() forwards to loopback only, not to ${target.hostname}.`);
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const pumps: Promise<void>[] = [];
  let frozen = false;
  let marker: string | undefined;
  const decoder = new TextDecoder();
  const pump = async (from: Deno.Conn, to: Deno.Conn, fromClient: boolean) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
        if (frozen) continue; // stalled: swallowed, never answered
        const chunk = buffer.subarray(0, n);
        await to.write(chunk);
        if (fromClient && marker !== undefined && decoder.decode(chunk).includes(marker)) {
          frozen = true;
        }
      }
    } catch {
      // A side was closed: the forwarding of this pair ends.
    }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      const server = await Deno.connect({ hostname: "127.0.0.1", port: Number(target.port) });
      conns.add(client).add(server);
      pumps.push(pump(client, server, true), pump(server, client, false));
    }
  })().catch(() => {});
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String((listener.addr as Deno.NetAddr).port);
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      listener.close();
      await accepting;
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await Promise.all(pumps);
    })();
  return Promise.resolve({
    url: proxied.href,
    freeze: () => void (frozen = true),
    freezeAfterSending: (text: string) => void (marker = text),
    close,
    [Symbol.asyncDispose]: close,
  });
}
