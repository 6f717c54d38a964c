/**
 * Turns the catalog rows of columns into snapshot objects, sorted under their table, with what
 * a column's NOT NULL constraint says on PostgreSQL 18.
 *
 * @module
 */

import { attributes, keys } from "./catalog_objects.ts";
import { defaultNotNullName } from "./catalog_normalize.ts";
import type { PlacedObject } from "./objects.ts";
import { privilegeText } from "./privileges.ts";
import { CHILD, type Owners, under } from "./table_objects.ts";
import type { ColumnRow } from "./table_queries.ts";

/** Columns, in table order. */
export function columnObjects(rows: ColumnRow[], owners: Owners): PlacedObject[] {
  return rows.map((row, index) => {
    const identity = row.identity === "a" ? "always" : row.identity === "d" ? "by default" : null;
    const generated = row.generated === null
      ? null
      : `(${row.generated}) ${row.generated_kind === "v" ? "virtual" : "stored"}`;
    const attrs = attributes({
      type: row.type,
      collation: row.collation,
      default: row.default,
      identity,
      generated,
      "not null": row.not_null,
      ...notNullConstraint(row),
      statistics: row.statistics === null ? null : String(row.statistics),
      storage: row.storage === null ? null : STORAGE[row.storage],
      comment: row.comment,
      grants: privilegeText(row.acl, "TABLE", row.table_name, row.name),
    });
    return {
      object: {
        kind: "column",
        name: `${row.table_name}.${row.name}`,
        parent: row.table_name,
        definition: columnLine(row.name, attrs),
        attributes: attrs,
      },
      sortKey: under(owners, row.table_name, CHILD.column, index),
      ...keys(row),
    };
  });
}

const STORAGE: Readonly<Record<string, string>> = {
  p: "plain",
  e: "external",
  m: "main",
  x: "extended",
};

/**
 * What a column's NOT NULL constraint (PostgreSQL 18) says beyond "not null": a name other than
 * the one PostgreSQL gives (which a later `DROP CONSTRAINT` uses), `NOT VALID`, `NO INHERIT`. An
 * inherited constraint is named after the parent's and is left to it.
 */
function notNullConstraint(row: ColumnRow): Record<string, string | boolean | null> {
  if (row.not_null_name === null) return {};
  const named = row.not_null_local === true &&
    row.not_null_name !== defaultNotNullName(row.relname ?? "", row.attname);
  return {
    "not null name": named ? quoteName(row.not_null_name) : null,
    "not null no inherit": row.not_null_no_inherit === true,
    "not null not valid": row.not_null_valid === false,
  };
}

function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function columnLine(name: string, attrs: Record<string, string>): string {
  const parts = [name, attrs.type];
  if (attrs.collation) parts.push(`COLLATE ${attrs.collation}`);
  if (attrs.default) parts.push(`DEFAULT ${attrs.default}`);
  if (attrs.identity) parts.push(`GENERATED ${attrs.identity.toUpperCase()} AS IDENTITY`);
  if (attrs.generated) {
    const [, expression, how] = /^(.*) (stored|virtual)$/s.exec(attrs.generated) ?? [];
    parts.push(`GENERATED ALWAYS AS ${expression} ${how.toUpperCase()}`);
  }
  if (attrs["not null name"]) parts.push(`CONSTRAINT ${attrs["not null name"]}`);
  if (attrs["not null"]) parts.push("NOT NULL");
  if (attrs["not null no inherit"]) parts.push("NO INHERIT");
  if (attrs["not null not valid"]) parts.push("NOT VALID");
  return parts.join(" ");
}
