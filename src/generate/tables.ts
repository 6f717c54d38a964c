/**
 * Tables and their columns: create and drop, column by column changes (type and collation,
 * default, NOT NULL, identity, generated), table attributes (row-level security, logging,
 * storage options, inheritance, partitions), and the column order check.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { localName } from "./names.ts";
import { names, type Plan } from "./context.ts";
import { columnOrder } from "./rebuild.ts";
import { RANK } from "./step.ts";

/** A column's definition line, as inside CREATE TABLE or after ADD COLUMN. */
export function columnLine(column: SnapshotObject): string {
  return column.definition;
}

/** Whether a constraint goes inside CREATE TABLE (a foreign key or NOT VALID one waits). */
export function inlineConstraint(constraint: SnapshotObject): boolean {
  const definition = constraint.attributes.definition ?? "";
  return !/^FOREIGN KEY/.test(definition) && !/\bNOT VALID$/.test(definition);
}

/** The tables a table inherits from or is a partition of. */
function parentsOf(table: SnapshotObject | undefined): string[] {
  const parents = table?.attributes["partition of"] ?? table?.attributes.inherits;
  return parents === undefined ? [] : parents.split(", ");
}

/**
 * The constraints a child takes from its parent, which it must not declare again: by name
 * (checks, foreign keys), or by definition (a partition's copy of its parent's key).
 */
function inherited(plan: Plan, table: SnapshotObject, constraint: SnapshotObject): boolean {
  const local = localName(constraint.name, table.name);
  return parentsOf(table).some((parent) =>
    plan.to.childrenOf(parent, "constraint").some((c) =>
      c.attributes.definition === constraint.attributes.definition &&
      (c.name === `${parent}.${local}` || table.attributes["partition of"] !== undefined)
    )
  );
}

/** Whether a parent of `table` on `side` has the column: changes to it come from there. */
function inheritedColumn(side: Plan["to"], table: string, local: string): boolean {
  return parentsOf(side.get("table", table)).some((p) => side.get("column", `${p}.${local}`));
}

function createTable(plan: Plan, table: SnapshotObject): void {
  const a = table.attributes;
  const columns = plan.to.childrenOf(table.name, "column");
  const constraints = plan.to.childrenOf(table.name, "constraint")
    .filter((c) => inlineConstraint(c) && !inherited(plan, table, c));
  const unlogged = a.unlogged ? "UNLOGGED " : "";
  let sql: string;
  if (a["partition of"]) {
    const body = constraints.map((c) => `    ${c.definition}`);
    sql = `CREATE ${unlogged}TABLE ${table.name} PARTITION OF ${a["partition of"]}` +
      (body.length > 0 ? ` (\n${body.join(",\n")}\n)` : "") +
      ` ${a["partition bound"] ?? "DEFAULT"}`;
  } else {
    const body = [...columns.map(columnLine), ...constraints.map((c) => c.definition)];
    sql = `CREATE ${unlogged}TABLE ${table.name} (\n${body.map((l) => `    ${l}`).join(",\n")}\n)`;
    if (a.inherits) sql += ` INHERITS (${a.inherits})`;
  }
  if (a["partition by"]) sql += ` PARTITION BY ${a["partition by"]}`;
  if (a.options) sql += ` WITH (${a.options})`;
  const statements = [`${sql};`];
  if (a["row level security"]) {
    statements.push(`ALTER TABLE ${table.name} ENABLE ROW LEVEL SECURITY;`);
  }
  if (a["forced row level security"]) {
    statements.push(`ALTER TABLE ${table.name} FORCE ROW LEVEL SECURITY;`);
  }
  plan.add({
    sql: statements,
    rank: RANK.createTable,
    creates: names(table.name),
    needs: [sql, ...constraints.map((c) => c.definition)].join("\n"),
  });
}

/**
 * Dropped tables go in one statement: foreign keys between them, in any direction or in a
 * cycle, then never decide an order.
 */
function dropTables(plan: Plan, tables: readonly SnapshotObject[]): void {
  for (const foreign of [false, true]) {
    const group = tables.filter((t) => Boolean(t.attributes["foreign server"]) === foreign);
    if (group.length === 0) continue;
    plan.add({
      sql: [`DROP ${foreign ? "FOREIGN " : ""}TABLE ${group.map((t) => t.name).join(", ")};`],
      rank: RANK.dropTable,
      drops: group.flatMap((t) => names(t.name)),
      frees: group.map((t) => t.definition).join("\n"),
    });
    for (const t of group) plan.note("data", `table ${t.name} is dropped: its rows are lost`);
  }
}

