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
import { columnLine, parentsOf, planColumns } from "./columns.ts";
import { RANK } from "./step.ts";

/** Whether a constraint goes inside CREATE TABLE (a foreign key or NOT VALID one waits). */
export function inlineConstraint(constraint: SnapshotObject): boolean {
  const definition = constraint.attributes.definition ?? "";
  return !/^FOREIGN KEY/.test(definition) && !/\bNOT VALID$/.test(definition);
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
