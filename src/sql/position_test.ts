import assert from "node:assert/strict";
import { offsetOfServerPosition, positionAt } from "./position.ts";

Deno.test("offsetOfServerPosition() counts astral code points as one character", () => {
  const text = "SELECT '🐘🐘', nope";
  // Server position of "nope": 8 chars of "SELECT '" + 2 emoji + "', " = 13 chars before it.
  assert.equal(text.slice(offsetOfServerPosition(text, 14)), "nope");
  assert.equal(offsetOfServerPosition(text, 1), 0);
});

Deno.test("offsetOfServerPosition() clamps a position at the end of input to the text length", () => {
  assert.equal(offsetOfServerPosition("SELECT", 7), 6);
  assert.equal(offsetOfServerPosition("SELECT", 100), 6);
});

Deno.test("positionAt() gives 1-based lines and code point columns", () => {
  const text = "SELECT 1;\n  SELEC 2;";
  const cases: [number, number, number][] = [
    [0, 1, 1],
    [9, 1, 10],
    [10, 2, 1],
    [12, 2, 3],
  ];
  for (const [offset, line, column] of cases) {
    assert.deepEqual(positionAt(text, offset), { line, column }, `offset ${offset}`);
  }
});

Deno.test("positionAt() counts an emoji before the error as one column", () => {
  const text = "-- 🐘 here\nSELECT '🐘', bad";
  const offset = text.indexOf("bad");
  assert.deepEqual(positionAt(text, offset), { line: 2, column: 13 });
});

Deno.test("positionAt() treats CRLF and lone CR as one line break each", () => {
  assert.deepEqual(positionAt("a\r\nb\rc", 5), { line: 3, column: 1 });
  assert.deepEqual(positionAt("a\r\nbx", 4), { line: 2, column: 2 });
});

Deno.test("positionAt() shifts by where the text starts in its file", () => {
  assert.deepEqual(positionAt("x y", 2, { line: 4, column: 3 }), { line: 4, column: 5 });
  assert.deepEqual(positionAt("x\ny", 2, { line: 4, column: 3 }), { line: 5, column: 1 });
});

Deno.test("server positions map to file positions through both helpers", () => {
  const sql = "CREATE TABLE t (\n  emoji text DEFAULT '😀😀',\n  id intt\n);";
  const serverPosition = [...sql.slice(0, sql.indexOf("id intt"))].length + 1;
  const offset = offsetOfServerPosition(sql, serverPosition);
  assert.equal(sql.slice(offset, offset + 7), "id intt");
  assert.deepEqual(positionAt(sql, offset, { line: 2, column: 1 }), { line: 4, column: 3 });
});
