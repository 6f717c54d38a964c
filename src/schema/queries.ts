/**
 * Catalog queries behind a schema snapshot: one query per object family, valid on PostgreSQL 13
 * to 18 and on PGlite. Every query runs with an empty `search_path`, so names, types and
 * expressions come back schema-qualified whatever the caller's session had set. Here the parts
 * every query shares and the families outside tables; tables and what hangs off them are in
 * `table_queries.ts`.
 *
 * @module
 */

import { type Access, aclPair, grants, owner } from "./privileges.ts";

/** Schemas that are never part of a user's schema. */
export function userSchema(alias: string): string {
  return `${alias}.nspname NOT IN ('pg_catalog', 'information_schema') ` +
    `AND ${alias}.nspname NOT LIKE 'pg\\_toast%' AND ${alias}.nspname NOT LIKE 'pg\\_temp%'`;
}

/** Objects an extension created belong to the extension, which is listed on its own. */
export function notInExtension(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = ` +
    `'pg_catalog.${catalog}'::pg_catalog.regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
}

/**
 * Restricts a family to `roots`, an SQL expression of type `oid[]`, for scoped snapshots. A
 * literal beats a parameter: PGlite plans a parameterized catalog query several times slower.
 */
export function scope(roots: string | undefined, rootOid: string): string {
  return roots === undefined ? "" : ` AND ${rootOid} = ANY (${roots})`;
}

/**
 * The catalogs of the roots a scoped snapshot re-reads, by the `oid[]` parameter each family is
 * restricted with: `1259` for a table, view or sequence (with its columns, constraints, indexes,
 * triggers, policies and rules), `1255` a function, `1247` a type, `2615` a schema, `3079` an
 * extension; `0` (one root, `0:0`) the objects of `other_queries.ts`. Catalog oids are fixed in
 * every PostgreSQL version.
 */
export const ROOT_CLASS = {
  relations: 1259,
  functions: 1255,
  types: 1247,
  schemas: 2615,
  extensions: 3079,
  others: 0,
} as const;

/** Which roots restrict a family. */
export type RootKind = keyof typeof ROOT_CLASS;

/** `classid:oid`, the key a scoped snapshot merges by. */
export function key(classid: number, oid: string): string {
  return `('${classid}:' || ${oid}::pg_catalog.text)`;
}

/** Columns every family returns for comments, owners and grants. */
export interface DescribedRow extends Record<string, unknown> {
  /** `COMMENT ON` text, or null. */
  comment: string | null;
  /** Owner role, only when grants are included. */
  owner?: string | null;
  /** GRANT statements separated by newlines, only when grants are included. */
  grants?: string | null;
  /** The ACL and its defaults (see `aclPair`), only when privileges are read. */
  acl?: unknown;
  /** `classid:oid` of the object everything of this row is re-read with (a table, a type...). */
  root: string;
  /** `classid:oid` of the row's own object, when it is not the root itself. */
  self?: string | null;
  /** Schema it sorts under (its table's, for what hangs off one), unquoted; none for extensions. */
  nspname?: string;
  /** Table, view or sequence it is or hangs off (an owned sequence: its owner), unquoted. */
  relname?: string | null;
}

/** A schema. */
export interface SchemaRow extends DescribedRow {
  name: string;
}

/** Lists schemas. */
export function schemasQuery(access: Access, roots?: string): string {
  return `SELECT pg_catalog.quote_ident(n.nspname) AS name, ${
    key(ROOT_CLASS.schemas, "n.oid")
  } AS root,
    n.nspname,
    pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment,
    ${owner(access, "n.nspowner")} AS owner,
    ${grants(access, "n.nspacl", "SCHEMA", "pg_catalog.quote_ident(n.nspname)")} AS grants,
    ${aclPair(access, "n.nspacl", ["n", "n.nspowner", "n.oid", "pg_namespace"])} AS acl
  FROM pg_catalog.pg_namespace n
  WHERE ${userSchema("n")} AND ${notInExtension("pg_namespace", "n.oid")}${scope(roots, "n.oid")}
  ORDER BY n.nspname`;
}

/** An extension. */
export interface ExtensionRow extends DescribedRow {
  name: string;
  schema: string;
}

/** Lists extensions, except plpgsql which every database has. */
export function extensionsQuery(roots?: string): string {
  return `SELECT pg_catalog.quote_ident(e.extname) AS name, pg_catalog.quote_ident(n.nspname) AS schema,
    ${key(ROOT_CLASS.extensions, "e.oid")} AS root,
    pg_catalog.obj_description(e.oid, 'pg_extension') AS comment
  FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname <> 'plpgsql'${scope(roots, "e.oid")}
  ORDER BY e.extname`;
}

/** A function, procedure, window function or aggregate. */
export interface FunctionRow extends DescribedRow {
  schema: string;
  name: string;
  kind: string;
  definition: string;
}

/**
 * Lists functions, procedures and aggregates, except the constructors a range type makes for
 * itself. An aggregate, which `pg_get_functiondef` refuses, is written as `CREATE AGGREGATE`.
 */
