/**
 * The frontend/backend protocol's framing for the light client (`pg_wire.ts`): messages over one
 * TCP connection, the byte encodings they use, and the backend messages it reads.
 *
 * @module
 */
import type { ServerErrorLike } from "../errors.ts";
import type { Row } from "./driver.ts";
import { parseValue } from "./pg_wire_values.ts";

/**
 * The most one read takes: 500 tracking rows (130 KB) come in one read rather than three of 64 KB,
 * each waiting for a turn of the event loop.
 */
const READ_BYTES = 256 * 1024;

/** Buffered messages over one TCP connection. */
export class Wire {
  readonly #conn: Deno.TcpConn;
  #buffer: Uint8Array = new Uint8Array(0);
  /** Where reads land; what arrives is copied out, so one serves every read. */
  #chunk?: Uint8Array;
  #writing: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** The message of the FATAL error the server sent before closing, if it sent one. */
  fatal?: string;

  /** Messages over `conn`, written in order. */
  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
    conn.setNoDelay(true);
  }

  /** Queues a message: a type byte (none for the startup message, `0`) and its body. */
  send(type: string | 0, body: Uint8Array): void {
    const head = type === 0
      ? int32(body.length + 4)
      : concat(encoder.encode(type), int32(body.length + 4));
    const message = concat(head, body);
    this.#writing = this.#writing.then(() => writeAll(this.#conn, message));
  }

  /** The next message already received, or `undefined`: no promise per row of a result. */
  poll(): { type: string; body: Uint8Array } | undefined {
    if (this.#buffer.length < 5) return undefined;
    const length = readInt32(this.#buffer, 1);
    if (this.#buffer.length < length + 1) return undefined;
    const type = String.fromCharCode(this.#buffer[0]);
    // A view, not a copy: the buffer is replaced, never written to, when more arrives.
    const body = this.#buffer.subarray(5, length + 1);
    this.#buffer = this.#buffer.subarray(length + 1);
    if (type === "E") {
      const { severity, message } = errorFields(body);
      if (severity === "FATAL" || severity === "PANIC") this.fatal ??= message;
    }
    return { type, body };
  }

  /** The next message from the server. */
  async next(): Promise<{ type: string; body: Uint8Array }> {
    while (true) {
      const message = this.poll();
      if (message) return message;
      // Read while the request is still being written: waiting for the write first would cost a
      // turn of the event loop per round trip, which `tide status` spends stamping files.
      const chunk = this.#chunk ??= new Uint8Array(READ_BYTES);
      const reading = this.#conn.read(chunk).then((read) => ({ read }), (error) => ({ error }));
      // A failed write is thrown once what the server sent first is read: often why it closed.
      const writeError = await this.#writing.then(() => undefined, (error: unknown) => error);
      const result = await reading;
      if ("error" in result) throw writeError ?? result.error;
      const { read } = result;
      if (read === null) throw writeError ?? new Error("the server closed the connection");
      this.#buffer = concat(this.#buffer, chunk.subarray(0, read));
    }
  }

  /** Sends Terminate and closes. */
  async terminate(): Promise<void> {
    if (this.#closed) return;
    this.send("X", new Uint8Array(0));
    await this.#writing.catch(() => {});
    this.close();
  }

  /** Closes the connection without a word. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed by the server
    }
  }
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/** Shared text codec. */
export const encoder: TextEncoder = new TextEncoder();
/** Shared text codec. */
export const decoder: TextDecoder = new TextDecoder();

/** The StartupMessage body (protocol 3.0) for `params`. */
export function startupBody(params: Record<string, string>): Uint8Array {
  const pairs = Object.entries(params).flatMap(([key, value]) => [cString(key), cString(value)]);
  return concat(int32(196608), ...pairs, new Uint8Array([0])); // protocol 3.0
}

/** A NUL-terminated UTF-8 string. */
export function cString(text: string): Uint8Array {
  return concat(encoder.encode(text), new Uint8Array([0]));
}

/** A big-endian 16-bit integer. */
export function int16(value: number): Uint8Array {
  return new Uint8Array([(value >> 8) & 255, value & 255]);
}

/** A big-endian 32-bit integer. */
export function int32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value);
  return bytes;
}

/** Reads a big-endian 16-bit integer at `at`. */
export function readInt16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16)) >> 16;
}

/** Reads a big-endian 32-bit integer at `at`. */
export function readInt32(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
}

/** The bytes of `parts`, one after the other. */
export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** The columns a RowDescription message names: name and type OID. */
export function rowDescription(body: Uint8Array): { name: string; type: number }[] {
  const count = readInt16(body, 0);
  const columns: { name: string; type: number }[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    const end = body.indexOf(0, at);
    const name = decoder.decode(body.subarray(at, end));
    at = end + 1 + 6; // table oid, column number
    columns.push({ name, type: readInt32(body, at) });
    at += 4 + 2 + 4 + 2; // type oid, size, modifier, format
  }
  return columns;
}

/** A DataRow message as a row, each text value parsed by its column's type. */
export function dataRow(body: Uint8Array, columns: readonly { name: string; type: number }[]): Row {
  const row: Row = {};
  let at = 2;
  for (let i = 0; i < readInt16(body, 0); i++) {
    const length = readInt32(body, at);
    at += 4;
    const column = columns[i];
    if (length < 0) row[column.name] = null;
    else {
      row[column.name] = parseValue(column.type, decoder.decode(body.subarray(at, at + length)));
      at += length;
    }
  }
  return row;
}

/** An ErrorResponse's fields, named as postgres.js names them. */
export function errorFields(body: Uint8Array): ServerErrorLike & { severity?: string } {
  const fields: Record<string, string> = {};
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const end = body.indexOf(0, at + 1);
    fields[String.fromCharCode(body[at])] = decoder.decode(body.subarray(at + 1, end));
    at = end + 1;
  }
  return {
    message: fields.M ?? "unknown server error",
    severity: fields.S,
    code: fields.C,
    position: fields.P,
    detail: fields.D,
    hint: fields.H,
    where: fields.W,
  };
}

/** The SASL mechanisms an AuthenticationSASL message offers. */
export function saslMechanisms(body: Uint8Array): string[] {
  return decoder.decode(body.subarray(4)).split("\0").filter((name) => name !== "");
}