/**
 * Tables created, dropped and altered, with their columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planTables } from "./tables.ts";
 *
 * const table = { kind: "table" as const, name: "public.t", definition: "", attributes: {} };
 * const plan = new Plan([table], []);
 * planTables(plan);
 * assert.deepEqual(plan.steps[0].sql, ["DROP TABLE public.t;"]);
 * ```
 */
export function planTables(plan: Plan): void {
  dropTables(plan, plan.from.ofKind("table").filter((table) => !plan.to.has(table)));
  for (const table of plan.to.ofKind("table")) {
    const before = plan.from.get("table", table.name);
    if (before === undefined) createTable(plan, table);
    else alterTable(plan, before, table);
  }
}

function alterTable(plan: Plan, before: SnapshotObject, after: SnapshotObject): void {
  const name = after.name;
  const was = before.attributes;
  const now = after.attributes;
  const alter = (sql: string, rank: number = RANK.alterTable, needs?: string) =>
    plan.add({ sql: [`ALTER TABLE ${name} ${sql};`], rank, needs: needs ?? sql });
  if (was.unlogged !== now.unlogged) alter(now.unlogged ? "SET UNLOGGED" : "SET LOGGED");
  if (was.options !== now.options) {
    if (was.options) alter(`RESET (${was.options.split(", ").map((o) => o.split("=")[0])})`);
    if (now.options) alter(`SET (${now.options})`);
  }
  flag(
    was["row level security"],
    now["row level security"],
    (on) => alter(`${on ? "ENABLE" : "DISABLE"} ROW LEVEL SECURITY`, RANK.createPolicy),
  );
  flag(
    was["forced row level security"],
    now["forced row level security"],
    (on) => alter(`${on ? "" : "NO "}FORCE ROW LEVEL SECURITY`, RANK.createPolicy),
  );
  alterInheritance(plan, before, after, alter);
  if (was["partition by"] !== now["partition by"]) {
    plan.note(
      "irreversible",
      `table ${name}: partitioning ${was["partition by"] ?? "none"} -> ` +
        `${now["partition by"] ?? "none"} cannot be altered; the table must be rebuilt`,
    );
  }
  planColumns(plan, after);
}

function flag(was: string | undefined, now: string | undefined, set: (on: boolean) => void) {
  if (was !== now) set(now === "true");
}

function alterInheritance(
  plan: Plan,
  before: SnapshotObject,
  after: SnapshotObject,
  alter: (sql: string, rank?: number, needs?: string) => void,
): void {
  const was = before.attributes;
  const now = after.attributes;
  const parent = (a: Record<string, string>) => a["partition of"];
  if (parent(was) !== parent(now) || was["partition bound"] !== now["partition bound"]) {
    if (parent(was)) {
      plan.add({
        sql: [`ALTER TABLE ${parent(was)} DETACH PARTITION ${after.name};`],
        rank: RANK.alterTable,
      });
    }
    if (parent(now)) {
      const sql = `ALTER TABLE ${parent(now)} ATTACH PARTITION ${after.name} ` +
        `${now["partition bound"] ?? "DEFAULT"};`;
      plan.add({ sql: [sql], rank: RANK.alterColumn, needs: sql });
    }
  }
  const list = (value?: string) => value ? value.split(", ") : [];
  for (const gone of list(was.inherits).filter((p) => !list(now.inherits).includes(p))) {
    alter(`NO INHERIT ${gone}`);
  }
  for (const added of list(now.inherits).filter((p) => !list(was.inherits).includes(p))) {
    alter(`INHERIT ${added}`, RANK.alterColumn);
  }
}

/** Columns of a table on both sides: renamed ones were already matched by `renames.ts`. */
function planColumns(plan: Plan, after: SnapshotObject): void {
  const table = after.name;
  const old = plan.from.childrenOf(table, "column");
  const now = plan.to.childrenOf(table, "column");
  const readded = new Set<string>();
  const fromParent = (side: Plan["to"], column: SnapshotObject) =>
    inheritedColumn(side, table, localName(column.name, table));
  for (const column of old) {
    if (fromParent(plan.from, column)) continue;
    const target = plan.to.get("column", column.name);
    if (target === undefined) {
      dropColumn(plan, table, column);
    } else if (needsReadd(column, target)) {
      dropColumn(plan, table, column);
      readded.add(column.name);
    }
  }
  for (const column of now) {
    if (fromParent(plan.to, column)) continue;
    const previous = plan.from.get("column", column.name);
    if (previous === undefined || readded.has(column.name)) addColumn(plan, table, column);
    else alterColumn(plan, table, previous, column);
  }
  checkOrder(plan, after, old, now);
}

