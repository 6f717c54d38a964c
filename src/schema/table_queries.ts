/**
 * Catalog queries of tables, views and sequences and of what hangs off a table: columns,
 * constraints, indexes, triggers, policies. Each row is keyed by its table, the root it is
 * re-read with in a scoped snapshot.
 *
 * @module
 */

import { type Access, aclPair, grants, owner } from "./privileges.ts";
import {
  type DescribedRow,
  key,
  notInExtension,
  ROOT_CLASS,
  scope,
  userSchema,
} from "./queries.ts";

/** The root and raw names of a table (or view, sequence) `c` in schema `n`, and of its parts. */
const TABLE_ROOT = `${key(ROOT_CLASS.relations, "c.oid")} AS root, n.nspname, c.relname`;

/** A table, foreign table, view or materialized view. */
export interface RelationRow extends DescribedRow {
  schema: string;
  name: string;
  kind: "r" | "p" | "f" | "v" | "m";
  persistence: string;
  rls: boolean;
  force_rls: boolean;
  partition_key: string | null;
  partition_bound: string | null;
  parents: string | null;
  options: string | null;
  view_definition: string | null;
  server: string | null;
  /** `REPLICA IDENTITY`: `full`, `nothing`, or the index's name; null for the default. */
  replica_identity: string | null;
  /** Its rules, as JSON (an array, or its text), null when it has none. */
  rules: unknown;
}

const QUALIFIED_REL = "pg_catalog.format('%I.%I', n.nspname, c.relname)";

/** Lists tables, foreign tables, views and materialized views. */
export function relationsQuery(access: Access, roots?: string): string {
  return `SELECT pg_catalog.quote_ident(n.nspname) AS schema, ${QUALIFIED_REL} AS name,
    ${TABLE_ROOT}, c.relkind::text AS kind, c.relpersistence::text AS persistence,
    c.relrowsecurity AS rls, c.relforcerowsecurity AS force_rls,
    CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
    CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END
      AS partition_bound,
    (SELECT pg_catalog.string_agg(pg_catalog.format('%I.%I', pn.nspname, p.relname), ', '
        ORDER BY i.inhseqno)
      FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
      JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
      WHERE i.inhrelid = c.oid) AS parents,
    pg_catalog.array_to_string(c.reloptions, ', ') AS options,
    CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END
      AS view_definition,
    (SELECT pg_catalog.quote_ident(s.srvname) FROM pg_catalog.pg_foreign_table ft
      JOIN pg_catalog.pg_foreign_server s ON s.oid = ft.ftserver WHERE ft.ftrelid = c.oid) AS server,
    CASE c.relreplident WHEN 'f' THEN 'full' WHEN 'n' THEN 'nothing'
      WHEN 'i' THEN 'using index ' || pg_catalog.quote_ident(ri.relname) END AS replica_identity,
    ${RULES} AS rules,
    pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
    ${owner(access, "c.relowner")} AS owner,
    ${grants(access, "c.relacl", "TABLE", QUALIFIED_REL)} AS grants,
    ${aclPair(access, "c.relacl", ["r", "c.relowner", "c.oid", "pg_class"])} AS acl
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_index ii ON ii.indrelid = c.oid AND ii.indisreplident
  LEFT JOIN pg_catalog.pg_class ri ON ri.oid = ii.indexrelid
  WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${userSchema("n")}
    AND ${notInExtension("pg_class", "c.oid")}${scope(roots, "c.oid")}
  ORDER BY n.nspname, c.relname`;
}

/** A column of a table. */
export interface ColumnRow extends DescribedRow {
  table_name: string;
  name: string;
  type: string;
  not_null: boolean;
  default: string | null;
  generated: string | null;
  generated_kind: string;
  identity: string;
  collation: string | null;
  /** The column's name as the catalog spells it, unquoted. */
  attname: string;
  /** Its NOT NULL constraint's name (PostgreSQL 18 and later), when it has one. */
  not_null_name: string | null;
  /** Whether that constraint is the table's own rather than only inherited. */
  not_null_local: boolean | null;
  /** Whether that constraint is validated. */
  not_null_valid: boolean | null;
  /** Whether that constraint is `NO INHERIT`. */
  not_null_no_inherit: boolean | null;
  /** `SET STATISTICS`, when not the default. */
  statistics: number | null;
  /** `SET STORAGE`, when not the type's: `p`, `e`, `m` or `x`. */
  storage: string | null;
}

