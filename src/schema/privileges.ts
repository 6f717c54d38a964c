/**
 * Owners and privileges in snapshot queries. A snapshot reads them in one of three ways:
 * not at all (`none`, the default of `takeSnapshot`), as owners and every GRANT (`full`, with
 * `includeGrants`), or as the privileges that differ from what the server gives an object by
 * itself (`privileges`, what verification compares: a down that forgets a `REVOKE` differs,
 * and an object whose ACL was made explicit but equals the default does not).
 *
 * @module
 */

/** How a snapshot reads owners and privileges. */
export type Access = "none" | "privileges" | "full";

/** The `acldefault` letter of each kind of object. */
export type AclKind = "r" | "s" | "f" | "T" | "n";

/**
 * What an object's privileges are compared with: its kind, and SQL for its owner, its oid and
 * its catalog. The initial privileges the server recorded for it (`pg_init_privs`, the public
 * schema's `USAGE` for `PUBLIC`) count as its defaults, as for pg_dump.
 */
export type AclDefaults = readonly [kind: AclKind, owner: string, oid: string, catalog: string];

/** Who holds a privilege, `PUBLIC` for everyone. */
function grantee(column: string): string {
  return `CASE WHEN ${column} = 0 THEN 'PUBLIC' ` +
    `ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(${column})) END`;
}

/** The privileges of `acl` (an `aclitem[]`) one line per grantee, as `format()` renders them. */
function lines(acl: string, template: string, objectType: string, objectName: string): string {
  return `SELECT pg_catalog.format('${template}', g.privileges, ${objectType}, ${objectName},
      g.grantee, CASE WHEN g.grantable THEN ' WITH GRANT OPTION' ELSE '' END) AS line
    FROM (SELECT ${grantee("a.grantee")} AS grantee, a.is_grantable AS grantable,
      pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) AS privileges
      FROM (${acl}) a GROUP BY 1, 2) g`;
}

/**
 * GRANT statements for an ACL column, read only with `full` access (else `NULL`): every
 * privilege. `objectName` is an SQL expression. With `privileges` access, {@linkcode aclPair}
 * reads the ACL and {@linkcode privilegeText} renders it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grants } from "./privileges.ts";
 *
 * assert.equal(grants("none", "c.relacl", "TABLE", "c.relname"), "NULL::text");
 * assert.match(grants("full", "c.relacl", "TABLE", "c.relname"), /aclexplode/);
 * ```
 */
export function grants(
  access: Access,
  acl: string,
  objectType: string,
  objectName: string,
): string {
  if (access !== "full") return "NULL::text";
  const all = `SELECT * FROM pg_catalog.aclexplode(${acl})`;
  return `(SELECT pg_catalog.string_agg(l.line, E'\\n' ORDER BY l.line) FROM (${
    lines(all, "GRANT %s ON %s %s TO %s%s;", `'${objectType}'`, objectName)
  }) l)`;
}

/**
 * With `privileges` access, an object's ACL and its defaults as one JSON array of two `text[]`
 * (`NULL` when the ACL is, which means the defaults); else `NULL`. What differs is computed by
 * {@linkcode privilegeText}: subqueries here would cost every snapshot, also of the objects
 * without an ACL. `defaults` `null` (a column's) means none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aclPair } from "./privileges.ts";
 *
 * assert.equal(aclPair("none", "c.relacl", null), "NULL::json");
 * assert.match(aclPair("privileges", "c.relacl", ["r", "c.relowner", "c.oid", "pg_class"]), /acldefault/);
 * ```
 */
export function aclPair(access: Access, acl: string, defaults: AclDefaults | null): string {
  if (access !== "privileges") return "NULL::json";
  let standard = "'{}'::pg_catalog.text[]";
  if (defaults !== null) {
    const [kind, owner, oid, catalog] = defaults;
    // Among user objects only schemas (public) have initial privileges: no lookup for others.
    const initial = catalog === "pg_namespace"
      ? `(SELECT ip.initprivs FROM pg_catalog.pg_init_privs ip WHERE ip.objoid = ${oid}
        AND ip.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND ip.objsubid = 0)`
      : "NULL::pg_catalog.aclitem[]";
    standard =
      `COALESCE(${initial}, pg_catalog.acldefault('${kind}', ${owner}))::pg_catalog.text[]`;
  }
  return `CASE WHEN ${acl} IS NOT NULL THEN pg_catalog.json_build_array(${acl}::pg_catalog.text[],
    ${standard}) END`;
}

