import assert from "node:assert/strict";
import { quoteIdentifier, quoteLiteral } from "./quote.ts";
import { createPgliteDriver } from "../drivers/pglite.ts";

Deno.test("quoteIdentifier() doubles quotes and refuses NUL", () => {
  assert.equal(quoteIdentifier('a"b'), '"a""b"');
  assert.throws(() => quoteIdentifier("a\0b"), TypeError);
});

Deno.test("quoteLiteral() round-trips awkward values through PostgreSQL", async () => {
  const values = ["it's", "back\\slash", "both '\\' kinds", "", "émoji 🌊", "$1 $$ $tag$"];
  await using db = await createPgliteDriver();
  for (const value of values) {
    const [row] = await db.query<{ v: string }>(`SELECT ${quoteLiteral(value)}::text AS v`);
    assert.equal(row.v, value);
  }
  const [row] = await db.query<{ n: number; b: boolean; z: null; d: Date }>(
    `SELECT ${quoteLiteral(42)} AS n, ${quoteLiteral(true)} AS b, ${quoteLiteral(null)} AS z,
       ${quoteLiteral(new Date(0))} AS d`,
  );
  assert.deepEqual([row.n, row.b, row.z, row.d.getTime()], [42, true, null, 0]);
  assert.throws(() => quoteLiteral("a\0"), TypeError);
  assert.throws(() => quoteLiteral(Number.NaN), TypeError);
});
