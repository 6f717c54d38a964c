/**
 * A migration's up as `tide lint` reads it: the statements tide sends (templates rendered, split
 * the way `runScript` splits them), each with its line in the file, its leading comments (where
 * suppressions are written) and its syntax tree.
 *
 * @module
 */
import { renderScript } from "../files/templates.ts";
import type { Migration } from "../files/migration.ts";
import { positionAt } from "../sql/position.ts";
import { splitStatements } from "../sql/split.ts";
import { type Node, nodeOf, relationName, type SqlParser } from "./sql_parser.ts";

/** One statement of an up. */
export interface LintStatement {
  /** 0-based index, as `runScript` numbers it. */
  index: number;
  /** The statement as sent, leading comments included. */
  text: string;
  /** The comment lines before the statement's SQL, `--` and `/*` markers left in. */
  comments: string[];
  /** 1-based line of the statement's first SQL character in the file. */
  line: number;
  /** 1-based column of it. */
  column: number;
  /** Its syntax tree; `undefined` when the parser does not read it. */
  node?: Node;
}

/**
 * The statements of `migration`'s up, rendered for `schema`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadParser } from "./sql_parser.ts";
 * import { upStatements } from "./statements.ts";
 *
 * const sql = "CREATE TABLE t (id int);\n\n-- tide:allow drop-table unused\nDROP TABLE t;\n";
 * const up = { path: "001_t.up.sql", sql, line: 1, column: 1 };
 * const migration = { version: "001", name: "t", up, noTransaction: false, checksum: "" };
 * const [, drop] = upStatements(migration, await loadParser());
 * assert.equal(drop.line, 4);
 * assert.deepEqual(drop.comments, ["-- tide:allow drop-table unused"]);
 * ```
 */
export function upStatements(
  migration: Migration,
  parse: SqlParser,
  schema?: string,
): LintStatement[] {
  const script = migration.up;
  const rendered = renderScript(script, { schema });
  return splitStatements(rendered.text).map(({ text, offset }, index) => {
    const { comments, code } = leadingComments(text);
    const at = positionAt(script.sql, rendered.sourceOffset(offset + code), script);
    return { index, text, comments, line: at.line, column: at.column, node: parse(text) };
  });
}

/** The comments before a statement's SQL, and the offset of its first SQL character. */
function leadingComments(text: string): { comments: string[]; code: number } {
  const comments: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) i++;
    else if (text.startsWith("--", i)) {
      const end = text.slice(i).search(/[\r\n]/);
      const stop = end === -1 ? text.length : i + end;
      comments.push(text.slice(i, stop));
      i = stop;
    } else if (text.startsWith("/*", i)) {
      const stop = text.indexOf("*/", i);
      const end = stop === -1 ? text.length : stop + 2;
      comments.push(text.slice(i, end));
      i = end;
    } else break;
  }
  return { comments, code: i };
}

/**
 * The tables (as written) a script alters, indexes, renames or changes rows of; `undefined`
 * when a statement is not understood (a DO block, a function call, what the parser refuses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadParser } from "./sql_parser.ts";
 * import { tablesChanged } from "./statements.ts";
 *
 * const parse = await loadParser();
 * const sql = "CREATE TABLE b (a_id int REFERENCES a);\nCREATE INDEX ON a (x);\nUPDATE c SET y = 1;";
 * assert.deepEqual(tablesChanged(sql, parse), ["a", "c"]);
 * assert.equal(tablesChanged("DO $$ BEGIN END $$;", parse), undefined);
 * ```
 */
export function tablesChanged(sql: string, parse: SqlParser): string[] | undefined {
  const names: string[] = [];
  for (const { text } of splitStatements(sql)) {
    const node = parse(text);
    if (node === undefined || UNKNOWN.some((kind) => kind in node)) return undefined;
    const relation = nodeOf(node, "AlterTableStmt")?.relation ??
      nodeOf(node, "IndexStmt")?.relation ??
      nodeOf(node, "RenameStmt")?.relation ?? nodeOf(node, "UpdateStmt")?.relation ??
      nodeOf(node, "DeleteStmt")?.relation ?? nodeOf(node, "InsertStmt")?.relation;
    if (relation) names.push(relationName(relation));
    for (const truncated of nodeOf(node, "TruncateStmt")?.relations ?? []) {
      names.push(relationName(nodeOf(truncated, "RangeVar")));
    }
  }
  return [...new Set(names)];
}

/** Statements whose effect on tables the parse does not tell. */
const UNKNOWN = ["DoStmt", "CallStmt", "SelectStmt", "ExecuteStmt"];
