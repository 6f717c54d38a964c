/**
 * Enums, domains, composite and range types. An enum gains values in place; one that loses a
 * value (or reorders them) is recreated: renamed away, created anew, its columns converted
 * through text, the old one dropped. The plan says so, since rows holding a removed value make
 * it fail.
 *
 * @module
 */
import type { SnapshotObject } from "../schema/objects.ts";
import { keyOf, names, type Plan } from "./context.ts";
import { lastPart, localName, unquote } from "./names.ts";
import { RANK } from "./step.ts";
import { quoteIdentifier } from "../sql/quote.ts";

const TYPES = ["enum", "domain", "composite type", "range type"] as const;

/** The values of an enum, as quoted literals. */
export function enumValues(values: string | undefined): string[] {
  return (values ?? "").match(/'(?:[^']|'')*'/g) ?? [];
}

/** Splits `a integer, b numeric(10, 2)` at its top-level commas. */
export function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of list) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += char;
  }
  if (current.trim() !== "") parts.push(current.trim());
  return parts;
}

function dropType(object: SnapshotObject): string {
  return `DROP ${object.kind === "domain" ? "DOMAIN" : "TYPE"} ${object.name};`;
}

/**
 * Types dropped, created and altered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Plan } from "./context.ts";
 * import { planTypes } from "./types.ts";
 *
 * const mood = (values: string) => ({ kind: "enum" as const, name: "public.mood",
 *   definition: `CREATE TYPE public.mood AS ENUM (${values});`, attributes: { values: `(${values})` } });
 * const plan = new Plan([mood("'happy'")], [mood("'happy', 'sad'")]);
 * planTypes(plan);
 * assert.deepEqual(plan.steps[0].sql, ["ALTER TYPE public.mood ADD VALUE 'sad' AFTER 'happy';"]);
 * ```
 */
export function planTypes(plan: Plan): void {
  for (const before of plan.from.ofKind(...TYPES)) {
    const after = plan.to.get(before.kind, before.name);
    if (after === undefined) {
      plan.add({
        sql: [dropType(before)],
        rank: RANK.dropType,
        drops: names(before.name),
        frees: before.definition,
      });
    } else if (before.definition !== after.definition) alterType(plan, before, after);
  }
  for (const after of plan.to.ofKind(...TYPES)) {
    if (plan.from.has(after) && !plan.isRecreated(after)) continue;
    plan.add({
      sql: [after.definition],
      rank: RANK.createType,
      creates: names(after.name),
      needs: after.definition,
    });
  }
}

function alterType(plan: Plan, before: SnapshotObject, after: SnapshotObject): void {
  if (after.kind === "enum") return alterEnum(plan, before, after);
  if (after.kind === "domain") return alterDomain(plan, before, after);
  if (after.kind === "composite type") return alterComposite(plan, before, after);
  recreateType(plan, before, after);
}

/** Drops a type and creates it anew (fails while something still uses it). */
function recreateType(plan: Plan, before: SnapshotObject, after: SnapshotObject): void {
  plan.recreate(after);
  plan.add({ sql: [dropType(before)], rank: RANK.dropType, drops: names(before.name) });
  plan.note("recreate", `${after.kind} ${after.name} is dropped and created again`);
}

function alterEnum(plan: Plan, before: SnapshotObject, after: SnapshotObject): void {
  const was = enumValues(before.attributes.values);
  const now = enumValues(after.attributes.values);
  if (was.every((v, i) => now.filter((n) => was.includes(n))[i] === v)) {
    const sql = now.flatMap((value, i) => {
      if (was.includes(value)) return [];
      const where = i === 0 ? `BEFORE ${now[1]}` : `AFTER ${now[i - 1]}`;
      return [`ALTER TYPE ${after.name} ADD VALUE ${value} ${where};`];
    });
    plan.add({ sql, rank: RANK.createType, needs: after.name });
    return;
  }
  const renamed = was.length === now.length ? was.filter((v, i) => now[i] !== v) : [];
  if (renamed.length > 0 && renamed.every((v) => !now.includes(v))) {
    const sql = was.flatMap((v, i) =>
      v === now[i] ? [] : [`ALTER TYPE ${after.name} RENAME VALUE ${v} TO ${now[i]};`]
    );
    plan.add({ sql, rank: RANK.rename });
    return;
  }
  recreateEnum(plan, after, was.filter((v) => !now.includes(v)));
}

