/**
 * Sorting and rendering of snapshot objects: table definitions completed with their columns and
 * constraints, and the SQL-like text of a whole snapshot.
 *
 * @module
 */

import type { SnapshotObject, SnapshotObjectKind } from "./objects.ts";

/** Orders sort keys: strings as strings, numbers as numbers, a shorter key first. */
export function compareKeys(
  a: readonly (string | number)[],
  b: readonly (string | number)[],
): number {
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
export function completeTables(objects: SnapshotObject[]): void {
  const lines = new Map<string, string[]>();
  const alters = new Map<string, string[]>();
  for (const object of objects) {
    if (object.kind !== "column" && object.kind !== "constraint") continue;
    const list = lines.get(object.parent!) ?? [];
    list.push(`    ${object.definition}`);
    lines.set(object.parent!, list);
    if (object.kind === "column") alters.set(object.parent!, columnAlters(object, alters));
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
    if (a["replica identity"]) {
      statements.push(
        `ALTER TABLE ${table.name} REPLICA IDENTITY ${a["replica identity"].toUpperCase()};`,
      );
    }
    statements.push(...alters.get(table.name) ?? []);
    table.definition = statements.join("\n");
  }
}

/** The `ALTER COLUMN` statements a column's statistics target and storage need. */
function columnAlters(column: SnapshotObject, alters: Map<string, string[]>): string[] {
  const list = alters.get(column.parent!) ?? [];
  const name = column.name.slice(column.parent!.length + 1);
  const alter = `ALTER TABLE ${column.parent} ALTER COLUMN ${name}`;
  const { statistics, storage } = column.attributes;
  if (statistics) list.push(`${alter} SET STATISTICS ${statistics};`);
  if (storage) list.push(`${alter} SET STORAGE ${storage.toUpperCase()};`);
  return list;
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
  aggregate: "AGGREGATE",
  rule: "RULE",
  cast: "CAST",
  collation: "COLLATION",
  operator: "OPERATOR",
  statistics: "STATISTICS",
  publication: "PUBLICATION",
  "event trigger": "EVENT TRIGGER",
  "text search configuration": "TEXT SEARCH CONFIGURATION",
  "text search dictionary": "TEXT SEARCH DICTIONARY",
  "foreign data wrapper": "FOREIGN DATA WRAPPER",
  server: "SERVER",
  "default privileges": "DEFAULT PRIVILEGES",
};

/**
 * The `COMMENT ON` statement of an object; an empty comment removes it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentLine } from "./snapshot_render.ts";
 *
 * const table = { kind: "table" as const, name: "public.t", definition: "", attributes: {} };
 * assert.equal(commentLine(table, "it's"), "COMMENT ON TABLE public.t IS 'it''s';");
 * ```
 */
export function commentLine(object: SnapshotObject, comment: string): string {
  const target = COMMENT_TARGETS[object.kind];
  const literal = `'${comment.replaceAll("'", "''")}'`;
  if (["constraint", "trigger", "policy", "rule"].includes(object.kind)) {
    const local = object.name.slice(object.parent!.length + 1);
    return `COMMENT ON ${target} ${local} ON ${object.parent} IS ${literal};`;
  }
  return `COMMENT ON ${target} ${object.name} IS ${literal};`;
}

/**
 * The `ALTER ... OWNER TO` statement of an object.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownerLine } from "./snapshot_render.ts";
 *
 * const f = { kind: "function" as const, name: "public.f()", definition: "", attributes: {} };
 * assert.equal(ownerLine(f, "app"), "ALTER ROUTINE public.f() OWNER TO app;");
 * ```
 */
export function ownerLine(object: SnapshotObject, owner: string): string {
  const target = object.kind === "function" || object.kind === "procedure"
    ? "ROUTINE"
    : object.kind === "enum" || object.kind.endsWith(" type")
    ? "TYPE"
    : COMMENT_TARGETS[object.kind];
  return `ALTER ${target} ${object.name} OWNER TO ${owner};`;
}

/** Renders objects (already sorted) as text: each top-level object, then what hangs off it. */
export function renderText(objects: SnapshotObject[]): string {
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
