/**
 * Turns the catalog rows of tables, views and sequences into snapshot objects, with what hangs
 * off a table (columns, constraints, indexes, triggers, policies, owned sequences) sorted under
 * it.
 *
 * @module
 */

import { attributes, described, FAMILY, keys, top } from "./catalog_objects.ts";
import type { PlacedObject, SnapshotObject } from "./objects.ts";
import type { DescribedRow } from "./queries.ts";
import type {
  ColumnRow,
  ConstraintRow,
  IndexRow,
  PolicyRow,
  RelationRow,
  RuleRow,
  SequenceRow,
  TriggerRow,
} from "./table_queries.ts";

/** Ranks of objects under their table. */
export const CHILD = {
  self: 0,
  column: 1,
  constraint: 2,
  sequence: 3,
  index: 4,
  trigger: 5,
  policy: 6,
  rule: 7,
};

/** Where each table or view sorts: its schema and family. */
export type Owners = Map<string, { schema: string; family: number }>;

/** The sort position of tables and views, for placing what hangs off them. */
export function ownersOf(placed: PlacedObject[]): Owners {
  const owners: Owners = new Map();
  for (const { object, sortKey } of placed) {
    owners.set(object.name, { schema: String(sortKey[0]), family: Number(sortKey[1]) });
  }
  return owners;
}

/**
 * The sort key of what hangs off `table`, ranked by kind, then in `order`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CHILD, under } from "./table_objects.ts";
 *
 * const owners = new Map([["public.t", { schema: "public", family: 4 }]]);
 * assert.deepEqual(under(owners, "public.t", CHILD.column, 0), ["public", 4, "public.t", 1, 0]);
 * ```
 */
export function under(
  owners: Owners,
  table: string,
  rank: number,
  order: string | number,
): (string | number)[] {
  const owner = owners.get(table) ?? { schema: "", family: FAMILY.table };
  return [owner.schema, owner.family, table, rank, order];
}

function relationKind(kind: RelationRow["kind"]) {
  if (kind === "v") return "view";
  if (kind === "m") return "materialized view";
  return "table";
}

/** Tables, views and materialized views; a table's definition is completed by `completeTables`. */
export function relationObjects(rows: RelationRow[], columns: ColumnRow[]): PlacedObject[] {
  const order = new Map<string, string[]>();
  for (const column of columns) {
    const list = order.get(column.table_name) ?? [];
    list.push(column.name);
    order.set(column.table_name, list);
  }
  return rows.map((row) => {
    const kind = relationKind(row.kind);
    const isTable = kind === "table";
    const object: SnapshotObject = {
      kind,
      name: row.name,
      definition: isTable ? "" : viewDefinition(row),
      attributes: attributes({
        columns: isTable ? (order.get(row.name) ?? []).join(", ") : undefined,
        "partition by": row.partition_key,
        [row.partition_bound === null ? "inherits" : "partition of"]: row.parents,
        "partition bound": row.partition_bound,
        "foreign server": row.server,
        unlogged: row.persistence === "u",
        "row level security": row.rls,
        "forced row level security": row.force_rls,
        options: row.options,
        "replica identity": row.replica_identity,
        definition: row.view_definition,
        ...described(row, "TABLE", row.name),
      }),
    };
    const family = isTable ? FAMILY.table : FAMILY.view;
    return { object, sortKey: top(row.schema, family, row.name), ...keys(row) };
  });
}

function viewDefinition(row: RelationRow): string {
  const materialized = row.kind === "m" ? "MATERIALIZED " : "";
  const options = row.options ? ` WITH (${row.options})` : "";
  const body = (row.view_definition ?? "").replace(/;\s*$/, "");
  return `CREATE ${materialized}VIEW ${row.name}${options} AS\n${body};`;
}

/**
 * The rules a relation's row holds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { RelationRow } from "./table_queries.ts";
 * import { rulesOf } from "./table_objects.ts";
 *
 * const rule = { name: "keep", self: "2618:1", definition: "CREATE RULE keep ...", enabled: "O", comment: null };
 * const row = { name: "public.t", root: "1259:9", rules: JSON.stringify([rule]) } as unknown as RelationRow;
 * assert.deepEqual(rulesOf(row).map((r) => [r.table_name, r.name]), [["public.t", "keep"]]);
 * ```
 */
export function rulesOf(row: RelationRow): RuleRow[] {
  if (row.rules === null || row.rules === undefined) return [];
  const rules = (typeof row.rules === "string" ? JSON.parse(row.rules) : row.rules) as {
    name: string;
    self: string;
    definition: string;
    enabled: string;
    comment: string | null;
  }[];
  return rules.map((rule) => ({
    ...rule,
    table_name: row.name,
    root: row.root,
    nspname: row.nspname,
    relname: row.relname,
  }));
}

