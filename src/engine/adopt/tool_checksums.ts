/**
 * Other tools' checksums of a migration file (sqlx, Prisma, Flyway), computed as each tool does,
 * so `tide adopt` can tell which files changed since that tool applied them: the database then
 * holds the earlier version, which tide would otherwise record as the file is now.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * sqlx's checksum: SHA-384 of the file's bytes as read (no normalization), in hex, as
 * `encode(checksum, 'hex')` shows its `bytea` column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqlxChecksum } from "./tool_checksums.ts";
 *
 * assert.equal(sqlxChecksum(new Uint8Array()).slice(0, 16), "38b060a751ac9638");
 * ```
 */
export function sqlxChecksum(bytes: Uint8Array): string {
  return createHash("sha384").update(bytes).digest("hex");
}

/**
 * Prisma's checksums: SHA-256 of `migration.sql` in hex, the file as it is first; Prisma also
 * accepts it with its line endings turned (CRLF to LF and LF to CRLF), as git may check it out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prismaChecksums } from "./tool_checksums.ts";
 *
 * const [lf] = prismaChecksums(new TextEncoder().encode("SELECT 1;\n"));
 * assert.ok(prismaChecksums(new TextEncoder().encode("SELECT 1;\r\n")).includes(lf));
 * ```
 */
export function prismaChecksums(bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes);
  const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");
  const lf = text.replaceAll("\r\n", "\n");
  return [...new Set([sha256(bytes), sha256(lf), sha256(lf.replaceAll("\n", "\r\n"))])];
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * Flyway's checksum: the CRC-32 of each line's UTF-8 bytes without its line break (Java's
 * `BufferedReader.readLine()`: `\n`, `\r` or `\r\n`), a BOM dropped from the first, as the
 * signed 32-bit integer its `checksum` column holds. Line endings do not change it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flywayChecksum } from "./tool_checksums.ts";
 *
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assert.equal(flywayChecksum(bytes("123456789")), String(0xcbf43926 | 0)); // CRC-32's check value
 * assert.equal(flywayChecksum(bytes("1234\r\n56789\n")), flywayChecksum(bytes("123456789")));
 * ```
 */
export function flywayChecksum(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
  const lines = text.split(/\r\n|\r|\n/);
  if (/[\r\n]$/.test(text)) lines.pop(); // readLine() gives no empty line after the last break
  let crc = -1;
  const encoder = new TextEncoder();
  for (const line of lines) {
    for (const byte of encoder.encode(line)) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  }
  return String((crc ^ -1) | 0);
}
