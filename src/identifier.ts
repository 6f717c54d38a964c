/**
 * Identifier quoting: the one place tide turns a name into SQL.
 *
 * @module
 */

/**
 * Quotes a PostgreSQL identifier, doubling any `"`, so no name can inject SQL.
 *
 * @example
 * ```ts
 * import { quoteIdentifier } from "./identifier.ts";
 *
 * quoteIdentifier('my "odd" schema'); // '"my ""odd"" schema"'
 * ```
 */
export function quoteIdentifier(name: string): string {
  if (name.includes("\0")) throw new TypeError("An identifier cannot contain a NUL character.");
  return `"${name.replaceAll('"', '""')}"`;
}