/** A generated column's expression can only change by dropping and adding the column. */
function needsReadd(before: SnapshotObject, after: SnapshotObject): boolean {
  const [was, now] = [before.attributes.generated, after.attributes.generated];
  return now !== undefined && was !== now;
}

function dropColumn(plan: Plan, table: string, column: SnapshotObject): void {
  const local = localName(column.name, table);
  plan.add({
    sql: [`ALTER TABLE ${table} DROP COLUMN ${local};`],
    rank: RANK.dropColumn,
    frees: column.definition,
  });
  plan.touchColumn(table, local);
  if (!column.attributes.generated) {
    plan.note("data", `column ${column.name} is dropped: its values are lost`);
  }
}

function addColumn(plan: Plan, table: string, column: SnapshotObject): void {
  const line = columnLine(column);
  plan.add({
    sql: [`ALTER TABLE ${table} ADD COLUMN ${line};`],
    rank: RANK.alterColumn,
    // A SQL function's body naming the column is checked when it is created.
    creates: [column.name, localName(column.name, table)],
    needs: line,
  });
  const a = column.attributes;
  if (a["not null"] && !a.default && !a.identity && !a.generated) {
    plan.note(
      "data",
      `column ${column.name} is added NOT NULL without a default: it fails on a table with rows`,
    );
  }
}

function alterColumn(
  plan: Plan,
  table: string,
  before: SnapshotObject,
  after: SnapshotObject,
): void {
  const was = before.attributes;
  const now = after.attributes;
  const local = localName(after.name, table);
  const alter = (sql: string, rank: number, needs?: string, frees?: string) =>
    plan.add({ sql: [`ALTER TABLE ${table} ALTER COLUMN ${local} ${sql};`], rank, needs, frees });
  const retyped = was.type !== now.type || was.collation !== now.collation;
  if (was.generated && !now.generated) alter("DROP EXPRESSION", RANK.relaxColumn);
  if (was.identity && was.identity !== now.identity && !now.identity) {
    alter("DROP IDENTITY", RANK.relaxColumn);
  }
  if (was.default !== undefined && (now.default === undefined || retyped)) {
    alter("DROP DEFAULT", RANK.relaxColumn, undefined, was.default);
  }
  if (was["not null"] && !now["not null"]) alter("DROP NOT NULL", RANK.relaxColumn);
  if (retyped) {
    const collate = now.collation ? ` COLLATE ${now.collation}` : "";
    const sql = `TYPE ${now.type}${collate} USING ${local}::${now.type}`;
    alter(sql, RANK.retypeColumn, sql, before.definition);
    plan.touchColumn(table, local);
    if (was.type !== now.type) {
      plan.note(
        "data",
        `column ${after.name} changes type ${was.type} -> ${now.type} by a plain cast: values ` +
          "that do not cast (or a type without that cast) make it fail",
      );
    }
  }
  if (now.default !== undefined && (was.default !== now.default || retyped)) {
    // Before what the old default calls is dropped.
    alter(`SET DEFAULT ${now.default}`, RANK.alterColumn, now.default, was.default);
  }
  if (!was["not null"] && now["not null"]) {
    alter("SET NOT NULL", RANK.alterColumn);
    plan.note("data", `column ${after.name} becomes NOT NULL: it fails while a row holds NULL`);
  }
  if (now.identity && was.identity !== now.identity) {
    const how = now.identity.toUpperCase();
    alter(
      was.identity ? `SET GENERATED ${how}` : `ADD GENERATED ${how} AS IDENTITY`,
      RANK.alterColumn,
    );
  }
}

/**
 * Columns added with ADD COLUMN go last. A table that needs them elsewhere is rebuilt (see
 * `rebuild.ts`), unless it is in an inheritance or partition tree: then the plan says so
 * instead of leaving a silent difference.
 */
function checkOrder(
  plan: Plan,
  after: SnapshotObject,
  old: readonly SnapshotObject[],
  now: readonly SnapshotObject[],
): void {
  if (after.attributes["partition of"]) return;
  const { result, target } = columnOrder(old, now);
  if (result.join(",") === target.join(",")) return;
  const local = (list: string[]) => list.map((n) => localName(n, after.name)).join(", ");
  const misplaced = target.filter((n, i) => result[i] !== n).map((n) => localName(n, after.name));
  plan.note(
    "irreversible",
    `column order of ${after.name}: ADD COLUMN would give (${local(result)}) instead of ` +
      `(${local(target)}); putting ${misplaced[0]} back at its position needs a table rebuild, ` +
      "which tide does not do for a table with inheritance or partitions",
  );
}
