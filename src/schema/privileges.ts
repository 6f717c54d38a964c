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
 * GRANT statements for an ACL column; `NULL` unless `access` reads them. With `privileges`,
 * only what differs from the object's defaults (see {@linkcode AclDefaults}): GRANTs beyond
 * them and REVOKEs of them, and `NULL` when the ACL is the default (or `NULL` itself).
 * `objectName` is an SQL expression.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grants } from "./privileges.ts";
 *
 *  * const defaults = ["r", "c.relowner", "c.oid", "pg_class"] as const;
 * assert.equal(grants("none", "c.relacl", "TABLE", "c.relname", defaults), "NULL::text");
 * assert.match(grants("privileges", "c.relacl", "TABLE", "c.relname", defaults), /acldefault/);
 * ```
 */
export function grants(
  access: Access,
  acl: string,
  objectType: string,
  objectName: string,
  defaults: AclDefaults,
): string {
  if (access === "none") return "NULL::text";
  const type = `'${objectType}'`;
  if (access === "full") {
    const all = `SELECT * FROM pg_catalog.aclexplode(${acl})`;
    return `(SELECT pg_catalog.string_agg(l.line, E'\\n' ORDER BY l.line) FROM (${
      lines(all, "GRANT %s ON %s %s TO %s%s;", type, objectName)
    }) l)`;
  }
  const [kind, owner, oid, catalog] = defaults;
  const given = `SELECT grantee, privilege_type, is_grantable FROM pg_catalog.aclexplode(${acl})`;
  const initial = `(SELECT ip.initprivs FROM pg_catalog.pg_init_privs ip WHERE ip.objoid = ${oid}
    AND ip.classoid = 'pg_catalog.${catalog}'::pg_catalog.regclass AND ip.objsubid = 0)`;
  const standard = "SELECT grantee, privilege_type, is_grantable FROM pg_catalog.aclexplode(" +
    `COALESCE(${initial}, pg_catalog.acldefault('${kind}', ${owner})))`;
  return `CASE WHEN ${acl} IS NOT NULL THEN (SELECT pg_catalog.string_agg(l.line, E'\\n'
      ORDER BY l.line) FROM (
    ${lines(`${given} EXCEPT ${standard}`, "GRANT %s ON %s %s TO %s%s;", type, objectName)}
    UNION ALL
    ${lines(`${standard} EXCEPT ${given}`, "REVOKE %s ON %s %s FROM %s%s;", type, objectName)}
  ) l) END`;
}

/**
 * Column privileges (`GRANT SELECT (email) ON TABLE ...`) of attribute `a` of table `tableName`;
 * `NULL` unless `access` reads them. A column has no privileges by default.
 */
export function columnGrants(access: Access, tableName: string): string {
  if (access === "none") return "NULL::text";
  return `CASE WHEN a.attacl IS NOT NULL THEN (SELECT pg_catalog.string_agg(l.line, E'\\n'
      ORDER BY l.line) FROM (SELECT pg_catalog.format('GRANT %s ON TABLE %s TO %s%s;',
        g.privileges, ${tableName}, g.grantee,
        CASE WHEN g.grantable THEN ' WITH GRANT OPTION' ELSE '' END) AS line
      FROM (SELECT ${grantee("x.grantee")} AS grantee, x.is_grantable AS grantable,
        pg_catalog.string_agg(pg_catalog.format('%s (%I)', x.privilege_type, a.attname), ', '
          ORDER BY x.privilege_type) AS privileges
        FROM pg_catalog.aclexplode(a.attacl) x GROUP BY 1, 2) g) l) END`;
}

/** The quoted name of the role in `column`; `NULL` unless owners are read (`full`). */
export function owner(access: Access, column: string): string {
  return access === "full"
    ? `pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(${column}))`
    : "NULL::text";
}
