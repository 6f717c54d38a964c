/**
 * Scans under a lock: a constraint checked against every row (`constraint-scan`), `SET NOT NULL`
 * without a valid `CHECK (col IS NOT NULL)` (`set-not-null-scan`), an index built without
 * `CONCURRENTLY` (`index-not-concurrent`), a unique, primary key or exclusion constraint that
 * builds its own index (`constraint-builds-index`), and a primary key `USING INDEX` on nullable
 * columns (`primary-key-sets-not-null`). Measured where the statement ran; read from the SQL
 * where it did not.
 *
 * @module
 */
import { describeBlocked, type LockMode } from "./lock_modes.ts";
import type { StatementMeasurement } from "./measurement.ts";
import {
  type Draft,
  existedBefore,
  lockEvidence,
  measuredAt,
  nameOf,
  rowsOf,
  rowsWords,
  type Rule,
  type RuleContext,
} from "./rule_context.ts";
import { nodeOf, nodesOf, relationName } from "./sql_parser.ts";
import type { LintStatement } from "./statements.ts";

const KIND_WORDS: Readonly<Record<string, string>> = {
  c: "CHECK",
  f: "FOREIGN KEY",
  u: "UNIQUE",
  p: "PRIMARY KEY",
  x: "EXCLUDE",
};

/** The strongest lock a statement holds on `oid` (taken by it or before). */
function lockOn(measured: StatementMeasurement, oid: number): LockMode {
  return measured.held.get(oid) ?? "AccessExclusiveLock";
}

/** The ALTER TABLE commands of a statement, with the table they alter. */
function alterCommands(statement: LintStatement) {
  const alter = nodeOf(statement.node, "AlterTableStmt");
  return { table: relationName(alter?.relation), cmds: nodesOf(alter?.cmds, "AlterTableCmd") };
}

/** `constraint-scan` and `constraint-builds-index`. */
export const constraintRules: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const measured = measuredAt(context, statement.index);
    if (!measured) return staticConstraints(context, statement);
    // A type change drops and re-creates the constraints on the column: that is its rewrite.
    return addsConstraints(statement) ? measuredConstraints(context, measured) : [];
  });

/** Whether a statement adds constraints: ADD CONSTRAINT, or ADD COLUMN with some. */
function addsConstraints(statement: LintStatement): boolean {
  return alterCommands(statement).cmds.some((cmd) =>
    cmd.subtype === "AT_AddConstraint" ||
    (cmd.subtype === "AT_AddColumn" &&
      (nodeOf(cmd.def, "ColumnDef")?.constraints?.length ?? 0) > 0)
  );
}

function measuredConstraints(context: RuleContext, measured: StatementMeasurement): Draft[] {
  const drafts: Draft[] = [];
  for (const constraint of measured.constraints) {
    const kind = KIND_WORDS[constraint.type];
    if (kind === undefined) continue;
    const table = nameOf(context, constraint.table);
    const mode = lockOn(measured, constraint.table);
    const { rows, note } = rowsOf(context, constraint.table);
    const evidence = { ...lockEvidence(context, constraint.table, mode), note };
    if ((constraint.type === "c" || constraint.type === "f") && constraint.valid) {
      drafts.push({
        rule: "constraint-scan",
        statement: measured.index,
        message: `The ${kind} constraint "${constraint.name}" added to ${table} is checked ` +
          `against ${rowsWords(rows)} while ${mode} is held, which ${describeBlocked(mode)}.`,
        evidence: { ...evidence, scan: { relation: table, rows } },
      });
    }
    if (["u", "p", "x"].includes(constraint.type) && measured.indexes.has(constraint.index)) {
      drafts.push({
        rule: "constraint-builds-index",
        statement: measured.index,
        message: `The ${kind} constraint "${constraint.name}" builds its index on ${table}, ` +
          `reading ${rowsWords(rows)} while ${mode} is held, which ${describeBlocked(mode)}.`,
        evidence: { ...evidence, scan: { relation: table, rows } },
      });
    }
  }
  return drafts;
}

function staticConstraints(context: RuleContext, statement: LintStatement): Draft[] {
  const { table, cmds } = alterCommands(statement);
  if (!table || !existedBefore(context, table, statement.index)) return [];
  return cmds.flatMap((cmd): Draft[] => {
    const constraint = cmd.subtype === "AT_AddConstraint"
      ? nodeOf(cmd.def, "Constraint")
      : undefined;
    const contype = constraint?.contype;
    const evidence = { measured: false, scan: { relation: table, rows: null } };
    if (
      (contype === "CONSTR_CHECK" || contype === "CONSTR_FOREIGN") && !constraint?.skip_validation
    ) {
      return [{
        rule: "constraint-scan",
        statement: statement.index,
        message:
          `The constraint added to ${table} without NOT VALID is checked against every row ` +
          "under the table's lock.",
        evidence,
      }];
    }
    const builds = ["CONSTR_UNIQUE", "CONSTR_PRIMARY", "CONSTR_EXCLUSION"].includes(contype ?? "");
    if (!builds || constraint?.indexname) return [];
    return [{
      rule: "constraint-builds-index",
      statement: statement.index,
      message: `The constraint added to ${table} builds its index under the table's lock.`,
      evidence,
    }];
  });
}