/** The quoted name of the role in `column`; `NULL` unless owners are read (`full`). */
export function owner(access: Access, column: string): string {
  return access === "full"
    ? `pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(${column}))`
    : "NULL::text";
}

/** Privilege letters of an `aclitem`, as `aclexplode` names them. */
const PRIVILEGES: Readonly<Record<string, string>> = {
  r: "SELECT",
  w: "UPDATE",
  a: "INSERT",
  d: "DELETE",
  D: "TRUNCATE",
  x: "REFERENCES",
  t: "TRIGGER",
  X: "EXECUTE",
  U: "USAGE",
  C: "CREATE",
  c: "CONNECT",
  T: "TEMPORARY",
  s: "SET",
  A: "ALTER SYSTEM",
  m: "MAINTAIN",
};

/** Each privilege of `acl` (`aclitem`s as text): `grantee NUL privilege NUL grantable`. */
function entries(acl: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const item of acl) {
    const match = /^((?:"(?:[^"]|"")*"|[^=])*)=([A-Za-z*]*)\//.exec(item);
    if (match === null) continue;
    const grantee = match[1] === "" ? "PUBLIC" : match[1];
    for (const [, letter, star] of match[2].matchAll(/([A-Za-z])(\*?)/g)) {
      out.add(`${grantee}\0${PRIVILEGES[letter] ?? letter}\0${star === "*"}`);
    }
  }
  return out;
}

/** GRANT (or REVOKE) lines of `privileges`, one per grantee and grant option. */
function render(
  privileges: readonly string[],
  verb: "GRANT" | "REVOKE",
  target: string,
  column?: string,
): string[] {
  const groups = new Map<string, string[]>();
  for (const entry of privileges) {
    const [grantee, privilege, grantable] = entry.split("\0");
    const key = `${grantee}\0${grantable}`;
    groups.set(key, [...groups.get(key) ?? [], privilege]);
  }
  return [...groups].map(([key, names]) => {
    const [grantee, grantable] = key.split("\0");
    const list = names.sort().map((name) => column ? `${name} (${column})` : name).join(", ");
    const to = verb === "GRANT" ? "TO" : "FROM";
    const option = grantable === "true" && verb === "GRANT" ? " WITH GRANT OPTION" : "";
    return `${verb} ${list} ON ${target} ${to} ${grantee}${option};`;
  });
}

/**
 * The privileges of an object that differ from its defaults, from the pair {@linkcode aclPair}
 * read (or its JSON text): GRANTs beyond the defaults and REVOKEs of them, sorted, one line per
 * grantee; `null` when there are none. `column` names the column they are on, if any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { privilegeText } from "./privileges.ts";
 *
 * const pair = [["app=arwdDxt/app", "reader=r/app"], ["app=arwdDxt/app"]];
 * assert.equal(privilegeText(pair, "TABLE", "public.t"), "GRANT SELECT ON TABLE public.t TO reader;");
 * assert.equal(privilegeText([["app=arwdDxt/app"], ["app=arwdDxt/app"]], "TABLE", "public.t"), null);
 * ```
 */
export function privilegeText(
  pair: unknown,
  objectType: string,
  name: string,
  column?: string,
): string | null {
  if (pair === null || pair === undefined) return null;
  const [acl, defaults] = (typeof pair === "string" ? JSON.parse(pair) : pair) as string[][];
  const given = entries(acl ?? []);
  const standard = entries(defaults ?? []);
  const granted = [...given].filter((entry) => !standard.has(entry));
  const revoked = [...standard].filter((entry) => !given.has(entry));
  const target = `${objectType} ${name}`;
  const text = [
    ...render(granted, "GRANT", target, column),
    ...render(revoked, "REVOKE", target, column),
  ].sort();
  return text.length === 0 ? null : text.join("\n");
}
