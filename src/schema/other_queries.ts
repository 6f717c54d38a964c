/**
 * The objects a migration creates less often, read in one query: casts, collations, operators,
 * extended statistics, publications, event triggers, text search configurations and
 * dictionaries, foreign data wrappers and servers, and default privileges. They share one root
 * (`0:0`): a change to any of them re-reads them all, which costs little since they are few.
 *
 * @module
 */

import { type DescribedRow, key, notInExtension, userSchema } from "./queries.ts";

/** Object ids below this are the server's own (`FirstNormalObjectId`). */
const FIRST_USER_OID = 16384;

/** The one root of every object of this family. */
export const OTHER_ROOT = "0:0";

/** The event triggers of verification's change tracker, which are not the user's. */
const TRACKER_EVENT_TRIGGERS = "tide\\_verify\\_%";

/** One of the other objects. */
export interface OtherRow extends DescribedRow {
  /** Its kind, e.g. `cast`. */
  kind: string;
  /** The schema it is in, quoted where needed; null for objects outside schemas. */
  schema: string | null;
  /** Qualified name, e.g. `public.ci` or `(text AS public.tag)`. */
  name: string;
  /** SQL-like definition. */
  definition: string;
  /** What a definition leaves out and the diff still compares (a configuration's mappings). */
  detail: string | null;
}

/** The columns every part returns, from `kind`, `schema` alias, name and definition SQL. */
function part(
  kind: string,
  catalog: string,
  alias: string,
  schema: string | null,
  columns: { name: string; definition: string; detail?: string },
): string {
  const nspname = schema === null ? "NULL::text" : `${schema}.nspname`;
  const quoted = schema === null ? "NULL::text" : `pg_catalog.quote_ident(${schema}.nspname)`;
  return `SELECT '${kind}'::text AS kind, ${quoted} AS schema, ${nspname} AS nspname,
    ${columns.name} AS name, ${columns.definition} AS definition,
    ${columns.detail ?? "NULL::text"} AS detail, '${OTHER_ROOT}'::text AS root,
    ${key(catalogOid(catalog), `${alias}.oid`)} AS self,
    pg_catalog.obj_description(${alias}.oid, '${catalog}') AS comment`;
}

/** Catalog oids, fixed in every PostgreSQL version. */
function catalogOid(catalog: string): number {
  return CATALOGS[catalog];
}

/** The catalogs of this family, by name, with their oids. */
export const CATALOGS: Readonly<Record<string, number>> = {
  pg_cast: 2605,
  pg_collation: 3456,
  pg_operator: 2617,
  pg_statistic_ext: 3381,
  pg_publication: 6104,
  pg_event_trigger: 3466,
  pg_ts_config: 3602,
  pg_ts_dict: 3600,
  pg_foreign_data_wrapper: 2328,
  pg_foreign_server: 1417,
  pg_default_acl: 826,
};

/** Catalogs whose rows belong to one of this family's objects: a publication's tables. */
export const MEMBER_CATALOGS: readonly number[] = [6106, 6237, 3603];

const CASTS = `${
  part("cast", "pg_cast", "c", null, {
    name: `pg_catalog.format('(%s AS %s)', pg_catalog.format_type(c.castsource, NULL),
      pg_catalog.format_type(c.casttarget, NULL))`,
    definition: `pg_catalog.format('CREATE CAST (%s AS %s) %s%s;',
      pg_catalog.format_type(c.castsource, NULL), pg_catalog.format_type(c.casttarget, NULL),
      CASE c.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || c.castfunc::pg_catalog.regprocedure::text
        WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END,
      CASE c.castcontext WHEN 'a' THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END)`,
  })
}
  FROM pg_catalog.pg_cast c
  WHERE c.oid >= ${FIRST_USER_OID} AND ${notInExtension("pg_cast", "c.oid")}`;

