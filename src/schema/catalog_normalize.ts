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
