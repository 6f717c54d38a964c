/**
 * Table rebuilds: when columns must come back at positions ADD COLUMN cannot give (a column
 * dropped from the middle, a generated column turned plain), the table is created anew in the
 * target's shape and its rows copied: kept in a holding table, the old table dropped with what
 * hangs off it, the new one created with its keys, indexes, triggers and policies, the rows put
 * back. Foreign keys pointing at it and views reading it are recreated around it. Tables in an
 * inheritance or partition tree are not rebuilt: the plan says a rebuild is needed instead.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import { names, type Plan, Side } from "./context.ts";
import { lastPart, localName, unquote } from "./names.ts";
import { RANK } from "./step.ts";

/** Where ADD COLUMN would leave the columns of a table, and the target's order. */
export function columnOrder(
  old: readonly SnapshotObject[],
  now: readonly SnapshotObject[],
): { result: string[]; target: string[] } {
  const target = now.map((c) => c.name);
  const readded = new Set(
    old.filter((c) => {
      const next = now.find((n) => n.name === c.name);
      return next?.attributes.generated !== undefined &&
        next.attributes.generated !== c.attributes.generated;
    }).map((c) => c.name),
  );
  const kept = old.map((c) => c.name).filter((n) => target.includes(n) && !readded.has(n));
  return { result: [...kept, ...target.filter((n) => !kept.includes(n))], target };
}

/** Whether a table is in an inheritance or partition tree, on either side. */
function inTree(from: Side, to: Side, table: string): boolean {
  const related = (side: Side) =>
    side.ofKind("table").some((t) =>
      t.name === table && (t.attributes["partition of"] || t.attributes.inherits ||
          t.attributes["partition by"]) ||
      [t.attributes["partition of"], t.attributes.inherits].some((p) =>
        p?.split(", ").includes(table)
      )
    );
  return related(from) || related(to);
}

/**
 * The tables of both sides whose columns need a rebuild to reach the target's order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findRebuilds } from "./rebuild.ts";
 *
 * const table = { kind: "table" as const, name: "public.t", definition: "", attributes: {} };
 * const column = (name: string) => ({ kind: "column" as const, name: `public.t.${name}`,
 *   parent: "public.t", definition: `${name} integer`, attributes: { type: "integer" } });
 * const from = [table, column("a"), column("c")];
 * const to = [table, column("a"), column("b"), column("c")];
 * assert.deepEqual(findRebuilds(from, to), ["public.t"]);
 * ```
 */
export function findRebuilds(
  from: readonly SnapshotObject[],
  to: readonly SnapshotObject[],
): string[] {
  const [a, b] = [new Side(from), new Side(to)];
  return b.ofKind("table").filter((table) => {
    if (!a.has(table)) return false;
    const { result, target } = columnOrder(
      a.childrenOf(table.name, "column"),
      b.childrenOf(table.name, "column"),
    );
    return result.join(",") !== target.join(",") && !inTree(a, b, table.name);
  }).map((table) => table.name);
}

/**
 * `from` without the rebuilt tables and what hangs off them (their owned sequences stay: they
 * are disowned, kept and owned again).
 */
export function withoutRebuilt(
  from: readonly SnapshotObject[],
  tables: readonly string[],
): SnapshotObject[] {
  const gone = new Set(tables);
  return from.filter((o) =>
    !(o.kind === "table" && gone.has(o.name)) &&
    !(o.parent !== undefined && gone.has(o.parent) && o.kind !== "sequence")
  );
}

/**
 * The steps of each rebuild, with what depends on the table marked to be recreated. Call
 * before the families are planned, with `from` as it was before {@linkcode withoutRebuilt}.
 */
export function planRebuilds(
  plan: Plan,
  from: readonly SnapshotObject[],
  tables: readonly string[],
): void {
  const old = new Side(from);
  for (const table of tables) {
    plan.touch(table);
    for (const fk of plan.from.ofKind("constraint")) {
      const target = plan.to.get("constraint", fk.name);
      if (
        target && fk.parent !== table && fk.attributes.definition?.includes(`REFERENCES ${table}(`)
      ) {
        plan.recreate(target);
      }
    }
    rebuild(plan, old, table);
  }
}

