/**
 * Schema snapshots: every user-visible object of a database, read from the catalogs with one
 * query per object family, as structured objects (for {@linkcode diffSnapshots}) and as stable
 * SQL-like text (for `schema.sql` and text diffs).
 *
 * @module
 */

import type { Queryable, Row } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import {
  columnObjects,
  extensionObjects,
  functionObjects,
  ownersOf,
  type PlacedObject,
  relationObjects,
  schemaObjects,
  sequenceObjects,
  tableChildObjects,
  typeObjects,
} from "./catalog_objects.ts";
import { UNQUALIFIED_VIEWDEF_SINCE, unqualifySingleTableView } from "./catalog_normalize.ts";
import * as q from "./queries.ts";

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
  | "range type";

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

/** Options of {@linkcode takeSnapshot}. */
export interface SnapshotOptions {
  /** Tables left out with everything under them, e.g. tide's own tracking tables. */
  exclude?: readonly { schema: string; table: string }[];
  /** Include owners and GRANTs. Default false. */
  includeGrants?: boolean;
}

/**
 * Reads the schema of the database behind `db`: schemas, extensions, tables, columns,
 * constraints, indexes, views, sequences, functions, triggers, types, policies and comments.
 * Objects of extensions (and the extensions' own schemas' members) are left out; the extension
 * itself is listed. Runs about a dozen catalog queries one after another, with `search_path`
 * emptied for their duration (restored after) so every name comes back schema-qualified.
 *
 * @example Snapshot a PGlite database
 * ```ts ignore
 * import { PGlite } from "@electric-sql/pglite";
 * import { takeSnapshot } from "./snapshot.ts";
 *
 * const pg = await PGlite.create();
 * const db = {
 *   exec: (sql: string) => pg.exec(sql).then(() => {}),
 *   query: <T,>(sql: string, params?: readonly unknown[]) =>
 *     pg.query<T>(sql, params as unknown[]).then((r) => r.rows),
 * };
 * await db.exec("create table users (id int primary key, email text not null)");
 * console.log((await takeSnapshot(db)).text);
 * await pg.close();
 * ```
 */
export async function takeSnapshot(
  db: Queryable,
  options: SnapshotOptions = {},
): Promise<SchemaSnapshot> {
  const [session] = await run<{ path: string; version: number }>(
    db,
    "the server version",
    "SELECT pg_catalog.current_setting('search_path') AS path, " +
      "pg_catalog.current_setting('server_version_num')::int AS version",
  );
  await run(db, "clearing search_path", "SELECT pg_catalog.set_config('search_path', '', false)");
  let placed: PlacedObject[];
  try {
    placed = await readObjects(db, options.includeGrants ?? false, session.version);
  } finally {
    await run(
      db,
      "restoring search_path",
      "SELECT pg_catalog.set_config('search_path', $1, false)",
      [
        session.path,
      ],
    );
  }
  placed = excludeTables(placed, options.exclude ?? []);
  placed.sort((a, b) => compareKeys(a.sortKey, b.sortKey));
  const objects = placed.map((p) => p.object);
  completeTables(objects);
  return { objects, text: renderText(objects) };
}

async function readObjects(
  db: Queryable,
  grants: boolean,
  version: number,
): Promise<PlacedObject[]> {
  const schemas = await run<q.SchemaRow>(db, "schemas", q.schemasQuery(grants));
  const extensions = await run<q.ExtensionRow>(db, "extensions", q.extensionsQuery());
  const relations = await run<q.RelationRow>(db, "tables and views", q.relationsQuery(grants));
  if (version < UNQUALIFIED_VIEWDEF_SINCE) {
    for (const row of relations) {
      if (row.view_definition) row.view_definition = unqualifySingleTableView(row.view_definition);
    }
  }
  const columns = await run<q.ColumnRow>(db, "columns", q.columnsQuery());
  const constraints = await run<q.ConstraintRow>(db, "constraints", q.constraintsQuery());
  const indexes = await run<q.IndexRow>(db, "indexes", q.indexesQuery());
  const triggers = await run<q.TriggerRow>(db, "triggers", q.triggersQuery());
  const policies = await run<q.PolicyRow>(db, "policies", q.policiesQuery());
  const sequences = await run<q.SequenceRow>(db, "sequences", q.sequencesQuery(grants));
  const functions = await run<q.FunctionRow>(db, "functions", q.functionsQuery(grants));
  const types = await run<q.TypeRow>(db, "types", q.typesQuery(grants));
  const tables = relationObjects(relations, columns);
  const owners = ownersOf(tables);
  return [
    ...schemaObjects(schemas),
    ...extensionObjects(extensions),
    ...tables,
    ...columnObjects(columns, owners),
    ...tableChildObjects({ constraints, indexes, triggers, policies }, owners),
    ...sequenceObjects(sequences, owners),
    ...functionObjects(functions),
    ...typeObjects(types),
  ];
}