// The ICU locale column is colliculocale before PostgreSQL 17, colllocale after: read both.
const COLLATIONS = `${
  part("collation", "pg_collation", "co", "n", {
    name: "pg_catalog.format('%I.%I', n.nspname, co.collname)",
    definition: `pg_catalog.format('CREATE COLLATION %I.%I (provider = %s, locale = %L%s%s);',
      n.nspname, co.collname,
      CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'c' THEN 'libc' WHEN 'b' THEN 'builtin'
        ELSE 'default' END,
      COALESCE(j.v ->> 'colllocale', j.v ->> 'colliculocale', co.collcollate),
      CASE WHEN co.collprovider = 'c' AND co.collctype IS DISTINCT FROM co.collcollate
        THEN pg_catalog.format(', lc_ctype = %L', co.collctype) ELSE '' END,
      CASE WHEN co.collisdeterministic THEN '' ELSE ', deterministic = false' END)`,
    detail: "j.v ->> 'collicurules'",
  })
}
  FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace n ON n.oid = co.collnamespace
  CROSS JOIN LATERAL (SELECT pg_catalog.to_jsonb(co) AS v) j
  WHERE ${userSchema("n")} AND ${notInExtension("pg_collation", "co.oid")}`;

const OPERATORS = `${
  part("operator", "pg_operator", "o", "n", {
    name: `pg_catalog.format('%I.%s(%s, %s)', n.nspname, o.oprname,
      CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE pg_catalog.format_type(o.oprleft, NULL) END,
      pg_catalog.format_type(o.oprright, NULL))`,
    definition: `pg_catalog.format('CREATE OPERATOR %I.%s (FUNCTION = %s%s%s%s%s%s%s);',
      n.nspname, o.oprname, o.oprcode::pg_catalog.regprocedure,
      CASE WHEN o.oprcom <> 0 THEN ', COMMUTATOR = ' || o.oprcom::pg_catalog.regoperator END,
      CASE WHEN o.oprnegate <> 0 THEN ', NEGATOR = ' || o.oprnegate::pg_catalog.regoperator END,
      CASE WHEN o.oprrest <> 0 THEN ', RESTRICT = ' || o.oprrest::pg_catalog.regproc END,
      CASE WHEN o.oprjoin <> 0 THEN ', JOIN = ' || o.oprjoin::pg_catalog.regproc END,
      CASE WHEN o.oprcanhash THEN ', HASHES' END, CASE WHEN o.oprcanmerge THEN ', MERGES' END)`,
  })
}
  FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
  WHERE ${userSchema("n")} AND ${notInExtension("pg_operator", "o.oid")}`;

const STATISTICS = `${
  part("statistics", "pg_statistic_ext", "s", "n", {
    name: "pg_catalog.format('%I.%I', n.nspname, s.stxname)",
    definition: "pg_catalog.pg_get_statisticsobjdef(s.oid) || ';'",
  })
}
  FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
  WHERE ${userSchema("n")} AND ${notInExtension("pg_statistic_ext", "s.oid")}`;

// Row filters, column lists and FOR TABLES IN SCHEMA (PostgreSQL 15) are not read: the query
// must run on PostgreSQL 13.
const PUBLICATIONS = `${
  part("publication", "pg_publication", "p", null, {
    name: "pg_catalog.quote_ident(p.pubname)",
    definition: `pg_catalog.format('CREATE PUBLICATION %I%s WITH (publish = %L%s);', p.pubname,
      CASE WHEN p.puballtables THEN ' FOR ALL TABLES' ELSE COALESCE(' FOR TABLE ' ||
        (SELECT pg_catalog.string_agg(pg_catalog.format('%I.%I', rn.nspname, rc.relname), ', '
            ORDER BY rn.nspname, rc.relname)
          FROM pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_class rc ON rc.oid = r.prrelid
          JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace WHERE r.prpubid = p.oid),
        '') END,
      pg_catalog.concat_ws(', ', CASE WHEN p.pubinsert THEN 'insert' END,
        CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END,
        CASE WHEN p.pubtruncate THEN 'truncate' END),
      CASE WHEN p.pubviaroot THEN ', publish_via_partition_root = true' ELSE '' END)`,
  })
}
  FROM pg_catalog.pg_publication p
  WHERE p.oid >= ${FIRST_USER_OID} AND ${notInExtension("pg_publication", "p.oid")}`;

