/**
 * SCRAM-SHA-256 (RFC 7677) for the light client, on WebCrypto: PostgreSQL's default password
 * authentication since version 14.
 *
 * @module
 */

/** One SCRAM exchange: the client's first message, its final one, and the server's proof. */
export interface ScramClient {
  /** `n,,n=*,r=<nonce>`. */
  readonly first: string;
  /** The final message for the server's first message `r=...,s=...,i=...`. */
  final(serverFirst: string): Promise<string>;
  /** Whether the server's final message (`v=...`) proves it knows the password. */
  verify(serverFinal: string): Promise<boolean>;
}

const encoder = new TextEncoder();

/**
 * A SCRAM-SHA-256 exchange for `password`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scramClient } from "./pg_wire_scram.ts";
 *
 * const client = scramClient("pencil");
 * assert.match(client.first, /^n,,n=\*,r=[A-Za-z0-9+/=]+$/);
 * ```
 */
export function scramClient(password: string): ScramClient {
  const nonce = base64(crypto.getRandomValues(new Uint8Array(18)));
  const firstBare = `n=*,r=${nonce}`;
  let serverSignature: string | undefined;
  return {
    first: `n,,${firstBare}`,
    async final(serverFirst) {
      const fields = Object.fromEntries(serverFirst.split(",").map((f) => [f[0], f.slice(2)]));
      if (!fields.r?.startsWith(nonce)) throw new Error("SCRAM: the server's nonce is not ours");
      const salted = await pbkdf2(password, fromBase64(fields.s), Number(fields.i));
      const clientKey = await hmac(salted, "Client Key");
      const storedKey = new Uint8Array(await crypto.subtle.digest("SHA-256", clientKey));
      const withoutProof = `c=biws,r=${fields.r}`;
      const auth = `${firstBare},${serverFirst},${withoutProof}`;
      const signature = await hmac(storedKey, auth);
      const proof = clientKey.map((byte, i) => byte ^ signature[i]);
      serverSignature = base64(await hmac(await hmac(salted, "Server Key"), auth));
      return `${withoutProof},p=${base64(proof)}`;
    },
    verify(serverFinal) {
      return Promise.resolve(serverFinal.trim() === `v=${serverSignature}`);
    },
  };
}

async function pbkdf2(
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

async function hmac(key: Uint8Array, message: string): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key as BufferSource,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
