import assert from "node:assert/strict";
import { formatTestDatabaseTable } from "./test_databases.ts";

const kind = (warm: number, appTestsMs: number) => ({
  coldMs: 2000,
  warmMs: [warm + 50, warm, warm - 10],
  warmCpuMs: [90, 100, 110],
  closeMs: [1, 2, 3],
  appTestsMs,
});

Deno.test("formatTestDatabaseTable() holds each kind to its targets, by the median", () => {
  const table = formatTestDatabaseTable({
    appTests: 50,
    pglite: kind(140, 9000),
    server: kind(120, 12_000),
  });
  assert.match(table, /^PGlite: warm createTestDatabase\(\) +140 ms +<= 150 ms +ok$/m);
  assert.match(table, /^PGlite: warm, process CPU +100 ms$/m);
  assert.match(table, /^PGlite: 50 app tests +9000 ms +< 10000 ms +ok$/m);
  assert.match(table, /^server: warm createTestDatabase\(\) +120 ms +<= 100 ms +MISSED$/m);
  assert.match(table, /^server: 50 app tests +12000 ms +< 10000 ms +MISSED$/m);
});

Deno.test("formatTestDatabaseTable() leaves the server out when none was measured", () => {
  const table = formatTestDatabaseTable({ appTests: 50, pglite: kind(140, 9000) });
  assert.doesNotMatch(table, /server/);
});
