/**
 * What a schema snapshot is made of. Every value here is plain data: a copy (`structuredClone`,
 * a JSON round trip of a snapshot) works wherever the original does.
 *
 * @module
 */

/** What a {@linkcode SnapshotObject} is. */
export type SnapshotObjectKind =
  | "schema"
  | "extension"
  | "table"
  | "column"
  | "constraint"
  | "index"
  | "trigger"
  | "policy"
  | "view"
  | "materialized view"
  | "sequence"
  | "function"
  | "procedure"
  | "enum"
  | "domain"
  | "composite type"
  | "range type"
  | "aggregate"
  | "rule"
  | "cast"
  | "collation"
  | "operator"
  | "statistics"
  | "publication"
  | "event trigger"
  | "text search configuration"
  | "text search dictionary"
  | "foreign data wrapper"
  | "server"
  | "default privileges";

/** One object of a schema. */
export interface SnapshotObject {
  /** What it is. */
  kind: SnapshotObjectKind;
  /**
   * Qualified name, identifiers quoted where needed: `public.users`, `public.users.email` for a
   * column, `public.f(integer)` for a function.
   */
  name: string;
  /** Name of the table (or materialized view) it belongs to, for columns, indexes, etc. */
  parent?: string;
  /** SQL-like definition, one or more lines. A table's holds its columns and constraints. */
  definition: string;
  /** What the diff compares, e.g. `type`, `default`, `not null`, `comment`. Unset ones absent. */
  attributes: Record<string, string>;
}

/** A snapshot of a database schema. */
export interface SchemaSnapshot {
  /** Every object, in the order they appear in `text`. */
  objects: SnapshotObject[];
  /** All definitions as readable SQL-like text, schema by schema, stable across runs. */
  text: string;
}

/**
 * A snapshot object as read from the catalogs, with where it sorts and where it comes from.
 * Internal: the public snapshot holds only `object`.
 */
export interface PlacedObject {
  object: SnapshotObject;
  /** Schema, family, owning table, rank under it, order there. */
  sortKey: readonly (string | number)[];
  /** `classid:oid` of the root it is re-read with in a scoped snapshot (its table, itself...). */
  root: string;
  /** `classid:oid` of the object itself (index, constraint, column default...), when not the root. */
  self?: string;
  /**
   * The schema it sorts under (its table's, for what hangs off a table) as the catalog spells it,
   * unquoted: what `excludeSchemas` matches. Absent for an extension, which is in no schema's list.
   */
  schema?: string;
  /**
   * The table, view or sequence it is or hangs off (an owned sequence: its owner), unquoted:
   * what `exclude` matches, with `schema`.
   */
  table?: string;
}