/** `set-not-null-scan`: SET NOT NULL on an existing table with no valid check to rely on. */
export const setNotNullRule: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const { table, cmds } = alterCommands(statement);
    if (!table || !existedBefore(context, table, statement.index)) return [];
    const measured = measuredAt(context, statement.index);
    const checks = (measured?.probes.get("before checks") ?? []).map((row) => String(row.def));
    return cmds.filter((cmd) => cmd.subtype === "AT_SetNotNull" && cmd.name)
      .filter((cmd) => !checks.some((check) => provesNotNull(check, cmd.name!)))
      .map((cmd): Draft => {
        const oid = context.measurement?.relations.find(table)?.oid;
        const mode = measured && oid !== undefined ? lockOn(measured, oid) : "AccessExclusiveLock";
        const { rows, note } = oid === undefined ? { rows: null } : rowsOf(context, oid);
        const evidence = measured && oid !== undefined
          ? {
            ...lockEvidence(context, oid, mode),
            scan: { relation: nameOf(context, oid), rows },
            note,
          }
          : { measured: false, scan: { relation: table, rows: null } };
        return {
          rule: "set-not-null-scan",
          statement: statement.index,
          message: `SET NOT NULL on ${table}.${cmd.name} reads ${rowsWords(rows)} to check for ` +
            `nulls while ${mode} is held (no valid CHECK (${cmd.name} IS NOT NULL) to rely on), ` +
            `which ${describeBlocked(mode)}.`,
          evidence,
          fix:
            `ALTER TABLE ${table} ADD CONSTRAINT ${cmd.name}_not_null CHECK (${cmd.name} IS NOT ` +
            `NULL) NOT VALID; then, in a later migration, VALIDATE CONSTRAINT ${cmd.name}_not_null; ` +
            `then SET NOT NULL (no scan) and DROP CONSTRAINT ${cmd.name}_not_null.`,
        };
      });
  });

/** Whether a CHECK's definition (`pg_get_constraintdef`) proves `column` is never null. */
function provesNotNull(definition: string, column: string): boolean {
  if (/\bOR\b/i.test(definition)) return false;
  const name = column.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\(?"?${name}"?\\s+IS\\s+NOT\\s+NULL\\)?`, "i").test(definition);
}

/** `index-not-concurrent`: CREATE INDEX on an existing table, without CONCURRENTLY. */
export const indexRule: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const index = nodeOf(statement.node, "IndexStmt");
    if (!index || index.concurrent) return [];
    const table = relationName(index.relation);
    const measured = measuredAt(context, statement.index);
    const fix =
      `CREATE ${index.unique ? "UNIQUE " : ""}INDEX CONCURRENTLY ${index.idxname ?? ""} ` +
      `ON ${table} ..., alone in a migration marked -- tide:no-transaction.`;
    if (!measured) {
      if (!existedBefore(context, table, statement.index)) return [];
      const evidence = { measured: false, scan: { relation: table, rows: null } };
      const message = `CREATE INDEX on ${table} blocks writes to it while the index builds.`;
      return [{ rule: "index-not-concurrent", statement: statement.index, message, evidence, fix }];
    }
    return [...new Set(measured.indexes.values())].map((oid) => {
      const mode = lockOn(measured, oid);
      const { rows, note } = rowsOf(context, oid);
      return {
        rule: "index-not-concurrent",
        statement: statement.index,
        message: `CREATE INDEX on ${nameOf(context, oid)} reads ${rowsWords(rows)} to build the ` +
          `index while ${mode} is held, which ${describeBlocked(mode)}.`,
        evidence: {
          ...lockEvidence(context, oid, mode),
          scan: { relation: nameOf(context, oid), rows },
          note,
        },
        fix,
      };
    });
  });

/** `primary-key-sets-not-null`: PRIMARY KEY USING INDEX over nullable columns. */
export const primaryKeyRule: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const measured = measuredAt(context, statement.index);
    if (!measured) return [];
    return [...measured.probes].filter(([key, rows]) =>
      key.startsWith("before nullable:") && rows.length > 0
    )
      .map(([key, rows]): Draft => ({
        rule: "primary-key-sets-not-null",
        statement: statement.index,
        message: `PRIMARY KEY USING INDEX ${key.slice("before nullable:".length)} makes ` +
          `${rows.map((row) => row.name).join(", ")} NOT NULL, reading every row to check it, ` +
          "under ACCESS EXCLUSIVE.",
        evidence: {
          measured: true,
          note: `nullable before: ${rows.map((row) => row.name).join(", ")}`,
        },
      }));
  });