const EVENT_TRIGGERS = `${
  part("event trigger", "pg_event_trigger", "e", null, {
    name: "pg_catalog.quote_ident(e.evtname)",
    definition: `pg_catalog.format('CREATE EVENT TRIGGER %I ON %s%s EXECUTE FUNCTION %s();%s',
      e.evtname, e.evtevent,
      CASE WHEN e.evttags IS NOT NULL THEN ' WHEN TAG IN (' || (SELECT pg_catalog.string_agg(
        pg_catalog.quote_literal(t), ', ' ORDER BY t) FROM pg_catalog.unnest(e.evttags) t) || ')'
        ELSE '' END,
      e.evtfoid::pg_catalog.regproc,
      CASE e.evtenabled WHEN 'D' THEN pg_catalog.format(E'\\nALTER EVENT TRIGGER %I DISABLE;', e.evtname)
        WHEN 'R' THEN pg_catalog.format(E'\\nALTER EVENT TRIGGER %I ENABLE REPLICA;', e.evtname)
        WHEN 'A' THEN pg_catalog.format(E'\\nALTER EVENT TRIGGER %I ENABLE ALWAYS;', e.evtname)
        ELSE '' END)`,
  })
}
  FROM pg_catalog.pg_event_trigger e
  WHERE e.evtname NOT LIKE '${TRACKER_EVENT_TRIGGERS}' AND ${
  notInExtension("pg_event_trigger", "e.oid")
}`;

const TEXT_SEARCH_CONFIGURATIONS = `${
  part("text search configuration", "pg_ts_config", "c", "n", {
    name: "pg_catalog.format('%I.%I', n.nspname, c.cfgname)",
    definition: `pg_catalog.format('CREATE TEXT SEARCH CONFIGURATION %I.%I (PARSER = %I.%I);',
      n.nspname, c.cfgname, pn.nspname, prs.prsname)`,
    detail: `(SELECT pg_catalog.string_agg(pg_catalog.format('%s: %s', tt.alias,
        m.mapdict::pg_catalog.regdictionary), ', ' ORDER BY tt.alias, m.mapseqno)
      FROM pg_catalog.pg_ts_config_map m
      JOIN pg_catalog.ts_token_type(c.cfgparser) tt ON tt.tokid = m.maptokentype
      WHERE m.mapcfg = c.oid)`,
  })
}
  FROM pg_catalog.pg_ts_config c JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
  JOIN pg_catalog.pg_ts_parser prs ON prs.oid = c.cfgparser
  JOIN pg_catalog.pg_namespace pn ON pn.oid = prs.prsnamespace
  WHERE ${userSchema("n")} AND ${notInExtension("pg_ts_config", "c.oid")}`;

const TEXT_SEARCH_DICTIONARIES = `${
  part("text search dictionary", "pg_ts_dict", "td", "n", {
    name: "pg_catalog.format('%I.%I', n.nspname, td.dictname)",
    definition: `pg_catalog.format('CREATE TEXT SEARCH DICTIONARY %I.%I (TEMPLATE = %I.%I%s);',
      n.nspname, td.dictname, tn.nspname, tpl.tmplname,
      CASE WHEN td.dictinitoption IS NOT NULL THEN ', ' || td.dictinitoption ELSE '' END)`,
  })
}
  FROM pg_catalog.pg_ts_dict td JOIN pg_catalog.pg_namespace n ON n.oid = td.dictnamespace
  JOIN pg_catalog.pg_ts_template tpl ON tpl.oid = td.dicttemplate
  JOIN pg_catalog.pg_namespace tn ON tn.oid = tpl.tmplnamespace
  WHERE ${userSchema("n")} AND ${notInExtension("pg_ts_dict", "td.oid")}`;

function options(column: string): string {
  return `CASE WHEN ${column} IS NOT NULL THEN ' OPTIONS (' || (SELECT pg_catalog.string_agg(
    pg_catalog.format('%I %L', pg_catalog.split_part(o, '=', 1),
      pg_catalog.substr(o, pg_catalog.strpos(o, '=') + 1)), ', ' ORDER BY o)
    FROM pg_catalog.unnest(${column}) o) || ')' ELSE '' END`;
}

