/**
 * What a rule sees of one migration: its statements (with syntax trees), what was measured of
 * each, and helpers that name relations and say whether one existed before the migration.
 *
 * @module
 */
import type { Migration } from "../files/migration.ts";
import { blockedBy, type LockMode } from "./lock_modes.ts";
import type { MigrationMeasurement, StatementMeasurement } from "./measurement.ts";
import type { Evidence } from "./report.ts";
import type { RuleId } from "./rules.ts";
import { nodeOf, relationName } from "./sql_parser.ts";
import type { LintStatement } from "./statements.ts";

/** A finding before its severity, file and line are filled in. */
export interface Draft {
  /** Its rule. */
  rule: RuleId;
  /** Index of the statement it is about. */
  statement: number;
  /** What the statement does. */
  message: string;
  /** What was seen. */
  evidence: Evidence;
  /** A safe alternative in the statement's own names; the rule's general one otherwise. */
  fix?: string;
}

/** What a rule gets. */
export interface RuleContext {
  /** The migration. */
  migration: Migration;
  /** Its up's statements. */
  statements: readonly LintStatement[];
  /** What was measured; `undefined` when nothing ran. */
  measurement?: MigrationMeasurement;
}

/** A rule: the findings it makes of one migration. */
export type Rule = (context: RuleContext) => Draft[];

/**
 * What was measured of statement `index`, if it ran.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { measuredAt } from "./rule_context.ts";
 *
 * const up = { path: "001_a.sql", sql: "SELECT 1", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "" };
 * assert.equal(measuredAt({ migration, statements: [] }, 0), undefined);
 * ```
 */
export function measuredAt(
  context: RuleContext,
  index: number,
): StatementMeasurement | undefined {
  return context.measurement?.statements.get(index);
}

/**
 * Whether the relation a statement names existed before the migration: measured when the up
 * ran, else "not created by an earlier statement of the migration".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadParser } from "./sql_parser.ts";
 * import { upStatements } from "./statements.ts";
 * import { existedBefore } from "./rule_context.ts";
 *
 * const sql = "CREATE TABLE a (id int);\nALTER TABLE a ADD b int;\nALTER TABLE c ADD d int;";
 * const up = { path: "001_a.sql", sql, line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "" };
 * const context = { migration, statements: upStatements(migration, await loadParser()) };
 * assert.equal(existedBefore(context, "a", 1), false);
 * assert.equal(existedBefore(context, "c", 2), true);
 * ```
 */
export function existedBefore(context: RuleContext, name: string, index: number): boolean {
  if (context.measurement !== undefined) {
    return context.measurement.relations.find(name) !== undefined;
  }
  return !context.statements.slice(0, index).some((statement) => createdBy(statement) === name);
}

/**
 * Whether `table` holds the application's rows: it existed before the migration, and earlier
 * migrations did not insert its rows (reference data, which a migration may well reseed or
 * rewrite; production holds just those rows).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadParser } from "./sql_parser.ts";
 * import { upStatements } from "./statements.ts";
 * import { holdsAppRows } from "./rule_context.ts";
 *
 * const sql = "CREATE TABLE t (a int);\nUPDATE t SET a = 1;\nUPDATE users SET a = 1;";
 * const up = { path: "001_a.sql", sql, line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "" };
 * const context = { migration, statements: upStatements(migration, await loadParser()) };
 * assert.equal(holdsAppRows(context, "t", 1), false);
 * assert.equal(holdsAppRows(context, "users", 2), true);
 * ```
 */
export function holdsAppRows(context: RuleContext, table: string, index: number): boolean {
  if (!existedBefore(context, table, index)) return false;
  const oid = context.measurement?.relations.find(table)?.oid ?? 0;
  return context.measurement?.rows.get(oid)?.kind !== "had-rows";
}

/** The relation a statement creates, as written. */
function createdBy(statement: LintStatement): string | undefined {
  const node = statement.node;
  const create = nodeOf(node, "CreateStmt");
  if (create) return relationName(create.relation);
  const index = nodeOf(node, "IndexStmt");
  if (index?.idxname) {
    return index.relation?.schemaname
      ? `${index.relation.schemaname}.${index.idxname}`
      : index.idxname;
  }
  const view = nodeOf(node, "ViewStmt");
  if (view) return relationName(view.view);
  return relationName(nodeOf(node, "CreateTableAsStmt")?.into?.rel) || undefined;
}

/**
 * `schema.name` of an existing relation, by oid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nameOf } from "./rule_context.ts";
 *
 * const up = { path: "001_a.sql", sql: "SELECT 1", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "" };
 * assert.equal(nameOf({ migration, statements: [] }, 42), "relation 42");
 * ```
 */
export function nameOf(context: RuleContext, oid: number): string {
  const relation = context.measurement?.relations.byOid.get(oid);
  return relation ? `${relation.schema}.${relation.name}` : `relation ${oid}`;
}

/**
 * The evidence of a lock on an existing relation, with the rows its table held.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockEvidence } from "./rule_context.ts";
 *
 * const up = { path: "001_a.sql", sql: "SELECT 1", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "" };
 * const evidence = lockEvidence({ migration, statements: [] }, 42, "ShareLock");
 * assert.deepEqual(evidence.lock?.blocks, ["writes", "ddl"]);
 * ```
 */
export function lockEvidence(context: RuleContext, oid: number, mode: LockMode): Evidence {
  return {
    measured: true,
    lock: { relation: nameOf(context, oid), mode, blocks: blockedBy(mode) },
  };
}

/**
 * The rows a table held while measured: seeded ones, `null` when unknown; with a note when the
 * table could not be filled.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowsOf } from "./rule_context.ts";
 *
 * const up = { path: "001_a.sql", sql: "SELECT 1", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "" };
 * assert.deepEqual(rowsOf({ migration, statements: [] }, 42), { rows: null });
 * ```
 */
export function rowsOf(context: RuleContext, oid: number): { rows: number | null; note?: string } {
  const outcome = context.measurement?.rows.get(oid);
  if (outcome?.kind === "seeded") return { rows: outcome.rows };
  if (outcome?.kind === "skipped") {
    return { rows: 0, note: `${nameOf(context, oid)} could not be filled: ${outcome.reason}` };
  }
  return { rows: null };
}

/**
 * "3 rows" or "its rows", for messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowsWords } from "./rule_context.ts";
 *
 * assert.equal(rowsWords(3), "all 3 rows here");
 * assert.equal(rowsWords(null), "every row");
 * ```
 */
export function rowsWords(rows: number | null): string {
  return rows === null || rows === 0 ? "every row" : `all ${rows} rows here`;
}