/**
 * Lists the columns of tables and foreign tables, in table order, with their NOT NULL
 * constraint where the server keeps one in `pg_constraint` (PostgreSQL 18 and later).
 */
export function columnsQuery(access: Access, roots?: string): string {
  return `SELECT ${QUALIFIED_REL} AS table_name, pg_catalog.quote_ident(a.attname) AS name,
    ${TABLE_ROOT}, ${key(2604, "ad.oid")} AS self,
    pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
    CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END AS default,
    CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END
      AS generated,
    a.attgenerated::text AS generated_kind, a.attidentity::text AS identity,
    CASE WHEN a.attcollation <> t.typcollation THEN
      (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)
          ELSE pg_catalog.format('%I.%I', cn.nspname, co.collname) END
        FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
        WHERE co.oid = a.attcollation) END AS collation,
    a.attname, nn.conname AS not_null_name, nn.conislocal AS not_null_local,
    nn.convalidated AS not_null_valid, nn.connoinherit AS not_null_no_inherit,
    NULLIF(a.attstattarget, -1) AS statistics,
    CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END AS storage,
    pg_catalog.col_description(c.oid, a.attnum) AS comment,
    ${aclPair(access, "a.attacl", null)} AS acl
  FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  LEFT JOIN pg_catalog.pg_constraint nn ON nn.conrelid = a.attrelid AND nn.contype = 'n'
    AND nn.conkey[1] = a.attnum
  WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
    AND ${userSchema("n")} AND ${notInExtension("pg_class", "c.oid")}${scope(roots, "c.oid")}
  ORDER BY n.nspname, c.relname, a.attnum`;
}

/** A table constraint; NOT NULL constraints (PostgreSQL 18) are left to the columns. */
export interface ConstraintRow extends DescribedRow {
  table_name: string;
  name: string;
  definition: string;
}

/** Lists primary keys, unique, foreign key, check and exclusion constraints. */
export function constraintsQuery(roots?: string): string {
  return `SELECT ${QUALIFIED_REL} AS table_name, pg_catalog.quote_ident(co.conname) AS name,
    ${TABLE_ROOT}, ${key(2606, "co.oid")} AS self,
    pg_catalog.pg_get_constraintdef(co.oid) AS definition,
    pg_catalog.obj_description(co.oid, 'pg_constraint') AS comment
  FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE co.contype IN ('c', 'f', 'p', 'u', 'x') AND ${userSchema("n")}
    AND ${notInExtension("pg_class", "c.oid")}${scope(roots, "c.oid")}
  ORDER BY n.nspname, c.relname, co.conname`;
}

/** An index that does not back a constraint. */
export interface IndexRow extends DescribedRow {
  table_name: string;
  name: string;
  definition: string;
  valid: boolean;
  /** `CLUSTER ON` this index. */
  clustered: boolean;
}

/** Lists indexes of tables and materialized views, except those backing a constraint. */
export function indexesQuery(roots?: string): string {
  return `SELECT ${QUALIFIED_REL} AS table_name,
    ${TABLE_ROOT}, ${key(ROOT_CLASS.relations, "i.indexrelid")} AS self,
    pg_catalog.format('%I.%I', n.nspname, ic.relname) AS name,
    pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, i.indisvalid AS valid,
    i.indisclustered AS clustered,
    pg_catalog.obj_description(i.indexrelid, 'pg_class') AS comment
  FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'm', 'f') AND ${userSchema("n")}
    AND ${notInExtension("pg_class", "c.oid")}${scope(roots, "c.oid")}
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = i.indexrelid
      AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x'))
  ORDER BY n.nspname, ic.relname`;
}

/** A user trigger. */
export interface TriggerRow extends DescribedRow {
  table_name: string;
  name: string;
  definition: string;
  enabled: string;
}

/**
 * Lists user triggers. Clones of a partitioned table's trigger on its partitions are skipped:
 * PostgreSQL 13 and 14 mark them internal, later versions do not.
 */
export function triggersQuery(roots?: string): string {
  return `SELECT ${QUALIFIED_REL} AS table_name, pg_catalog.quote_ident(tg.tgname) AS name,
    ${TABLE_ROOT}, ${key(2620, "tg.oid")} AS self,
    pg_catalog.pg_get_triggerdef(tg.oid) AS definition, tg.tgenabled::text AS enabled,
    pg_catalog.obj_description(tg.oid, 'pg_trigger') AS comment
  FROM pg_catalog.pg_trigger tg JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE NOT tg.tgisinternal AND tg.tgparentid = 0 AND ${userSchema("n")}
    AND ${notInExtension("pg_class", "c.oid")}${scope(roots, "c.oid")}
  ORDER BY n.nspname, c.relname, tg.tgname`;
}

