/**
 * Migration checksums: hex SHA-256 of the file text with line endings normalized, so a checkout
 * with CRLF (Windows, `core.autocrlf`) matches one with LF. The algorithm name is recorded beside
 * each checksum as `CHECKSUM_ALGORITHM` from `migration.ts`.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * Normalizes text for checksumming: drops a leading UTF-8 BOM and turns CRLF and lone CR into LF.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeForChecksum } from "./checksum.ts";
 *
 * assert.equal(normalizeForChecksum("\uFEFFSELECT 1;\r\nSELECT 2;\r"), "SELECT 1;\nSELECT 2;\n");
 * ```
 */
export function normalizeForChecksum(text: string): string {
  const withoutBom = text.startsWith("\uFEFF") ? text.slice(1) : text;
  return withoutBom.replace(/\r\n?/g, "\n");
}

/**
 * Hex SHA-256 of `text` after {@linkcode normalizeForChecksum}. This is `Migration.checksum`,
 * computed over the whole file holding the up (for a single-file migration, the down too).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checksumText } from "./checksum.ts";
 *
 * const sum = checksumText("CREATE TABLE t (id int);\n");
 * assert.match(sum, /^[0-9a-f]{64}$/);
 * assert.equal(checksumText("CREATE TABLE t (id int);\r\n"), sum); // line endings do not count
 * ```
 */
export function checksumText(text: string): string {
  return sha256Hex(normalizeForChecksum(text));
}

/**
 * Hex SHA-256 of the UTF-8 bytes of `text`: tide's one hash (checksums, lock keys, cache keys).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./checksum.ts";
 *
 * assert.equal(
 *   sha256Hex("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export function sha256Hex(text: string): string {
  // node:crypto hashes synchronously: ~30x faster than crypto.subtle for many small files.
  return createHash("sha256").update(text, "utf8").digest("hex");
}
