import assert from "node:assert/strict";
import { formatTable, median } from "./report.ts";

Deno.test("median() takes the middle of odd counts and the mean of the middle two of even counts", () => {
  assert.equal(median([30, 10, 20]), 20);
  assert.equal(median([40, 10, 20, 30]), 25);
  assert.equal(median([]), undefined);
});

Deno.test("formatTable() shows each ratio against its target and flags a missed one", () => {
  const table = formatTable([
    { n: 100, psqlUpMs: [1000], tideUpMs: [1100], psqlDownMs: [1000], tideDownMs: [1600] },
    { n: 500, psqlUpMs: [4000], tideUpMs: [4400], psqlDownMs: [4000], tideDownMs: [4400] },
  ]);
  const line = (label: string) => table.split("\n").find((l) => l.includes(label)) ?? "";
  assert.match(line("apply ratio"), /1\.10x\s+1\.10x\s+<= 1\.25x\s+ok$/);
  assert.match(line("rollback ratio"), /1\.60x\s+1\.10x\s+<= 1\.5x\s+MISSED$/);
  assert.match(table.split("\n")[0], /N=100\s+N=500/);
  assert.equal(line("PGlite"), "", "rows nothing was measured for are left out");
});

Deno.test("formatTable() holds only the 500-migration verification to the 30 s limit", () => {
  const pglite = (verifyMs: number) => ({
    applyMs: verifyMs / 3,
    verifyMs,
    verifyBootMs: 0,
    verifyOk: true,
  });
  const ok = formatTable([{ n: 100, pglite: pglite(31_000) }, { n: 500, pglite: pglite(29_000) }]);
  assert.match(ok.split("\n").find((l) => l.startsWith("PGlite: verify")) ?? "", /ok$/);
  const missed = formatTable([{ n: 500, pglite: pglite(31_000) }]);
  assert.match(missed.split("\n").find((l) => l.startsWith("PGlite: verify")) ?? "", /MISSED$/);
});

Deno.test("formatTable() holds verify + lint to 1.5 times verify alone", () => {
  const pglite = (verifyLintMs: number) => ({
    applyMs: 1000,
    verifyMs: 2000,
    verifyBootMs: 0,
    verifyOk: true,
    verifyLintMs,
  });
  const line = (table: string) => table.split("\n").find((l) => l.includes("lint ratio")) ?? "";
  assert.match(line(formatTable([{ n: 100, pglite: pglite(2800) }])), /1\.40x\s+<= 1\.5x\s+ok$/);
  assert.match(
    line(formatTable([{ n: 100, pglite: pglite(3200) }])),
    /1\.60x\s+<= 1\.5x\s+MISSED$/,
  );
});