export function functionsQuery(access: Access, roots?: string): string {
  const name = "pg_catalog.format('%I.%I(%s)', n.nspname, p.proname, " +
    "pg_catalog.pg_get_function_identity_arguments(p.oid))";
  return `SELECT pg_catalog.quote_ident(n.nspname) AS schema, ${name} AS name,
    ${key(ROOT_CLASS.functions, "p.oid")} AS root, n.nspname,
    p.prokind::text AS kind,
    CASE WHEN p.prokind = 'a' THEN ${aggregateDefinition(name)}
      ELSE pg_catalog.pg_get_functiondef(p.oid) END AS definition,
    pg_catalog.obj_description(p.oid, 'pg_proc') AS comment,
    ${owner(access, "p.proowner")} AS owner,
    ${grants(access, "p.proacl", "ROUTINE", name)} AS grants,
    ${aclPair(access, "p.proacl", ["f", "p.proowner", "p.oid", "pg_proc"])} AS acl
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  LEFT JOIN pg_catalog.pg_aggregate ag ON ag.aggfnoid = p.oid
  WHERE p.prokind IN ('f', 'p', 'w', 'a') AND ${userSchema("n")}
    AND ${notInExtension("pg_proc", "p.oid")}${scope(roots, "p.oid")}
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid
        AND d.deptype = 'i')
  ORDER BY n.nspname, 2`;
}

/**
 * `CREATE AGGREGATE` of the aggregate `p`, named by the SQL `name`, from its `pg_aggregate` row
 * `ag` (a join: a subquery would cost every read of functions).
 */
function aggregateDefinition(name: string): string {
  const fn = (column: string, label: string) =>
    `CASE WHEN ag.${column} <> 0 THEN ', ${label} = ' || ag.${column}::pg_catalog.regproc END`;
  return `pg_catalog.format('CREATE AGGREGATE %s (SFUNC = %s, STYPE = %s%s%s%s%s%s%s);',
      ${name}, ag.aggtransfn::pg_catalog.regproc, pg_catalog.format_type(ag.aggtranstype, NULL),
      ${fn("aggfinalfn", "FINALFUNC")}, ${fn("aggcombinefn", "COMBINEFUNC")},
      ${fn("aggmtransfn", "MSFUNC")},
      CASE WHEN ag.agginitval IS NOT NULL THEN ', INITCOND = ' ||
        pg_catalog.quote_literal(ag.agginitval) END,
      CASE WHEN ag.aggsortop <> 0 THEN ', SORTOP = ' || ag.aggsortop::pg_catalog.regoperator END,
      CASE ag.aggkind WHEN 'o' THEN ', ORDERED' WHEN 'h' THEN ', HYPOTHETICAL' END)`;
}

/** An enum, domain, composite or range type. */
export interface TypeRow extends DescribedRow {
  schema: string;
  name: string;
  kind: "e" | "d" | "c" | "r";
  enum_values: string | null;
  base_type: string | null;
  not_null: boolean;
  default: string | null;
  checks: string | null;
  composite_attributes: string | null;
  range_subtype: string | null;
}

/** Lists enums, domains, composite types and range types. */
export function typesQuery(access: Access, roots?: string): string {
  const name = "pg_catalog.format('%I.%I', n.nspname, t.typname)";
  return `SELECT pg_catalog.quote_ident(n.nspname) AS schema, ${name} AS name,
    ${key(ROOT_CLASS.types, "t.oid")} AS root, n.nspname, t.typtype::text AS kind,
    CASE WHEN t.typtype = 'e' THEN (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel),
      ', ' ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) END
      AS enum_values,
    CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END
      AS base_type,
    t.typnotnull AS not_null, pg_catalog.pg_get_expr(t.typdefaultbin, 0) AS default,
    (SELECT pg_catalog.string_agg(pg_catalog.format('CONSTRAINT %I %s', co.conname,
        pg_catalog.pg_get_constraintdef(co.oid)), E'\\n' ORDER BY co.conname)
      FROM pg_catalog.pg_constraint co WHERE co.contypid = t.oid AND co.contype = 'c') AS checks,
    CASE WHEN t.typtype = 'c' THEN (SELECT pg_catalog.string_agg(pg_catalog.format('%I %s',
        a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
      FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END
      AS composite_attributes,
    (SELECT pg_catalog.format_type(r.rngsubtype, NULL) FROM pg_catalog.pg_range r
      WHERE r.rngtypid = t.oid) AS range_subtype,
    pg_catalog.obj_description(t.oid, 'pg_type') AS comment,
    ${owner(access, "t.typowner")} AS owner,
    ${grants(access, "t.typacl", "TYPE", name)} AS grants,
    ${aclPair(access, "t.typacl", ["T", "t.typowner", "t.oid", "pg_type"])} AS acl
  FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
  LEFT JOIN pg_catalog.pg_class tc ON tc.oid = t.typrelid
  WHERE t.typtype IN ('e', 'd', 'c', 'r') AND (t.typtype <> 'c' OR tc.relkind = 'c')
    AND ${userSchema("n")} AND ${notInExtension("pg_type", "t.oid")}${scope(roots, "t.oid")}
  ORDER BY n.nspname, t.typname`;
}
