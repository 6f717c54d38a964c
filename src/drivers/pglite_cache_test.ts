import assert from "node:assert/strict";
import { join } from "node:path";
import { bootPglite, PGLITE_VERSION } from "./pglite_cache.ts";

Deno.test("bootPglite() caches a prepared database under the PGlite version it runs", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "tide_cache_" });
  let prepared = 0;
  const options = {
    cacheDir,
    key: "with-table",
    prepare: async (db: { exec(sql: string): Promise<void> }) => {
      prepared++;
      await db.exec("create table cached (id int)");
    },
  };
  {
    await using db = await bootPglite(options);
    const [row] = await db.query<{ version: string }>("select version()");
    assert.match(row.version, new RegExp(`PGlite ${PGLITE_VERSION.replaceAll(".", "\\.")}\\b`));
  }
  const files = [...Deno.readDirSync(cacheDir)].map((entry) => entry.name).sort();
  assert.deepEqual(files, [
    `pglite-${PGLITE_VERSION}-initdb.tar`,
    `pglite-${PGLITE_VERSION}-with-table.tar`,
  ]);
  await using again = await bootPglite(options);
  assert.equal(prepared, 1, "the second boot loads the cache instead of preparing again");
  assert.deepEqual(await again.query("select count(*)::int as n from cached"), [{ n: 0 }]);
  await Deno.remove(join(cacheDir), { recursive: true });
});