/** A rule, other than the one a view is made of, as its relation's row holds it. */
export interface RuleRow extends DescribedRow {
  table_name: string;
  name: string;
  definition: string;
  enabled: string;
}

/**
 * A relation's rules (`CREATE RULE`; a view's own `_RETURN` rule is its definition) as JSON:
 * read with the relation, which costs less than a query of their own, and only when it has any.
 */
const RULES =
  `CASE WHEN c.relhasrules THEN (SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'name', pg_catalog.quote_ident(r.rulename), 'self', ${key(2618, "r.oid")},
      'definition', pg_catalog.pg_get_ruledef(r.oid, true), 'enabled', r.ev_enabled,
      'comment', pg_catalog.obj_description(r.oid, 'pg_rewrite')) ORDER BY r.rulename)
    FROM pg_catalog.pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN') END`;

/** A row-level security policy. */
export interface PolicyRow extends DescribedRow {
  table_name: string;
  name: string;
  command: string;
  permissive: boolean;
  roles: string;
  using: string | null;
  with_check: string | null;
}

/** Lists row-level security policies. */
export function policiesQuery(roots?: string): string {
  return `SELECT ${QUALIFIED_REL} AS table_name, pg_catalog.quote_ident(p.polname) AS name,
    ${TABLE_ROOT}, ${key(3256, "p.oid")} AS self,
    p.polcmd::text AS command, p.polpermissive AS permissive,
    CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE
      (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ', ' ORDER BY r.rolname)
        FROM pg_catalog.pg_roles r WHERE r.oid = ANY (p.polroles)) END AS roles,
    pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using,
    pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS with_check,
    pg_catalog.obj_description(p.oid, 'pg_policy') AS comment
  FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE ${userSchema("n")} AND ${notInExtension("pg_class", "c.oid")}${scope(roots, "c.oid")}
  ORDER BY n.nspname, c.relname, p.polname`;
}

/** A sequence not owned by an identity column. */
export interface SequenceRow extends DescribedRow {
  schema: string;
  name: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  persistence: string;
  owned_by_table: string | null;
  owned_by: string | null;
  /** Schema of `owned_by_table`, quoted where needed. */
  owned_by_schema: string | null;
  /** `relkind` of `owned_by_table`. */
  owned_by_kind: string | null;
}

/** Lists sequences; those of identity columns are part of their column and skipped. */
export function sequencesQuery(access: Access, roots?: string): string {
  return `SELECT pg_catalog.quote_ident(n.nspname) AS schema, ${QUALIFIED_REL} AS name,
    ${key(ROOT_CLASS.relations, "c.oid")} AS root,
    COALESCE(o.owner_nspname, n.nspname) AS nspname,
    COALESCE(o.owner_relname, c.relname) AS relname,
    pg_catalog.format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
    s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
    s.seqcache::text AS cache, s.seqcycle AS cycle, c.relpersistence::text AS persistence,
    o.owned_by_table, o.owned_by, o.owned_by_schema, o.owned_by_kind,
    pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
    ${owner(access, "c.relowner")} AS owner,
    ${grants(access, "c.relacl", "SEQUENCE", QUALIFIED_REL)} AS grants,
    ${aclPair(access, "c.relacl", ["s", "c.relowner", "c.oid", "pg_class"])} AS acl
  FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN LATERAL (
    SELECT pg_catalog.format('%I.%I', tn.nspname, tc.relname) AS owned_by_table,
      pg_catalog.format('%I.%I.%I', tn.nspname, tc.relname, ta.attname) AS owned_by,
      pg_catalog.quote_ident(tn.nspname) AS owned_by_schema, tc.relkind::text AS owned_by_kind,
      tn.nspname AS owner_nspname, tc.relname AS owner_relname
    FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
    JOIN pg_catalog.pg_attribute ta ON ta.attrelid = tc.oid AND ta.attnum = d.refobjsubid
    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a'
    LIMIT 1) o ON true
  WHERE ${userSchema("n")} AND ${notInExtension("pg_class", "c.oid")}${scope(roots, "c.oid")}
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
      WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
        AND d.deptype = 'i')
  ORDER BY n.nspname, c.relname`;
}
