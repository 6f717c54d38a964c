/**
 * Questions asked around one statement, when its kind needs more than locks: the column's type
 * before and after `ALTER COLUMN ... TYPE`, the valid `CHECK`s a `SET NOT NULL` could rely on,
 * the nullable columns a primary key `USING INDEX` makes `NOT NULL`, and how many of an existing
 * table's rows an `UPDATE` changed.
 *
 * @module
 */
import type { Row } from "../drivers/driver.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import { type Node, nodeOf, nodesOf, relationName } from "./sql_parser.ts";

/** One question: its SQL, asked before or after the statement runs. */
export interface Probe {
  /** Where the answer is kept: `type:<column>`, `checks`, `nullable:<index>`, `rows`. */
  key: string;
  /** Before or after the statement. */
  when: "before" | "after";
  /** A query with `$1`... parameters. */
  sql: string;
  /** Its parameters. */
  params: unknown[];
}

/** The answers, by key and moment: `"before type:price"`. */
export type ProbeAnswers = Map<string, Row[]>;

const COLUMN_TYPE = "SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute " +
  "WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped";
const VALID_CHECKS = "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint " +
  "WHERE conrelid = to_regclass($1) AND contype = 'c' AND convalidated";
const NULLABLE_INDEX_COLUMNS = "SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a " +
  "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) " +
  "WHERE i.indexrelid = to_regclass($1) AND NOT a.attnotnull";
/**
 * The rows of a table, and those this transaction wrote: an UPDATE's new row versions carry its
 * transaction id as `xmin` (`txid_current()` holds the epoch in its upper 32 bits).
 */
const ROWS_CHANGED = (table: string) =>
  "SELECT count(*)::int AS total, count(*) FILTER (WHERE xmin::text::bigint = " +
  `txid_current() % 4294967296)::int AS changed FROM ${table}`;

/** An existing table's SQL name (quoted) from its name as written; `undefined` for others. */
export type TableLookup = (name: string) => string | undefined;

/**
 * The probes a statement needs; none for most. `existing` names the existing tables (an UPDATE of
 * one is counted; of a view or a new table, not).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadParser } from "./sql_parser.ts";
 * import { probesFor } from "./probes.ts";
 *
 * const parse = await loadParser();
 * const probes = probesFor(parse("ALTER TABLE prices ALTER price TYPE bigint"));
 * assert.deepEqual(probes.map((p) => `${p.when} ${p.key}`), ["before type:price", "after type:price"]);
 * const table = (name: string) => name === "users" ? '"public"."users"' : undefined;
 * assert.deepEqual(probesFor(parse("UPDATE users SET a = 1"), table).map((p) => p.key), ["rows"]);
 * assert.deepEqual(probesFor(parse("UPDATE posts SET a = 1"), table), []);
 * ```
 */
export function probesFor(
  node: Node | undefined,
  existing: TableLookup = () => undefined,
): Probe[] {
  const updated = nodeOf(node, "UpdateStmt")?.relation;
  const target = updated && existing(relationName(updated));
  if (target) return [{ key: "rows", when: "after", sql: ROWS_CHANGED(target), params: [] }];
  const alter = nodeOf(node, "AlterTableStmt");
  if (alter?.relation === undefined) return [];
  const table = qualified(alter.relation.schemaname, alter.relation.relname ?? "");
  const probes: Probe[] = [];
  for (const cmd of nodesOf(alter.cmds, "AlterTableCmd")) {
    if (cmd.subtype === "AT_AlterColumnType" && cmd.name) {
      for (const when of ["before", "after"] as const) {
        probes.push({ key: `type:${cmd.name}`, when, sql: COLUMN_TYPE, params: [table, cmd.name] });
      }
    }
    if (cmd.subtype === "AT_SetNotNull" && !probes.some((p) => p.key === "checks")) {
      probes.push({ key: "checks", when: "before", sql: VALID_CHECKS, params: [table] });
    }
    const constraint = nodeOf(cmd.def, "Constraint");
    if (constraint?.contype === "CONSTR_PRIMARY" && constraint.indexname) {
      const index = qualified(alter.relation.schemaname, constraint.indexname);
      probes.push({
        key: `nullable:${constraint.indexname}`,
        when: "before",
        sql: NULLABLE_INDEX_COLUMNS,
        params: [index],
      });
    }
  }
  return probes;
}

function qualified(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdentifier(schema)}.${quoteIdentifier(name)}` : quoteIdentifier(name);
}
