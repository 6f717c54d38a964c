/**
 * Splits SQL text into statements, the way psql does, so a `-- tide:no-transaction` migration
 * can run one statement at a time (several statements sent at once run as one implicit
 * transaction, which `CREATE INDEX CONCURRENTLY` refuses).
 *
 * @module
 */

/** One statement of a script. */
export interface SqlStatement {
  /** The statement text, without the `;` that ends it and without surrounding whitespace. */
  text: string;
  /** 0-based UTF-16 offset of `text` in the script. */
  offset: number;
}

/** What the scanner is in the middle of, between calls to `step()`. */
interface ScanState {
  sql: string;
  i: number;
  parenDepth: number;
  /** `BEGIN ATOMIC ... END` and `CASE ... END` nesting, as psql counts it. */
  beginDepth: number;
  wordsInStatement: number;
  /** A character other than whitespace or comment was seen in this statement. */
  hasCode: boolean;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * Splits `sql` on `;` outside of `'...'` strings (`''` escapes), `E'...'` strings (backslash
 * escapes), `"..."` identifiers, `$tag$...$tag$` dollar quotes, `--` comments, nested
 * `/* *\/` comments, parentheses and SQL-standard `BEGIN ATOMIC ... END` function bodies.
 * Pieces holding only whitespace and comments are dropped. Offsets are UTF-16 offsets in `sql`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitStatements } from "./split.ts";
 *
 * const sql = "CREATE TABLE t (x text DEFAULT ';');\n-- done\nSELECT $$;$$;";
 * assert.deepEqual(splitStatements(sql).map((s) => [s.text, s.offset]), [
 *   ["CREATE TABLE t (x text DEFAULT ';')", 0],
 *   ["-- done\nSELECT $$;$$", 37],
 * ]);
 * ```
 */
export function splitStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  const state: ScanState = {
    sql,
    i: 0,
    parenDepth: 0,
    beginDepth: 0,
    wordsInStatement: 0,
    hasCode: false,
  };
  let start = 0;
  while (state.i < sql.length) {
    if (step(state)) {
      if (state.hasCode) statements.push(trimmed(sql, start, state.i - 1));
      start = state.i;
      state.wordsInStatement = 0;
      state.hasCode = false;
    }
  }
  if (state.hasCode) statements.push(trimmed(sql, start, sql.length));
  return statements;
}

/** Advances past one token; returns true when that token was a statement-ending `;`. */
function step(state: ScanState): boolean {
  const { sql, i } = state;
  const char = sql[i];
  const next = sql[i + 1];
  if (char === "-" && next === "-") {
    state.i = endOfLine(sql, i);
    return false;
  }
  if (char === "/" && next === "*") {
    state.i = endOfBlockComment(sql, i);
    return false;
  }
  if (/\s/.test(char)) {
    state.i++;
    return false;
  }
  if (char === ";" && state.parenDepth === 0 && state.beginDepth === 0) {
    state.i++;
    return true;
  }
  state.hasCode = true;
  if (char === "'") state.i = endOfString(sql, i + 1, isEscapeStringPrefix(sql, i));
  else if (char === '"') state.i = endOfQuoted(sql, i + 1, '"');
  else if (char === "$" && !isWordPartAt(sql, i - 1)) state.i = endOfDollarQuote(sql, i);
  else if (WORD_START.test(char)) scanWord(state);
  else {
    state.i++;
    if (char === "(") state.parenDepth++;
    else if (char === ")") state.parenDepth = Math.max(0, state.parenDepth - 1);
  }
  return false;
}

/** Counts `BEGIN`/`CASE` ... `END` like psql: a leading `BEGIN` starts a transaction instead. */
function scanWord(state: ScanState): void {
  const start = state.i;
  while (state.i < state.sql.length && isWordPartAt(state.sql, state.i)) state.i++;
  const word = state.sql.slice(start, state.i).toLowerCase();
  state.wordsInStatement++;
  if ((word === "begin" || word === "case") && state.wordsInStatement > 1) state.beginDepth++;
  else if (word === "end" && state.beginDepth > 0) state.beginDepth--;
}

function isWordPartAt(sql: string, i: number): boolean {
  return i >= 0 && i < sql.length && WORD_PART.test(sql[i]);
}

/** `E'...'` (any case) starts a string with backslash escapes, unless the E ends a longer word. */
function isEscapeStringPrefix(sql: string, quote: number): boolean {
  const prefix = sql[quote - 1];
  return (prefix === "E" || prefix === "e") && !isWordPartAt(sql, quote - 2);
}

function endOfLine(sql: string, i: number): number {
  while (i < sql.length && sql[i] !== "\n" && sql[i] !== "\r") i++;
  return i;
}

function endOfBlockComment(sql: string, i: number): number {
  let depth = 0;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}

/** Index just past the closing quote of a `'...'` string whose body starts at `i`. */
function endOfString(sql: string, i: number, backslashEscapes: boolean): number {
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === "\\") i += 2;
    else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
    else if (sql[i] === "'") return i + 1;
    else i++;
  }
  return sql.length;
}

/** Index just past the closing `quote`; a doubled quote is an escaped one. */
function endOfQuoted(sql: string, i: number, quote: string): number {
  while (i < sql.length) {
    if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

/** Index just past a dollar-quoted string starting at `i`, or `i + 1` for a lone `$`. */
function endOfDollarQuote(sql: string, i: number): number {
  DOLLAR_TAG.lastIndex = i;
  const match = DOLLAR_TAG.exec(sql);
  if (match === null) return i + 1;
  const tag = match[0];
  const close = sql.indexOf(tag, i + tag.length);
  return close === -1 ? sql.length : close + tag.length;
}

function trimmed(sql: string, start: number, end: number): SqlStatement {
  const piece = sql.slice(start, end);
  const leading = piece.length - piece.trimStart().length;
  return { text: piece.trim(), offset: start + leading };
}

/** A token of one statement, as {@linkcode sqlTokens} yields it. */
export interface SqlToken {
  /** A bare word (a keyword or an unquoted identifier), lower-cased; absent for anything else. */
  word?: string;
  /** 0-based UTF-16 offset of the token in the text. */
  offset: number;
  /** Parentheses open around the token. */
  depth: number;
}

/**
 * The tokens of SQL text, comments and whitespace left out: bare words, and every string,
 * quoted identifier, dollar-quoted body and punctuation character as one token without a word.
 * Quoting rules are those of {@linkcode splitStatements}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqlTokens } from "./split.ts";
 *
 * const words = [...sqlTokens("/* c *\/ COPY t (a) FROM 'f'")].map((t) => t.word ?? "·");
 * assert.deepEqual(words, ["copy", "t", "·", "a", "·", "from", "·"]);
 * ```
 */
export function* sqlTokens(sql: string): Generator<SqlToken> {
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const char = sql[i];
    const start = i;
    if (char === "-" && sql[i + 1] === "-") i = endOfLine(sql, i);
    else if (char === "/" && sql[i + 1] === "*") i = endOfBlockComment(sql, i);
    else if (/\s/.test(char)) i++;
    else if (WORD_START.test(char)) {
      while (i < sql.length && isWordPartAt(sql, i)) i++;
      yield { word: sql.slice(start, i).toLowerCase(), offset: start, depth };
    } else {
      if (char === "'") i = endOfString(sql, i + 1, isEscapeStringPrefix(sql, i));
      else if (char === '"') i = endOfQuoted(sql, i + 1, '"');
      else if (char === "$" && !isWordPartAt(sql, i - 1)) i = endOfDollarQuote(sql, i);
      else i++;
      if (char === ")") depth = Math.max(0, depth - 1);
      yield { offset: start, depth };
      if (char === "(") depth++;
    }
  }
}
