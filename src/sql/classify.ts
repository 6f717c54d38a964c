/**
 * What kind of statement a piece of SQL is, for the statements tide cannot run as a migration
 * asks: `COPY` with the client as the source or sink of its rows, and transaction control.
 * Pure: text in, a classification out.
 *
 * @module
 */
import { sqlTokens } from "./split.ts";

/**
 * The kinds {@linkcode classifyStatement} tells apart: `COPY ... FROM STDIN` and
 * `COPY ... TO STDOUT`, statements that start, end or prepare a transaction, savepoint
 * statements (which keep the transaction around them), and everything else.
 */
export type StatementKind =
  | "copy-from-stdin"
  | "copy-to-stdout"
  | "transaction-control"
  | "savepoint"
  | "other";

/** A statement's kind, the words that make it so, and where they start. */
export interface StatementClass {
  /** The kind. */
  kind: StatementKind;
  /** The statement's leading words in capitals, as a message names it: `"ROLLBACK PREPARED"`. */
  command: string;
  /** 0-based UTF-16 offset of its first word in the text (after leading comments). */
  offset: number;
}

/** The client-side COPY kinds; why tide refuses each is `CLIENT_COPY_ADVICE` (client_copy.ts). */
export type ClientCopyKind = Extract<StatementKind, "copy-from-stdin" | "copy-to-stdout">;

/**
 * Classifies one statement (as {@linkcode splitStatements} cuts it: comments may lead).
 * `BEGIN ATOMIC` bodies and `DO` blocks start with other words, so their `BEGIN ... END` are
 * never taken for transaction control.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classifyStatement } from "./classify.ts";
 *
 * assert.equal(classifyStatement("-- load\nCOPY t (a) FROM stdin").kind, "copy-from-stdin");
 * assert.equal(classifyStatement("COPY (SELECT 1) TO '/tmp/x'").kind, "other");
 * assert.deepEqual(classifyStatement("  COMMIT PREPARED 'x'"), {
 *   kind: "transaction-control",
 *   command: "COMMIT PREPARED",
 *   offset: 2,
 * });
 * assert.equal(classifyStatement("ROLLBACK TO SAVEPOINT s").kind, "savepoint");
 * assert.equal(classifyStatement("DO $$ BEGIN COMMIT; END $$").kind, "other");
 * ```
 */
export function classifyStatement(text: string): StatementClass {
  const tokens = [...sqlTokens(text)];
  const [w1, w2, w3] = tokens.slice(0, 3).map((token) => token.word ?? "");
  const offset = tokens[0]?.offset ?? 0;
  const as = (kind: StatementKind, words: number): StatementClass => ({
    kind,
    command: [w1, w2, w3].slice(0, words).join(" ").toUpperCase(),
    offset,
  });
  switch (w1) {
    case "copy":
      return classifyCopy(tokens, offset);
    case "begin":
    case "end":
    case "abort":
      return as("transaction-control", 1);
    case "commit":
      return as("transaction-control", w2 === "prepared" ? 2 : 1);
    case "start":
    case "prepare":
      return w2 === "transaction" ? as("transaction-control", 2) : as("other", 1);
    case "rollback":
      if (w2 === "prepared") return as("transaction-control", 2);
      if (w2 === "to" || ((w2 === "work" || w2 === "transaction") && w3 === "to")) {
        return as("savepoint", 1);
      }
      return as("transaction-control", 1);
    case "savepoint":
    case "release":
      return as("savepoint", 1);
    default:
      return as("other", 1);
  }
}

/** `COPY ... FROM STDIN` or `COPY ... TO STDOUT`: the first `FROM`/`TO` outside parentheses. */
function classifyCopy(tokens: readonly { word?: string; depth: number }[], offset: number) {
  const at = tokens.findIndex((t, i) => i > 0 && t.depth === 0 && /^(from|to)$/.test(t.word ?? ""));
  const [direction, target] = [tokens[at]?.word, tokens[at + 1]?.word];
  const kind: StatementKind = direction === "from" && target === "stdin"
    ? "copy-from-stdin"
    : direction === "to" && target === "stdout"
    ? "copy-to-stdout"
    : "other";
  const command = kind === "other" ? "COPY" : `COPY ... ${direction} ${target}`.toUpperCase();
  return { kind, command, offset };
}
