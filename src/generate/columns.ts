/**
 * Columns of a table on both sides: dropped, added (appended: the column order check says when
 * only a rebuild puts one back in place), and altered attribute by attribute (type and
 * collation, default, NOT NULL, identity, generated). Inherited columns change with their
 * parent.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import type { Plan } from "./context.ts";
import { localName } from "./names.ts";
import { columnOrder } from "./rebuild.ts";
import { RANK } from "./step.ts";

/** A column's definition line, as inside CREATE TABLE or after ADD COLUMN. */
export function columnLine(column: SnapshotObject): string {
  return column.definition;
}

/** The tables a table inherits from or is a partition of. */
export function parentsOf(table: SnapshotObject | undefined): string[] {
  const parents = table?.attributes["partition of"] ?? table?.attributes.inherits;
  return parents === undefined ? [] : parents.split(", ");
}

/** Whether a parent of `table` on `side` has the column: changes to it come from there. */
function inheritedColumn(side: Plan["to"], table: string, local: string): boolean {
  return parentsOf(side.get("table", table)).some((p) => side.get("column", `${p}.${local}`));
}

/** Columns of a table on both sides: renamed ones were already matched by `renames.ts`. */
export function planColumns(plan: Plan, after: SnapshotObject): void {
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
      true,
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
        true,
      );
    }
  }
  if (now.default !== undefined && (was.default !== now.default || retyped)) {
    // Before what the old default calls is dropped.
    alter(`SET DEFAULT ${now.default}`, RANK.alterColumn, now.default, was.default);
  }
  if (!was["not null"] && now["not null"]) {
    alter("SET NOT NULL", RANK.alterColumn);
    plan.note(
      "data",
      `column ${after.name} becomes NOT NULL: it fails while a row holds NULL`,
      true,
    );
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