/** Objects that live under a table: constraints, indexes, triggers, policies. */
export function tableChildObjects(
  rows: {
    constraints: ConstraintRow[];
    indexes: IndexRow[];
    triggers: TriggerRow[];
    policies: PolicyRow[];
    rules: RuleRow[];
  },
  owners: Owners,
): PlacedObject[] {
  const place = (
    kind: SnapshotObject["kind"],
    row: DescribedRow & { table_name: string; name: string },
    rank: number,
    definition: string,
    extra: Record<string, string | boolean | null> = {},
  ): PlacedObject => ({
    object: {
      kind,
      name: kind === "index" ? row.name : `${row.table_name}.${row.name}`,
      parent: row.table_name,
      definition,
      // The catalog's own text, so a description quotes no SQL added around it.
      attributes: attributes({
        definition: typeof row.definition === "string" ? row.definition : definition,
        ...extra,
        comment: row.comment,
      }),
    },
    sortKey: under(owners, row.table_name, rank, row.name),
    ...keys(row),
  });
  return [
    ...rows.constraints.map((row) =>
      place("constraint", row, CHILD.constraint, `CONSTRAINT ${row.name} ${row.definition}`)
    ),
    ...rows.indexes.map((row) =>
      place("index", row, CHILD.index, indexDefinition(row), {
        invalid: !row.valid,
        clustered: row.clustered,
      })
    ),
    ...rows.triggers.map((row) =>
      place("trigger", row, CHILD.trigger, triggerDefinition(row), triggerState(row.enabled))
    ),
    ...rows.policies.map((row) => place("policy", row, CHILD.policy, policyDefinition(row))),
    ...rows.rules.map((row) =>
      place(
        "rule",
        row,
        CHILD.rule,
        row.definition,
        row.enabled === "O" ? {} : {
          enabled: row.enabled,
        },
      )
    ),
  ];
}

function indexDefinition(row: IndexRow): string {
  if (!row.clustered) return `${row.definition};`;
  const table = row.table_name;
  return `${row.definition};\nALTER TABLE ${table} CLUSTER ON ${
    row.name.slice(row.name.indexOf(".") + 1)
  };`;
}

function triggerDefinition(row: TriggerRow): string {
  const local = row.name;
  const alter = `ALTER TABLE ${row.table_name}`;
  if (row.enabled === "D") return `${row.definition};\n${alter} DISABLE TRIGGER ${local};`;
  if (row.enabled === "R") return `${row.definition};\n${alter} ENABLE REPLICA TRIGGER ${local};`;
  if (row.enabled === "A") return `${row.definition};\n${alter} ENABLE ALWAYS TRIGGER ${local};`;
  return `${row.definition};`;
}

function triggerState(enabled: string): Record<string, string | boolean> {
  if (enabled === "D") return { disabled: true };
  if (enabled === "R") return { "enabled for": "replica" };
  if (enabled === "A") return { "enabled for": "always" };
  return {};
}

const POLICY_COMMANDS: Record<string, string> = {
  r: "SELECT",
  a: "INSERT",
  w: "UPDATE",
  d: "DELETE",
  "*": "ALL",
};

function policyDefinition(row: PolicyRow): string {
  const local = row.name;
  const lines = [
    `CREATE POLICY ${local} ON ${row.table_name} AS ${
      row.permissive ? "PERMISSIVE" : "RESTRICTIVE"
    } FOR ${POLICY_COMMANDS[row.command] ?? row.command} TO ${row.roles}`,
  ];
  if (row.using !== null) lines.push(`  USING (${row.using})`);
  if (row.with_check !== null) lines.push(`  WITH CHECK (${row.with_check})`);
  return `${lines.join("\n")};`;
}

/** Sequences; one owned by a column sorts under its table, wherever that table was read. */
export function sequenceObjects(rows: SequenceRow[]): PlacedObject[] {
  return rows.map((row) => {
    const attrs = attributes({
      type: row.type,
      start: row.start,
      increment: row.increment,
      min: row.min,
      max: row.max,
      cache: row.cache,
      cycle: row.cycle,
      unlogged: row.persistence === "u",
      "owned by": row.owned_by,
      ...described(row, "SEQUENCE", row.name),
    });
    const unlogged = attrs.unlogged ? "UNLOGGED " : "";
    const lines = [
      `CREATE ${unlogged}SEQUENCE ${row.name} AS ${row.type} START WITH ${row.start} ` +
      `INCREMENT BY ${row.increment} MINVALUE ${row.min} MAXVALUE ${row.max} CACHE ${row.cache}` +
      `${row.cycle ? " CYCLE" : ""};`,
    ];
    if (row.owned_by) lines.push(`ALTER SEQUENCE ${row.name} OWNED BY ${row.owned_by};`);
    const object: SnapshotObject = {
      kind: "sequence",
      name: row.name,
      definition: lines.join("\n"),
      attributes: attrs,
    };
    if (row.owned_by_table === null) {
      return { object, sortKey: top(row.schema, FAMILY.sequence, row.name), ...keys(row) };
    }
    object.parent = row.owned_by_table;
    const family = "rpf".includes(row.owned_by_kind ?? "r") ? FAMILY.table : FAMILY.view;
    const owner: Owners = new Map([[row.owned_by_table, {
      schema: row.owned_by_schema ?? "",
      family,
    }]]);
    const sortKey = under(owner, row.owned_by_table, CHILD.sequence, row.name);
    return { object, sortKey, ...keys(row) };
  });
}
