/**
 * Quoting: the one place tide turns a name or a value into SQL text.
 *
 * @module
 */

/**
 * Quotes a PostgreSQL identifier, doubling any `"`, so no name can inject SQL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteIdentifier } from "./quote.ts";
 *
 * assert.equal(quoteIdentifier('my "odd" schema'), '"my ""odd"" schema"');
 * ```
 */
export function quoteIdentifier(name: string): string {
  if (name.includes("\0")) throw new TypeError("An identifier cannot contain a NUL character.");
  return `"${name.replaceAll('"', '""')}"`;
}

/** A plain value SQL can hold as a literal (and a driver as a parameter). */
export type Literal = string | number | boolean | Date | null;

/**
 * Quotes a value as a SQL literal, as PostgreSQL's `quote_literal` does: `E'...'` when it holds
 * a backslash, so the result is right whatever `standard_conforming_strings` is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteLiteral } from "./quote.ts";
 *
 * assert.equal(quoteLiteral("it's"), "'it''s'");
 * assert.equal(quoteLiteral(null), "NULL");
 * ```
 */
export function quoteLiteral(value: Literal): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot write ${value} as a SQL literal.`);
    return String(value);
  }
  if (value instanceof Date) return `${quoteLiteral(value.toISOString())}::timestamptz`;
  if (value.includes("\0")) {
    throw new TypeError("A SQL text literal cannot contain a NUL character.");
  }
  const quoted = value.replaceAll("'", "''");
  return value.includes("\\") ? `E'${quoted.replaceAll("\\", "\\\\")}'` : `'${quoted}'`;
}
