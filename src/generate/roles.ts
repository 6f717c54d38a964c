/**
 * Roles an up creates. They belong to the cluster, not to the schema a snapshot compares, so
 * the generator never sees them; but a down must drop them, or the up run again fails on
 * "role already exists". Found in the up's SQL, dropped last (with what was granted to them).
 *
 * @module
 */

const CREATE_ROLE = /\bCREATE\s+(?:ROLE|USER|GROUP)\s+(?!IF\b)("(?:[^"]|"")+"|[A-Za-z_][\w$]*)/gi;

/**
 * The roles `sql` creates, as written (quoted where they were).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rolesCreatedBy } from "./roles.ts";
 *
 * assert.deepEqual(rolesCreatedBy("create role anon nologin; -- create role x\ncreate user \"Bob\";"),
 *   ["anon", '"Bob"']);
 * ```
 */
export function rolesCreatedBy(sql: string): string[] {
  const code = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "");
  return [...new Set([...code.matchAll(CREATE_ROLE)].map((m) => m[1]))];
}

/**
 * SQL dropping `roles` when they exist, with the privileges granted to them in this database.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dropRoles } from "./roles.ts";
 *
 * assert.match(dropRoles(["anon"]), /DROP OWNED BY anon/);
 * ```
 */
export function dropRoles(roles: readonly string[]): string {
  return roles.map((role) => {
    const raw = role.startsWith('"') ? role.slice(1, -1).replaceAll('""', '"') : role.toLowerCase();
    const literal = `'${raw.replaceAll("'", "''")}'`;
    return `DO $$\nBEGIN\n  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal}) THEN\n` +
      `    DROP OWNED BY ${role};\n    DROP ROLE ${role};\n  END IF;\nEND\n$$;\n`;
  }).join("\n");
}
