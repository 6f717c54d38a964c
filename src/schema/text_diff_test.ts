import assert from "node:assert/strict";
import { textDiff } from "./text_diff.ts";

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

Deno.test("textDiff() returns an empty string for equal texts", () => {
  assert.equal(textDiff("a\nb\n", "a\nb\n"), "");
});

Deno.test("textDiff() writes a unified diff with labels and context", () => {
  const before = "a\nb\nc\n";
  const after = "a\nB\nc\n";
  assert.equal(
    textDiff(before, after, { labels: ["after down", "before up"] }),
    "--- after down\n+++ before up\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
  );
});

Deno.test("textDiff() shows only `context` lines around a change", () => {
  const before = numbered(1, 10).join("\n");
  const after = before.replace("line 5", "line five");
  assert.equal(
    textDiff(before, after, { context: 1 }),
    "--- before\n+++ after\n@@ -4,3 +4,3 @@\n line 4\n-line 5\n+line five\n line 6\n",
  );
});

Deno.test("textDiff() splits distant changes into separate hunks", () => {
  const before = numbered(1, 20).join("\n");
  const after = before.replace("line 2\n", "").replace("line 19", "line nineteen");
  const diff = textDiff(before, after, { context: 2 });
  assert.deepEqual(diff.split("\n").filter((l) => l.startsWith("@@")), [
    "@@ -1,4 +1,3 @@",
    "@@ -17,4 +16,4 @@",
  ]);
});

Deno.test("textDiff() counts lines from zero when one side is empty", () => {
  assert.equal(textDiff("", "x\ny\n"), "--- before\n+++ after\n@@ -0,0 +1,2 @@\n+x\n+y\n");
  assert.equal(textDiff("x\n", ""), "--- before\n+++ after\n@@ -1 +0,0 @@\n-x\n");
});

Deno.test("textDiff() finds a minimal edit among repeated lines", () => {
  const before = "a\nb\nc\na\nb\nb\na\n";
  const after = "c\nb\na\nb\na\nc\n";
  const body = textDiff(before, after, { context: 100 }).split("\n").slice(3, -1);
  // Myers' classic example: the shortest edit script has 5 edits.
  assert.equal(body.filter((line) => line[0] !== " ").length, 5);
  const side = (skip: string) => body.filter((l) => l[0] !== skip).map((l) => l.slice(1));
  assert.deepEqual(side("+"), before.trimEnd().split("\n"));
  assert.deepEqual(side("-"), after.trimEnd().split("\n"));
});
