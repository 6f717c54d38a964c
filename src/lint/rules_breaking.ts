/**
 * What breaks data or the running application, read from the SQL: dropping a table or a column,
 * or deleting every row of a table (data loss), renaming one (the running application still uses the old name), and adding a
 * `NOT NULL` column without a default (it fails on a table with rows; measured when it did).
 *
 * @module
 */
import type { Node } from "./sql_parser.ts";
import { type Draft, existedBefore, holdsAppRows, measuredAt, type Rule } from "./rule_context.ts";
import { nodeOf, nodesOf, relationName } from "./sql_parser.ts";

/** `schema.name` of a name list (`DROP TABLE app.users`). */
function listName(node: Node): string {
  const items = nodeOf(node, "List")?.items ?? [];
  return items.map((item) => nodeOf(item, "String")?.sval ?? "").join(".");
}

/** `drop-table`. */
export const dropTableRule: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const drop = nodeOf(statement.node, "DropStmt");
    if (drop?.removeType !== "OBJECT_TABLE") return [];
    return (drop.objects ?? []).map(listName)
      .filter((table) => existedBefore(context, table, statement.index))
      .map((table): Draft => ({
        rule: "drop-table",
        statement: statement.index,
        message: `DROP TABLE ${table} deletes the table and every row in it; the application ` +
          "version still running fails on it.",
        evidence: { measured: measuredAt(context, statement.index) !== undefined },
      }));
  });

/** `delete-all-rows`: TRUNCATE, or DELETE without WHERE, of a table holding the app's rows. */
export const deleteAllRule: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const truncate = nodeOf(statement.node, "TruncateStmt");
    const remove = nodeOf(statement.node, "DeleteStmt");
    const tables = truncate
      ? nodesOf(truncate.relations, "RangeVar").map(relationName)
      : remove && remove.whereClause === undefined
      ? [relationName(remove.relation)]
      : [];
    const cascade = truncate?.behavior === "DROP_CASCADE"
      ? " and of every table referencing it"
      : "";
    return tables.filter((table) => holdsAppRows(context, table, statement.index))
      .map((table): Draft => ({
        rule: "delete-all-rows",
        statement: statement.index,
        message: `${truncate ? "TRUNCATE" : "DELETE without WHERE"} deletes every row of ${table}` +
          `${cascade}: the data is lost, and a down cannot bring it back.`,
        evidence: { measured: measuredAt(context, statement.index) !== undefined },
      }));
  });

/** `drop-column` and `not-null-without-default`. */
export const columnRules: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const alter = nodeOf(statement.node, "AlterTableStmt");
    const table = relationName(alter?.relation);
    if (!alter || !existedBefore(context, table, statement.index)) return [];
    const measured = measuredAt(context, statement.index) !== undefined;
    const failed = context.measurement?.failedWithRows;
    return nodesOf(alter.cmds, "AlterTableCmd").flatMap((cmd): Draft[] => {
      if (cmd.subtype === "AT_DropColumn") {
        return [{
          rule: "drop-column",
          statement: statement.index,
          message: `Dropping ${table}.${cmd.name} deletes its data; the application version ` +
            "still running fails when it reads or writes the column.",
          evidence: { measured },
        }];
      }
      const column = cmd.subtype === "AT_AddColumn" ? nodeOf(cmd.def, "ColumnDef") : undefined;
      const constraints = nodesOf(column?.constraints, "Constraint").map((c) => c.contype);
      const filled = ["CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"];
      if (!constraints.includes("CONSTR_NOTNULL") || constraints.some((c) => filled.includes(c!))) {
        return [];
      }
      const failure = failed?.index === statement.index ? failed.error : undefined;
      return [{
        rule: "not-null-without-default",
        statement: statement.index,
        message: `Adding ${column?.colname} NOT NULL without a default to ${table} fails as soon ` +
          "as the table has a row" + (failure ? ` (measured: ${failure})` : "") + ".",
        evidence: { measured: failure !== undefined || measured, failure },
      }];
    });
  });

/** `rename-table` and `rename-column`. */
export const renameRules: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const rename = nodeOf(statement.node, "RenameStmt");
    const table = relationName(rename?.relation);
    if (!rename || !table || !existedBefore(context, table, statement.index)) return [];
    const evidence = { measured: measuredAt(context, statement.index) !== undefined };
    if (rename.renameType === "OBJECT_TABLE") {
      return [{
        rule: "rename-table",
        statement: statement.index,
        message: `Renaming ${table} to ${rename.newname} breaks the application version still ` +
          `running: its queries name ${table}.`,
        evidence,
        fix: `Expand and contract: create ${rename.newname} (or a view of ${table} under that ` +
          `name), write to both, backfill, move the readers to ${rename.newname}, then drop ` +
          `${table} in a later release.`,
      }];
    }
    if (rename.renameType !== "OBJECT_COLUMN") return [];
    return [{
      rule: "rename-column",
      statement: statement.index,
      message: `Renaming ${table}.${rename.subname} to ${rename.newname} breaks the application ` +
        `version still running: its queries name ${rename.subname}.`,
      evidence,
      fix: `Expand and contract: add ${rename.newname}, write to both columns (a trigger or the ` +
        `application), backfill, move the readers, then drop ${rename.subname} in a later release.`,
    }];
  });

/** `fails-with-rows`: the up failed on tables with rows, not explained by another rule. */
export const failedWithRowsRule: Rule = (context) => {
  const failed = context.measurement?.failedWithRows;
  if (!failed) return [];
  return [{
    rule: "fails-with-rows",
    statement: failed.index,
    message: `This statement failed on tables holding a few generated rows: ${failed.error} ` +
      "It was measured again on empty tables.",
    evidence: { measured: true, failure: failed.error },
  }];
};

/** `apply-failed`: the up failed, so what follows the failing statement was not measured. */
export const applyFailedRule: Rule = (context) => {
  const failed = context.measurement?.failed;
  if (!failed) return [];
  return [{
    rule: "apply-failed",
    statement: failed.index,
    message: `The up failed here: ${failed.error}`,
    evidence: { measured: true, failure: failed.error },
  }];
};