/** The enum swap: rename the old type, create the new one, convert columns, drop the old. */
function recreateEnum(
  plan: Plan,
  after: SnapshotObject,
  removed: string[],
): void {
  const old = `${after.name.slice(0, -lastPart(after.name).length)}${
    quoteIdentifier(`${unquote(lastPart(after.name))}__old`)
  }`;
  const sql = [
    `ALTER TYPE ${after.name} RENAME TO ${
      quoteIdentifier(`${unquote(lastPart(after.name))}__old`)
    };`,
    after.definition,
  ];
  for (const column of plan.from.ofKind("column")) {
    const type = column.attributes.type;
    if (type !== after.name && type !== `${after.name}[]`) continue;
    const target = plan.to.get("column", column.name);
    if (target === undefined || target.attributes.type !== type) continue;
    const table = column.parent!;
    const local = localName(column.name, table);
    const alter = `ALTER TABLE ${table} ALTER COLUMN ${local}`;
    if (column.attributes.default) sql.push(`${alter} DROP DEFAULT;`);
    sql.push(`${alter} TYPE ${type} USING ${local}::text::${type};`);
    if (target.attributes.default) sql.push(`${alter} SET DEFAULT ${target.attributes.default};`);
    plan.touchColumn(table, local);
  }
  plan.touch(after.name);
  plan.renewed.add(keyOf(after));
  plan.add({ sql, rank: RANK.retypeColumn, creates: names(after.name), frees: after.name });
  // Last: a table being rebuilt still uses the old type until it is dropped.
  plan.add({ sql: [`DROP TYPE ${old};`], rank: RANK.dropType });
  const what = removed.length > 0
    ? `loses ${removed.join(", ")}`
    : "changes the order of its values";
  plan.note(
    "recreate",
    `enum ${after.name} ${what}: a value cannot be removed, so the type is recreated and its ` +
      `columns converted; rows holding a removed value make that fail`,
    true,
  );
}

function alterDomain(plan: Plan, before: SnapshotObject, after: SnapshotObject): void {
  const was = before.attributes;
  const now = after.attributes;
  if (was.type !== now.type) return recreateType(plan, before, after);
  const sql: string[] = [];
  const alter = `ALTER DOMAIN ${after.name}`;
  if (was.default !== now.default) {
    sql.push(now.default ? `${alter} SET DEFAULT ${now.default};` : `${alter} DROP DEFAULT;`);
  }
  if (was["not null"] !== now["not null"]) {
    sql.push(`${alter} ${now["not null"] ? "SET" : "DROP"} NOT NULL;`);
  }
  const checks = (value?: string) => value ? value.split("\n") : [];
  const name = (check: string) => /^CONSTRAINT ((?:"(?:[^"]|"")+"|\S+))/.exec(check)![1];
  for (const check of checks(was.checks).filter((c) => !checks(now.checks).includes(c))) {
    sql.push(`${alter} DROP CONSTRAINT ${name(check)};`);
  }
  for (const check of checks(now.checks).filter((c) => !checks(was.checks).includes(c))) {
    sql.push(`${alter} ADD ${check};`);
  }
  if (sql.length > 0) plan.add({ sql, rank: RANK.alterColumn, needs: sql.join("\n") });
}

function alterComposite(plan: Plan, before: SnapshotObject, after: SnapshotObject): void {
  const parse = (value?: string) => splitTopLevel((value ?? "()").slice(1, -1));
  const was = parse(before.attributes.attributes);
  const now = parse(after.attributes.attributes);
  const nameOf = (a: string) => /^("(?:[^"]|"")+"|\S+)/.exec(a)![1];
  const wasNames = was.map(nameOf);
  const nowNames = now.map(nameOf);
  const kept = wasNames.filter((n) => nowNames.includes(n));
  const result = [...kept, ...nowNames.filter((n) => !kept.includes(n))];
  if (result.join(",") !== nowNames.join(",")) return recreateType(plan, before, after);
  const sql: string[] = [];
  const alter = `ALTER TYPE ${after.name}`;
  for (const a of was) {
    if (!nowNames.includes(nameOf(a))) sql.push(`${alter} DROP ATTRIBUTE ${nameOf(a)};`);
  }
  for (const a of now) {
    const previous = was.find((w) => nameOf(w) === nameOf(a));
    if (previous === undefined) sql.push(`${alter} ADD ATTRIBUTE ${a};`);
    else if (previous !== a) {
      sql.push(`${alter} ALTER ATTRIBUTE ${nameOf(a)} TYPE ${a.slice(nameOf(a).length + 1)};`);
    }
  }
  plan.add({ sql, rank: RANK.alterColumn, needs: sql.join("\n") });
}
