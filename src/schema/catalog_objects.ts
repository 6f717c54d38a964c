/**
 * Turns catalog rows into snapshot objects: one object per schema object, with the attributes
 * the diff compares and the SQL-like definition the text shows. Here the parts every family
 * shares and the families outside tables; tables and what hangs off them are in
 * `table_objects.ts`.
 *
 * @module
 */

import type { DescribedRow, ExtensionRow, FunctionRow, SchemaRow, TypeRow } from "./queries.ts";
import type { OtherRow } from "./other_queries.ts";
import { privilegeText } from "./privileges.ts";
import type { PlacedObject, SnapshotObjectKind } from "./objects.ts";

/** Where a row's object comes from: its root, itself, and its schema and table as named. */
export function keys(row: DescribedRow): Omit<PlacedObject, "object" | "sortKey"> {
  const origin: Omit<PlacedObject, "object" | "sortKey"> = { root: row.root };
  if (row.self) origin.self = row.self;
  if (row.nspname) origin.schema = row.nspname;
  if (row.relname) origin.table = row.relname;
  return origin;
}

/** Family ranks: the order top-level objects appear in within a schema. */
export const FAMILY = {
  schema: 0,
  type: 1,
  function: 2,
  sequence: 3,
  table: 4,
  view: 5,
  other: 6,
} as const;

/** Attributes as the diff compares them: `true` as `"true"`, unset and empty ones left out. */
export function attributes(
  entries: Record<string, string | boolean | null | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(entries)) {
    if (value === true) out[key] = "true";
    else if (typeof value === "string" && value !== "") out[key] = value;
  }
  return out;
}

/**
 * The comment, owner and grants every family may have; the grants from the privileges read
 * (of the `objectType` named `name`) when those are.
 */
export function described(
  row: DescribedRow,
  objectType: string,
  name: string,
): Record<string, string | null | undefined> {
  const grants = row.grants ?? privilegeText(row.acl, objectType, name);
  return { comment: row.comment, owner: row.owner, grants };
}

/** The sort key of a top-level object: its schema, family and name. */
export function top(schema: string, family: number, name: string, rank = 0): (string | number)[] {
  return [schema, family, name, rank, ""];
}

/** Schema objects. */
export function schemaObjects(rows: SchemaRow[]): PlacedObject[] {
  return rows.map((row) => ({
    object: {
      kind: "schema",
      name: row.name,
      definition: `CREATE SCHEMA ${row.name};`,
      attributes: attributes(described(row, "SCHEMA", row.name)),
    },
    sortKey: top(row.name, FAMILY.schema, row.name),
    ...keys(row),
  }));
}

/** Extension objects, listed before every schema. */
export function extensionObjects(rows: ExtensionRow[]): PlacedObject[] {
  return rows.map((row) => ({
    object: {
      kind: "extension",
      name: row.name,
      definition: `CREATE EXTENSION ${row.name} WITH SCHEMA ${row.schema};`,
      attributes: attributes({ schema: row.schema, comment: row.comment }),
    },
    sortKey: ["", -1, row.name, 0, ""],
    ...keys(row),
  }));
}

/** Functions and procedures. */
export function functionObjects(rows: FunctionRow[]): PlacedObject[] {
  return rows.map((row) => {
    const definition = row.definition.trimEnd();
    return {
      object: {
        kind: row.kind === "p" ? "procedure" : row.kind === "a" ? "aggregate" : "function",
        name: row.name,
        definition: definition.endsWith(";") ? definition : `${definition};`,
        attributes: attributes({ definition, ...described(row, "ROUTINE", row.name) }),
      },
      sortKey: top(row.schema, FAMILY.function, row.name),
      ...keys(row),
    };
  });
}

/** What the diff compares beside an other object's definition, by kind. */
const OTHER_DETAIL: Readonly<Record<string, string>> = {
  collation: "rules",
  "text search configuration": "mapping",
};

/**
 * Casts, collations, operators, publications and the other objects of `other_queries.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { otherObjects } from "./catalog_objects.ts";
 *
 * const [placed] = otherObjects([{
 *   kind: "publication", schema: null, name: "pub", definition: "CREATE PUBLICATION pub;",
 *   detail: null, root: "0:0", comment: null,
 * }]);
 * assert.equal(placed.object.kind, "publication");
 * assert.equal(placed.root, "0:0");
 * ```
 */
export function otherObjects(rows: OtherRow[]): PlacedObject[] {
  return rows.map((row) => ({
    object: {
      kind: row.kind as SnapshotObjectKind,
      name: row.name,
      definition: row.detail === null
        ? row.definition
        : `${row.definition}\n-- ${OTHER_DETAIL[row.kind] ?? "detail"}: ${row.detail}`,
      attributes: attributes({
        definition: row.definition,
        [OTHER_DETAIL[row.kind] ?? "detail"]: row.detail,
        comment: row.comment,
      }),
    },
    sortKey: top(row.schema ?? "", FAMILY.other, `${row.kind} ${row.name}`),
    ...keys(row),
  }));
}

/** Enums, domains, composite and range types. */
export function typeObjects(rows: TypeRow[]): PlacedObject[] {
  return rows.map((row) => {
    const kind = ({ e: "enum", d: "domain", c: "composite type", r: "range type" } as const)[
      row.kind
    ];
    const attrs = attributes({
      values: row.enum_values === null ? null : `(${row.enum_values})`,
      type: row.base_type,
      default: row.default,
      "not null": row.kind === "d" && row.not_null,
      checks: row.checks,
      attributes: row.composite_attributes === null ? null : `(${row.composite_attributes})`,
      subtype: row.range_subtype,
      ...described(row, "TYPE", row.name),
    });
    return {
      object: { kind, name: row.name, definition: typeDefinition(row), attributes: attrs },
      sortKey: top(row.schema, FAMILY.type, row.name),
      ...keys(row),
    };
  });
}

function typeDefinition(row: TypeRow): string {
  switch (row.kind) {
    case "e":
      return `CREATE TYPE ${row.name} AS ENUM (${row.enum_values ?? ""});`;
    case "c":
      return `CREATE TYPE ${row.name} AS (${row.composite_attributes ?? ""});`;
    case "r":
      return `CREATE TYPE ${row.name} AS RANGE (SUBTYPE = ${row.range_subtype});`;
    default: {
      const parts = [`CREATE DOMAIN ${row.name} AS ${row.base_type}`];
      if (row.default !== null) parts.push(`DEFAULT ${row.default}`);
      if (row.not_null) parts.push("NOT NULL");
      for (const check of row.checks?.split("\n") ?? []) parts.push(check);
      return `${parts.join(" ")};`;
    }
  }
}
