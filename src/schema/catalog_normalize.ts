/**
 * Evens out catalog output that differs between PostgreSQL versions for the same schema, so a
 * snapshot taken on PostgreSQL 15 matches one taken on PGlite (PostgreSQL 18).
 *
 * @module
 */

/** `server_version_num` from which `pg_get_viewdef` stops qualifying single-table columns. */
export const UNQUALIFIED_VIEWDEF_SINCE = 160000;

/**
 * PostgreSQL 15 and earlier print `users.id` in the definition of a view over one table where
 * 16 and later print `id`. Strips the qualifier when the view reads exactly one table and has
 * no join or subquery, where the shorter form is unambiguous.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unqualifySingleTableView } from "./catalog_normalize.ts";
 *
 * const old = " SELECT users.id\n   FROM app.users\n  WHERE users.id > 0;";
 * assert.equal(unqualifySingleTableView(old), " SELECT id\n   FROM app.users\n  WHERE id > 0;");
 * ```
 */
export function unqualifySingleTableView(definition: string): string {
  const code = definition.replace(/'(?:[^']|'')*'/g, "''");
  if ((code.match(/\bFROM\b/g) ?? []).length !== 1) return definition;
  if (/\bJOIN\b|\(\s*SELECT\b|\bUNION\b|\bINTERSECT\b|\bEXCEPT\b/.test(code)) return definition;
  const from =
    /\bFROM ((?:[\w$]+|"(?:[^"]|"")+")(?:\.(?:[\w$]+|"(?:[^"]|"")+"))?)(?: ([\w$]+|"(?:[^"]|"")+"))?\s*(?:\n|;|$)/
      .exec(code);
  if (from === null || from[1].includes(",")) return definition;
  const parts = from[1].split(".");
  const alias = from[2] ?? parts.at(-1)!;
  if (parts.length > 1 && parts[0] === alias) return definition;
  const prefix = new RegExp(`(^|[^\\w$."])${escapeRegExp(alias)}\\.(?=[\\w$"])`, "g");
  // Rewrite outside string literals only, so a literal 'users.id' is left alone.
  return definition.split(/('(?:[^']|'')*')/).map((part, i) =>
    i % 2 === 1 ? part : part.replace(prefix, "$1")
  ).join("");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The longest name PostgreSQL keeps, in bytes (`NAMEDATALEN - 1`). */
const MAX_NAME_BYTES = 63;

/**
 * The name PostgreSQL 18 gives a column's NOT NULL constraint when none is given:
 * `<table>_<column>_not_null`, both parts shortened as `makeObjectName` does to fit 63 bytes.
 * A constraint with this name says nothing PostgreSQL 15, which names none, would not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultNotNullName } from "./catalog_normalize.ts";
 *
 * assert.equal(defaultNotNullName("users", "email"), "users_email_not_null");
 * assert.equal(defaultNotNullName("t".repeat(40), "c".repeat(40)).length, 63);
 * ```
 */
export function defaultNotNullName(table: string, column: string): string {
  const label = "not_null";
  const available = MAX_NAME_BYTES - label.length - 2;
  let tableBytes = byteLength(table);
  let columnBytes = byteLength(column);
  while (tableBytes + columnBytes > available) {
    if (tableBytes > columnBytes) tableBytes--;
    else columnBytes--;
  }
  return `${clipBytes(table, tableBytes)}_${clipBytes(column, columnBytes)}_${label}`;
}

const encoder = new TextEncoder();

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** The longest prefix of `text` within `bytes` bytes that splits no character. */
function clipBytes(text: string, bytes: number): string {
  let out = "";
  for (const char of text) {
    if (byteLength(out + char) > bytes) break;
    out += char;
  }
  return out;
}