/** Foreign keys of dropped tables that point at a rebuilt one go first, by hand. */
function dropReferencingForeignKeys(plan: Plan, old: Side, table: string): void {
  for (const fk of old.ofKind("constraint")) {
    if (plan.to.get("table", fk.parent!) !== undefined) continue;
    if (!fk.attributes.definition?.includes(`REFERENCES ${table}(`)) continue;
    plan.add({
      sql: [`ALTER TABLE ${fk.parent} DROP CONSTRAINT ${localName(fk.name, fk.parent!)};`],
      rank: RANK.dropForeignKey,
    });
  }
}

function rebuild(plan: Plan, old: Side, table: string): void {
  dropReferencingForeignKeys(plan, old, table);
  const before = old.childrenOf(table, "column");
  const after = plan.to.childrenOf(table, "column");
  const copied = after.filter((c) =>
    !c.attributes.generated && before.some((b) => b.name === c.name)
  );
  const holding = `${table.slice(0, -lastPart(table).length)}${
    quoteIdentifier(`${unquote(lastPart(table))}__rebuild`)
  }`;
  const local = (c: SnapshotObject) => localName(c.name, table);
  // Enums go through text: a recreated enum's old type must not outlive its drop.
  const isEnum = (type?: string) =>
    plan.to.get("enum", (type ?? "").replace(/\[\]$/, "")) !== undefined;
  const select = copied.map((c) => {
    const was = before.find((b) => b.name === c.name)!;
    const type = c.attributes.type;
    if (isEnum(was.attributes.type)) return `${local(c)}::text AS ${local(c)}`;
    return was.attributes.type === type ? local(c) : `${local(c)}::${type} AS ${local(c)}`;
  });
  const back = copied.map((c) =>
    isEnum(before.find((b) => b.name === c.name)!.attributes.type)
      ? `${local(c)}::${c.attributes.type}`
      : local(c)
  );
  plan.add({
    sql: [`CREATE TABLE ${holding} AS SELECT ${select.join(", ")} FROM ${table};`],
    rank: RANK.dropColumn,
  });
  plan.add({
    sql: [`DROP TABLE ${table};`],
    rank: RANK.dropTable,
    drops: names(table),
    frees: old.get("table", table)!.definition,
  });
  const list = copied.map(local).join(", ");
  const overriding = copied.some((c) => c.attributes.identity === "always")
    ? " OVERRIDING SYSTEM VALUE"
    : "";
  const fill = [
    `INSERT INTO ${table} (${list})${overriding} SELECT ${back.join(", ")} FROM ${holding};`,
    `DROP TABLE ${holding};`,
  ];
  for (const c of after.filter((c) => c.attributes.identity)) {
    fill.push(
      `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('${table}', ` +
        `'${unquote(local(c)).replaceAll("'", "''")}'), COALESCE(max(${
          local(c)
        }), 0) + 1, false) ` +
        `FROM ${table};`,
    );
  }
  plan.add({ sql: fill, rank: RANK.alterColumn, needs: `${table}\n${fill[0]}` });
  for (const sequence of old.childrenOf(table, "sequence")) {
    plan.add({
      sql: [`ALTER SEQUENCE ${sequence.name} OWNED BY NONE;`],
      rank: RANK.relaxColumn,
    });
    const owner = plan.to.get("sequence", sequence.name)?.attributes["owned by"];
    if (owner) {
      const sql = `ALTER SEQUENCE ${sequence.name} OWNED BY ${owner};`;
      plan.add({ sql: [sql], rank: RANK.alterSequence, needs: sql });
    }
  }
  const misplaced = after.filter((c, i) => columnOrder(before, after).result[i] !== c.name);
  plan.note(
    "recreate",
    `table ${table} is rebuilt (created anew, its rows copied) to put ` +
      `${misplaced.map(local).join(", ")} back in place`,
  );
  for (const c of after.filter((c) => !before.some((b) => b.name === c.name))) {
    const a = c.attributes;
    if (a["not null"] && !a.default && !a.identity && !a.generated) {
      plan.note(
        "data",
        `column ${c.name} comes back NOT NULL without a default: it fails on a table with rows`,
        true,
      );
    }
  }
}