async function run<T extends Row>(
  db: Queryable,
  what: string,
  sql: string,
  params?: readonly unknown[],
): Promise<T[]> {
  try {
    return await db.query<T>(sql, params);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      "SQL_ERROR",
      `Taking a schema snapshot failed while reading ${what}: ${reason}. The database must be ` +
        "PostgreSQL 13 or later (or PGlite) and the role must be able to read pg_catalog.",
      { cause: error },
    );
  }
}

function excludeTables(
  placed: PlacedObject[],
  exclude: readonly { schema: string; table: string }[],
): PlacedObject[] {
  if (exclude.length === 0) return placed;
  const ident = (s: string) => /^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replaceAll('"', '""')}"`;
  const names = new Set(exclude.map((e) => `${ident(e.schema)}.${ident(e.table)}`));
  return placed.filter(({ object }) =>
    !names.has(object.name) && (object.parent === undefined || !names.has(object.parent))
  );
}

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** Fills in each table's definition: its columns and constraints inside CREATE TABLE. */
function completeTables(objects: SnapshotObject[]): void {
  const lines = new Map<string, string[]>();
  for (const object of objects) {
    if (object.kind !== "column" && object.kind !== "constraint") continue;
    const list = lines.get(object.parent!) ?? [];
    list.push(`    ${object.definition}`);
    lines.set(object.parent!, list);
  }
  for (const table of objects) {
    if (table.kind !== "table") continue;
    const a = table.attributes;
    const foreign = a["foreign server"] ? "FOREIGN " : "";
    const unlogged = a.unlogged ? "UNLOGGED " : "";
    let head = `CREATE ${unlogged}${foreign}TABLE ${table.name}`;
    if (a["partition of"]) head += ` PARTITION OF ${a["partition of"]}`;
    const body = lines.get(table.name) ?? [];
    let tail = "";
    if (a.inherits) tail += ` INHERITS (${a.inherits})`;
    if (a["partition bound"]) tail += ` ${a["partition bound"]}`;
    if (a["partition by"]) tail += ` PARTITION BY ${a["partition by"]}`;
    if (a["foreign server"]) tail += ` SERVER ${a["foreign server"]}`;
    if (a.options) tail += ` WITH (${a.options})`;
    const statements = [`${head} (\n${body.join(",\n")}\n)${tail};`];
    if (a["row level security"]) {
      statements.push(`ALTER TABLE ${table.name} ENABLE ROW LEVEL SECURITY;`);
    }
    if (a["forced row level security"]) {
      statements.push(`ALTER TABLE ${table.name} FORCE ROW LEVEL SECURITY;`);
    }
    table.definition = statements.join("\n");
  }
}

const COMMENT_TARGETS: Record<SnapshotObjectKind, string> = {
  schema: "SCHEMA",
  extension: "EXTENSION",
  table: "TABLE",
  column: "COLUMN",
  constraint: "CONSTRAINT",
  index: "INDEX",
  trigger: "TRIGGER",
  policy: "POLICY",
  view: "VIEW",
  "materialized view": "MATERIALIZED VIEW",
  sequence: "SEQUENCE",
  function: "FUNCTION",
  procedure: "PROCEDURE",
  enum: "TYPE",
  domain: "DOMAIN",
  "composite type": "TYPE",
  "range type": "TYPE",
};

function commentLine(object: SnapshotObject, comment: string): string {
  const target = COMMENT_TARGETS[object.kind];
  const literal = `'${comment.replaceAll("'", "''")}'`;
  if (object.kind === "constraint" || object.kind === "trigger" || object.kind === "policy") {
    const local = object.name.slice(object.parent!.length + 1);
    return `COMMENT ON ${target} ${local} ON ${object.parent} IS ${literal};`;
  }
  return `COMMENT ON ${target} ${object.name} IS ${literal};`;
}

function ownerLine(object: SnapshotObject, owner: string): string {
  const target = object.kind === "function" || object.kind === "procedure"
    ? "ROUTINE"
    : object.kind === "enum" || object.kind.endsWith(" type")
    ? "TYPE"
    : COMMENT_TARGETS[object.kind];
  return `ALTER ${target} ${object.name} OWNER TO ${owner};`;
}

/** Renders objects (already sorted) as text: each top-level object, then what hangs off it. */
function renderText(objects: SnapshotObject[]): string {
  const blocks: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) blocks.push(current.join("\n"));
    current = [];
  };
  for (const object of objects) {
    const embedded = object.kind === "column" || object.kind === "constraint";
    if (object.parent === undefined) flush();
    if (!embedded) current.push(object.definition);
    const { comment, owner, grants } = object.attributes;
    if (comment !== undefined) current.push(commentLine(object, comment));
    if (owner !== undefined) current.push(ownerLine(object, owner));
    if (grants !== undefined) current.push(grants);
  }
  flush();
  return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
}
