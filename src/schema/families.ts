/**
 * The object families a snapshot reads, in one table: each family's catalog query and the kind
 * of root that restricts it in a scoped read. Both ways of reading (a query per family, and the
 * one PL/pgSQL call of a scoped reader) are built from it, then placed the same way.
 *
 * @module
 */

import {
  extensionObjects,
  functionObjects,
  otherObjects,
  schemaObjects,
  typeObjects,
} from "./catalog_objects.ts";
import { UNQUALIFIED_VIEWDEF_SINCE, unqualifySingleTableView } from "./catalog_normalize.ts";
import type { PlacedObject } from "./objects.ts";
import { type OtherRow, othersQuery } from "./other_queries.ts";
import type { Access } from "./privileges.ts";
import * as q from "./queries.ts";
import { columnObjects } from "./column_objects.ts";
import {
  ownersOf,
  relationObjects,
  rulesOf,
  sequenceObjects,
  tableChildObjects,
} from "./table_objects.ts";
import * as tq from "./table_queries.ts";

/** The rows of every family, by family. */
export interface FamilyRows {
  schemas: q.SchemaRow[];
  extensions: q.ExtensionRow[];
  relations: tq.RelationRow[];
  columns: tq.ColumnRow[];
  constraints: tq.ConstraintRow[];
  indexes: tq.IndexRow[];
  triggers: tq.TriggerRow[];
  policies: tq.PolicyRow[];
  sequences: tq.SequenceRow[];
  functions: q.FunctionRow[];
  types: q.TypeRow[];
  others: OtherRow[];
}

/** How one family is read. */
export interface Family {
  /** The roots that restrict it in a scoped read. */
  roots: q.RootKind;
  /**
   * Its query; with `roots` (an SQL expression of type `oid[]`), only the rows under them.
   * Owners and privileges are read as `access` says.
   */
  query(access: Access, roots?: string): string;
}

/** Every family, in the order they are read. */
export const FAMILIES: Readonly<Record<keyof FamilyRows, Family>> = {
  schemas: { roots: "schemas", query: q.schemasQuery },
  extensions: { roots: "extensions", query: (_, roots) => q.extensionsQuery(roots) },
  relations: { roots: "relations", query: tq.relationsQuery },
  columns: { roots: "relations", query: tq.columnsQuery },
  constraints: { roots: "relations", query: (_, roots) => tq.constraintsQuery(roots) },
  indexes: { roots: "relations", query: (_, roots) => tq.indexesQuery(roots) },
  triggers: { roots: "relations", query: (_, roots) => tq.triggersQuery(roots) },
  policies: { roots: "relations", query: (_, roots) => tq.policiesQuery(roots) },
  sequences: { roots: "relations", query: tq.sequencesQuery },
  functions: { roots: "functions", query: q.functionsQuery },
  types: { roots: "types", query: q.typesQuery },
  others: { roots: "others", query: (_, roots) => othersQuery(roots) },
};

/** The names of the families, in {@linkcode FAMILIES} order. */
export const FAMILY_NAMES = Object.keys(FAMILIES) as (keyof FamilyRows)[];

/**
 * Turns the rows of every family into placed objects, unsorted. `version` is the server's
 * `server_version_num`, for output that differs between versions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FAMILY_NAMES, type FamilyRows, placeRows } from "./families.ts";
 *
 * const rows = Object.fromEntries(FAMILY_NAMES.map((name) => [name, []])) as unknown as FamilyRows;
 * rows.schemas.push({ name: "app", nspname: "app", root: "2615:16384", comment: null });
 * const [placed] = placeRows(rows, 180000);
 * assert.equal(placed.object.definition, "CREATE SCHEMA app;");
 * assert.equal(placed.root, "2615:16384");
 * ```
 */
export function placeRows(rows: FamilyRows, version: number): PlacedObject[] {
  if (version < UNQUALIFIED_VIEWDEF_SINCE) {
    for (const row of rows.relations) {
      if (row.view_definition) row.view_definition = unqualifySingleTableView(row.view_definition);
    }
  }
  const tables = relationObjects(rows.relations, rows.columns);
  const rules = rows.relations.flatMap(rulesOf);
  // Whatever hangs off a table is read with it; an owned sequence brings its owner's place.
  const owners = ownersOf(tables);
  return [
    ...schemaObjects(rows.schemas),
    ...extensionObjects(rows.extensions),
    ...tables,
    ...columnObjects(rows.columns, owners),
    ...tableChildObjects({ ...rows, rules }, owners),
    ...sequenceObjects(rows.sequences),
    ...functionObjects(rows.functions),
    ...typeObjects(rows.types),
    ...otherObjects(rows.others),
  ];
}
