/**
 * Schema and runner rules read from the SQL: `json` where `jsonb` was meant, an enum type where a
 * lookup table would do, several ALTER TABLEs of one table, CONCURRENTLY where tide runs the
 * migration in a transaction, DROP INDEX without CONCURRENTLY, and transaction control inside
 * a migration.
 *
 * @module
 */
import type { ColumnDef, Node } from "libpg-query";
import {
  type Draft,
  existedBefore,
  measuredAt,
  type Rule,
  type RuleContext,
} from "./rule_context.ts";
import { nodeOf, nodesOf, relationName, typeNameOf } from "./sql_parser.ts";
import type { LintStatement } from "./statements.ts";

function evidence(context: RuleContext, statement: LintStatement) {
  return { measured: measuredAt(context, statement.index) !== undefined };
}

/** The column definitions a statement writes: CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE. */
function columnsOf(node: Node | undefined): ColumnDef[] {
  const create = nodeOf(node, "CreateStmt");
  if (create) return nodesOf(create.tableElts, "ColumnDef");
  const cmds = nodesOf(nodeOf(node, "AlterTableStmt")?.cmds, "AlterTableCmd");
  return cmds.filter((cmd) =>
    cmd.subtype === "AT_AddColumn" || cmd.subtype === "AT_AlterColumnType"
  )
    .flatMap((cmd) => {
      const column = nodeOf(cmd.def, "ColumnDef");
      return column ? [{ ...column, colname: column.colname ?? cmd.name }] : [];
    });
}

/** `prefer-jsonb`. */
export const jsonRule: Rule = (context) =>
  context.statements.flatMap((statement) =>
    columnsOf(statement.node).filter((column) => typeNameOf(column.typeName) === "json")
      .map((column): Draft => ({
        rule: "prefer-jsonb",
        statement: statement.index,
        message:
          `${column.colname} is json: it has no equality, so SELECT DISTINCT, GROUP BY and ` +
          "UNION on it fail, and it cannot be indexed like jsonb.",
        evidence: evidence(context, statement),
        fix: `Declare ${column.colname} jsonb.`,
      }))
  );

/** `enum-type`. */
export const enumRule: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const create = nodeOf(statement.node, "CreateEnumStmt");
    if (!create) return [];
    const name = (create.typeName ?? []).map((n) => nodeOf(n, "String")?.sval).join(".");
    return [{
      rule: "enum-type",
      statement: statement.index,
      message: `CREATE TYPE ${name} AS ENUM: a value can be added but not removed or renamed ` +
        "without rewriting every column using it, and it cannot carry more data.",
      evidence: evidence(context, statement),
    }];
  });

/** `multiple-alter-table`: a second ALTER TABLE of an existing table that could join the first. */
export const multipleAlterRule: Rule = (context) => {
  const first = new Map<string, LintStatement>();
  return context.statements.flatMap((statement): Draft[] => {
    const alter = nodeOf(statement.node, "AlterTableStmt");
    const table = relationName(alter?.relation);
    if (
      !alter || alter.objtype !== "OBJECT_TABLE" || !existedBefore(context, table, statement.index)
    ) {
      return [];
    }
    const earlier = first.get(table);
    if (!earlier) {
      first.set(table, statement);
      return [];
    }
    return [{
      rule: "multiple-alter-table",
      statement: statement.index,
      message: `A second ALTER TABLE of ${table} (the first is on line ${earlier.line}): each ` +
        "takes the lock again and may scan or rewrite the table again.",
      evidence: evidence(context, statement),
      fix: `Write one ALTER TABLE ${table} with both actions, separated by commas.`,
    }];
  });
};

/** What a statement does CONCURRENTLY, if anything. */
function concurrently(node: Node | undefined): string | undefined {
  if (nodeOf(node, "IndexStmt")?.concurrent) return "CREATE INDEX CONCURRENTLY";
  if (nodeOf(node, "DropStmt")?.concurrent) return "DROP INDEX CONCURRENTLY";
  const reindex = nodeOf(node, "ReindexStmt");
  if (nodesOf(reindex?.params, "DefElem").some((d) => d.defname === "concurrently")) {
    return "REINDEX CONCURRENTLY";
  }
  const cmds = nodesOf(nodeOf(node, "AlterTableStmt")?.cmds, "AlterTableCmd");
  const detach = cmds.some((cmd) => nodeOf(cmd.def, "PartitionCmd")?.concurrent);
  return detach ? "DETACH PARTITION CONCURRENTLY" : undefined;
}

/** `concurrently-in-transaction`. */
export const concurrentlyRule: Rule = (context) => {
  if (context.migration.noTransaction) return [];
  return context.statements.flatMap((statement): Draft[] => {
    const what = concurrently(statement.node);
    if (!what) return [];
    return [{
      rule: "concurrently-in-transaction",
      statement: statement.index,
      message: `${what} cannot run inside a transaction block, and tide runs this migration in ` +
        "one: it fails.",
      evidence: { measured: false },
    }];
  });
};

/** `drop-index-not-concurrent`. */
export const dropIndexRule: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const drop = nodeOf(statement.node, "DropStmt");
    if (drop?.removeType !== "OBJECT_INDEX" || drop.concurrent) return [];
    const names = (drop.objects ?? []).map((o) =>
      (nodeOf(o, "List")?.items ?? []).map((i) => nodeOf(i, "String")?.sval).join(".")
    ).filter((name) => existedBefore(context, name, statement.index));
    if (names.length === 0) return [];
    return [{
      rule: "drop-index-not-concurrent",
      statement: statement.index,
      message: `DROP INDEX ${names.join(", ")} takes ACCESS EXCLUSIVE on its table, blocking ` +
        "reads and writes while it waits and while it runs.",
      evidence: evidence(context, statement),
      fix: `DROP INDEX CONCURRENTLY ${names.join(", ")}, alone in a migration marked ` +
        "-- tide:no-transaction.",
    }];
  });

const CONTROL = [
  "TRANS_STMT_BEGIN",
  "TRANS_STMT_START",
  "TRANS_STMT_COMMIT",
  "TRANS_STMT_ROLLBACK",
];

/** `transaction-control`. */
export const transactionRule: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const kind = nodeOf(statement.node, "TransactionStmt")?.kind;
    if (!kind || !CONTROL.includes(kind)) return [];
    const word = kind.replace("TRANS_STMT_", "");
    return [{
      rule: "transaction-control",
      statement: statement.index,
      message: context.migration.noTransaction
        ? `${word} in a -- tide:no-transaction migration: tide cannot tell which statements ran ` +
          "if it fails halfway."
        : `${word} inside a migration tide runs in its own transaction: it ends tide's ` +
          "transaction early, and what follows is no longer undone on failure.",
      evidence: evidence(context, statement),
    }];
  });
