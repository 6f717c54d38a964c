import assert from "node:assert/strict";
import { formatTable } from "./output.ts";
import { displayWidth } from "./text_width.ts";

Deno.test("displayWidth() counts columns as a terminal shows them", () => {
  const cases: [string, number][] = [
    ["init", 4],
    ["café", 4], // precomposed é
    ["cafe\u0301", 4], // e + combining acute accent
    ["用户", 4], // East Asian wide
    ["ｆｕｌｌ", 8], // fullwidth forms
    ["🐘", 2],
    ["👩‍💻", 2], // a ZWJ sequence is one glyph
    ["❤️", 2], // with an emoji variation selector
    ["🇫🇷", 2], // a flag
    ["a\u200bb", 2], // zero-width space
  ];
  for (const [text, width] of cases) assert.equal(displayWidth(text), width, JSON.stringify(text));
});

Deno.test("formatTable() pads by display width, so non-ASCII names line up", () => {
  const lines = formatTable([
    ["VERSION", "NAME", "STATE"],
    ["001", "用户", "applied"],
    ["002", "cafe\u0301", "pending"],
    ["003", "🐘_tables", "pending"],
  ]);
  const stateColumn = lines.map((line) =>
    displayWidth(line.slice(0, line.search(/(applied|pending|STATE)$/)))
  );
  assert.deepEqual(stateColumn, [20, 20, 20, 20]);
});
