/**
 * PostgreSQL's own parser (libpg-query, compiled to WebAssembly), loaded on first use so that no
 * other command pays for it, and small helpers to read its syntax trees.
 *
 * @module
 */
import type { Node, RangeVar, TypeName } from "libpg-query";

export type { Node };

/** Parses one statement; `undefined` when it is not one statement PostgreSQL's grammar reads. */
export type SqlParser = (statement: string) => Node | undefined;

let loading: Promise<SqlParser> | undefined;

/**
 * Loads the parser (once per process).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadParser } from "./sql_parser.ts";
 *
 * const parse = await loadParser();
 * assert.ok(parse("DROP TABLE users") !== undefined);
 * assert.equal(parse("DROP TABEL users"), undefined);
 * ```
 */
export function loadParser(): Promise<SqlParser> {
  loading ??= (async () => {
    const { loadModule, parseSync } = await import("libpg-query");
    await loadModule();
    return (statement: string) => {
      try {
        const stmts = parseSync(statement).stmts ?? [];
        return stmts.length === 1 ? stmts[0].stmt : undefined;
      } catch {
        return undefined;
      }
    };
  })();
  return loading;
}

/** The node types by name: `NodeOf<"AlterTableStmt">` is `AlterTableStmt`. */
type NodeMap = {
  [K in Node extends infer N ? N extends unknown ? keyof N : never : never]: Extract<
    Node,
    Record<K, unknown>
  >[K];
};

/**
 * The node of `kind` inside `node`, if it is one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadParser, nodeOf } from "./sql_parser.ts";
 *
 * const parse = await loadParser();
 * assert.equal(nodeOf(parse("CREATE TYPE mood AS ENUM ('ok')"), "CreateEnumStmt")?.vals?.length, 1);
 * assert.equal(nodeOf(parse("SELECT 1"), "CreateEnumStmt"), undefined);
 * ```
 */
export function nodeOf<K extends keyof NodeMap>(
  node: Node | undefined,
  kind: K,
): NodeMap[K] | undefined {
  if (node === undefined || !(kind in node)) return undefined;
  return (node as Record<K, NodeMap[K]>)[kind];
}

/**
 * Every node of `kind` in a list of nodes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadParser, nodeOf, nodesOf } from "./sql_parser.ts";
 *
 * const parse = await loadParser();
 * const alter = nodeOf(parse("ALTER TABLE t DROP COLUMN a, DROP COLUMN b"), "AlterTableStmt");
 * assert.equal(nodesOf(alter?.cmds, "AlterTableCmd").length, 2);
 * ```
 */
export function nodesOf<K extends keyof NodeMap>(
  nodes: readonly Node[] | undefined,
  kind: K,
): NodeMap[K][] {
  return (nodes ?? []).map((node) => nodeOf(node, kind)).filter((n) => n !== undefined);
}

/**
 * A relation's name as written: `schema.name` or `name`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relationName } from "./sql_parser.ts";
 *
 * assert.equal(relationName({ schemaname: "app", relname: "users" }), "app.users");
 * ```
 */
export function relationName(relation: RangeVar | undefined): string {
  if (relation === undefined) return "";
  return relation.schemaname
    ? `${relation.schemaname}.${relation.relname}`
    : relation.relname ?? "";
}

/**
 * A type's last name, lowercased: `int8` for `bigint`, `serial` for `serial`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { typeNameOf } from "./sql_parser.ts";
 *
 * const name = { names: [{ String: { sval: "pg_catalog" } }, { String: { sval: "int8" } }] };
 * assert.equal(typeNameOf(name), "int8");
 * ```
 */
export function typeNameOf(type: TypeName | undefined): string {
  const last = type?.names?.at(-1);
  return (nodeOf(last, "String")?.sval ?? "").toLowerCase();
}