const FOREIGN_DATA_WRAPPERS = `${
  part("foreign data wrapper", "pg_foreign_data_wrapper", "w", null, {
    name: "pg_catalog.quote_ident(w.fdwname)",
    definition: `pg_catalog.format('CREATE FOREIGN DATA WRAPPER %I%s%s%s;', w.fdwname,
      CASE WHEN w.fdwhandler <> 0 THEN ' HANDLER ' || w.fdwhandler::pg_catalog.regproc ELSE '' END,
      CASE WHEN w.fdwvalidator <> 0 THEN ' VALIDATOR ' || w.fdwvalidator::pg_catalog.regproc
        ELSE '' END, ${options("w.fdwoptions")})`,
  })
}
  FROM pg_catalog.pg_foreign_data_wrapper w
  WHERE w.oid >= ${FIRST_USER_OID} AND ${notInExtension("pg_foreign_data_wrapper", "w.oid")}`;

const SERVERS = `${
  part("server", "pg_foreign_server", "s", null, {
    name: "pg_catalog.quote_ident(s.srvname)",
    definition: `pg_catalog.format('CREATE SERVER %I%s%s FOREIGN DATA WRAPPER %I%s;', s.srvname,
      CASE WHEN s.srvtype IS NOT NULL THEN pg_catalog.format(' TYPE %L', s.srvtype) ELSE '' END,
      CASE WHEN s.srvversion IS NOT NULL THEN pg_catalog.format(' VERSION %L', s.srvversion)
        ELSE '' END, w.fdwname, ${options("s.srvoptions")})`,
  })
}
  FROM pg_catalog.pg_foreign_server s
  JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
  WHERE s.oid >= ${FIRST_USER_OID} AND ${notInExtension("pg_foreign_server", "s.oid")}`;

const DEFAULT_ACL_OBJECTS = "CASE da.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN " +
  "'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' END";

const DEFAULT_PRIVILEGES = `${
  part("default privileges", "pg_default_acl", "da", null, {
    name: `pg_catalog.format('FOR ROLE %I%s ON %s',
      pg_catalog.pg_get_userbyid(da.defaclrole),
      CASE WHEN da.defaclnamespace <> 0 THEN ' IN SCHEMA ' || pg_catalog.quote_ident(n.nspname)
        ELSE '' END, ${DEFAULT_ACL_OBJECTS})`,
    definition: `COALESCE((SELECT pg_catalog.string_agg(pg_catalog.format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I%s GRANT %s ON %s TO %s%s;',
        pg_catalog.pg_get_userbyid(da.defaclrole),
        CASE WHEN da.defaclnamespace <> 0 THEN ' IN SCHEMA ' || pg_catalog.quote_ident(n.nspname)
          ELSE '' END, g.privileges, ${DEFAULT_ACL_OBJECTS}, g.grantee,
        CASE WHEN g.grantable THEN ' WITH GRANT OPTION' ELSE '' END), E'\\n'
        ORDER BY g.grantee, g.grantable)
      FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'
          ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END AS grantee,
        a.is_grantable AS grantable,
        pg_catalog.string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) AS privileges
        FROM pg_catalog.aclexplode(da.defaclacl) a GROUP BY 1, 2) g), '-- none')`,
  })
}
  FROM pg_catalog.pg_default_acl da
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = da.defaclnamespace`;

/**
 * Lists the other objects; `roots`, when given, only says whether to read them at all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { othersQuery } from "./other_queries.ts";
 *
 * await using db = await createPgliteDriver();
 * await db.exec("create collation bytes (provider = libc, locale = 'C')");
 * const [row] = await db.query<{ kind: string; name: string }>(othersQuery());
 * assert.deepEqual([row.kind, row.name], ["collation", "public.bytes"]);
 * ```
 */
export function othersQuery(roots?: string): string {
  const parts = [
    CASTS,
    COLLATIONS,
    OPERATORS,
    STATISTICS,
    PUBLICATIONS,
    EVENT_TRIGGERS,
    TEXT_SEARCH_CONFIGURATIONS,
    TEXT_SEARCH_DICTIONARIES,
    FOREIGN_DATA_WRAPPERS,
    SERVERS,
    DEFAULT_PRIVILEGES,
  ];
  const wanted = roots === undefined ? "" : `WHERE pg_catalog.cardinality(${roots}) > 0`;
  return `SELECT * FROM (${parts.join("\nUNION ALL\n")}) o ${wanted} ORDER BY 1, 4`;
}
