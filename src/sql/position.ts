/**
 * Positions in SQL text. PostgreSQL reports an error `position` as a 1-based count of
 * characters (code points) of the text sent, while JavaScript strings index UTF-16 code units;
 * editors want 1-based lines and columns, the latter counted in code points.
 *
 * @module
 */

/** A 1-based line and a 1-based column counted in code points. */
export interface TextPosition {
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in code points. */
  column: number;
}

/**
 * Turns a server error position (1-based, in code points) into a 0-based UTF-16 offset in
 * `text`. Positions past the end (the server says "at end of input") give `text.length`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { offsetOfServerPosition } from "./position.ts";
 *
 * // The server counts characters from 1; the emoji is one character but two UTF-16 code units.
 * assert.equal(offsetOfServerPosition("SELECT '🐘', x", 13), 13);
 * ```
 */
export function offsetOfServerPosition(text: string, position: number): number {
  let offset = 0;
  for (let remaining = position - 1; remaining > 0 && offset < text.length; remaining--) {
    offset += isHighSurrogateAt(text, offset) ? 2 : 1;
  }
  return Math.min(offset, text.length);
}

/**
 * The line and column of a 0-based UTF-16 `offset` in `text`, where `text` itself starts at
 * `start` in its file (a migration section starts after its marker line). `\n`, `\r\n` and a
 * lone `\r` each end a line. Columns count code points, like editors do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { positionAt } from "./position.ts";
 *
 * assert.deepEqual(positionAt("SELECT 1;\nSELEC 2;", 10), { line: 2, column: 1 });
 * assert.deepEqual(positionAt("SELECT 1;\nSELEC 2;", 10, { line: 5, column: 1 }), {
 *   line: 6,
 *   column: 1,
 * });
 * ```
 */
export function positionAt(
  text: string,
  offset: number,
  start: TextPosition = { line: 1, column: 1 },
): TextPosition {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = start.line;
  let column = start.column;
  for (let i = 0; i < end; i++) {
    const char = text[i];
    if (char === "\n" || (char === "\r" && text[i + 1] !== "\n")) {
      line++;
      column = 1;
    } else if (char !== "\r") {
      if (isHighSurrogateAt(text, i)) i++;
      column++;
    }
  }
  return { line, column };
}

/** True for the first half of a surrogate pair (an astral code point such as an emoji). */
function isHighSurrogateAt(text: string, offset: number): boolean {
  const code = text.charCodeAt(offset);
  if (code < 0xd800 || code > 0xdbff) return false;
  const next = text.charCodeAt(offset + 1);
  return next >= 0xdc00 && next <= 0xdfff;
}
