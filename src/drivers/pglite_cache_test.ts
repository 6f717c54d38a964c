import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { bootPglite, clearCache, PGLITE_VERSION, pruneCache } from "./pglite_cache.ts";

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
    `pglite-${PGLITE_VERSION}-v2-initdb.tar`,
    `pglite-${PGLITE_VERSION}-v2-with-table.tar`,
  ]);
  await using again = await bootPglite(options);
  assert.equal(prepared, 1, "the second boot loads the cache instead of preparing again");
  assert.deepEqual(await again.query("select count(*)::int as n from cached"), [{ n: 0 }]);
  await Deno.remove(join(cacheDir), { recursive: true });
});

/** Writes `name` into `dir` with a modification time `minutesAgo` in the past. */
async function entry(dir: string, name: string, minutesAgo: number): Promise<void> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, name);
  const time = new Date(Date.now() - minutesAgo * 60_000);
  await Deno.utime(path, time, time);
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("pruneCache() keeps the newest entries of each family and drops what tide no longer loads", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "tide_cache_" });
  const current = `pglite-${PGLITE_VERSION}-v2-`;
  try {
    for (let i = 1; i <= 5; i++) await entry(cacheDir, `${current}migrated-aaa-${i}.tar`, 10 - i);
    await entry(cacheDir, `${current}migrated-bbb-1.tar`, 100);
    await entry(cacheDir, `${current}initdb.tar`, 1000);
    const week = 7 * 24 * 60;
    await entry(cacheDir, "pglite-0.5.15-v2-initdb.tar", week + 1); // another PGlite, unused
    await entry(cacheDir, `pglite-${PGLITE_VERSION}-initdb.tar`, week + 1); // the layout before v2
    await entry(cacheDir, "pglite-0.5.17-v2-initdb.tar", week - 1); // another tide may use it
    await entry(cacheDir, `${current}migrated-aaa-9.tar.0a1b.tmp`, 120); // an abandoned write
    await entry(cacheDir, `${current}migrated-aaa-8.tar.2c3d.tmp`, 0); // a write under way
    await entry(cacheDir, "notes.txt", 1000); // not tide's
    const { removed, freedBytes } = await pruneCache({ cacheDir });
    assert.deepEqual(
      removed.map((path) => path.slice(cacheDir.length + 1)),
      [
        `${current}migrated-aaa-1.tar`,
        `${current}migrated-aaa-2.tar`,
        `${current}migrated-aaa-9.tar.0a1b.tmp`,
        "pglite-0.5.15-v2-initdb.tar",
        `pglite-${PGLITE_VERSION}-initdb.tar`,
      ].sort(),
    );
    assert.equal(freedBytes, removed.reduce((sum, path) => sum + basename(path).length, 0));
    assert.deepEqual(names(cacheDir), [
      "notes.txt",
      `${current}initdb.tar`,
      `${current}migrated-aaa-3.tar`,
      `${current}migrated-aaa-4.tar`,
      `${current}migrated-aaa-5.tar`,
      `${current}migrated-aaa-8.tar.2c3d.tmp`,
      `${current}migrated-bbb-1.tar`,
      "pglite-0.5.17-v2-initdb.tar",
    ]);
    await pruneCache({ cacheDir, keep: 1, family: "migrated-aaa" });
    assert.deepEqual(names(cacheDir).filter((n) => n.includes("-aaa-") && n.endsWith(".tar")), [
      `${current}migrated-aaa-5.tar`,
    ]);
    await clearCache({ cacheDir });
    assert.deepEqual(names(cacheDir), ["notes.txt"]);
    assert.deepEqual(await pruneCache({ cacheDir: join(cacheDir, "missing") }), {
      removed: [],
      freedBytes: 0,
    });
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("bootPglite() deletes the older entries of a key's family when it saves a new one", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "tide_cache_" });
  try {
    for (const version of ["1", "2"]) {
      await using db = await bootPglite({
        cacheDir,
        key: `tables-${version}`,
        keep: 1,
        prepare: (fresh) => fresh.exec(`create table t${version} (id int)`),
      });
      await db.query(`select from t${version}`);
    }
    assert.deepEqual(names(cacheDir).filter((n) => n.includes("tables-")), [
      `pglite-${PGLITE_VERSION}-v2-tables-2.tar`,
    ]);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("bootPglite() makes clusters with 1 MB WAL segments and starts them with the settings", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "tide_cache_" });
  try {
    for (const round of ["new", "cached"]) {
      await using db = await bootPglite({ cacheDir, settings: { shared_buffers: "16MB" } });
      const rows = await db.query<{ name: string; setting: string }>(
        `select name, current_setting(name) as setting from unnest(array['wal_segment_size',
          'shared_buffers']) as name order by name`,
      );
      assert.deepEqual(rows, [
        { name: "shared_buffers", setting: "16MB" },
        { name: "wal_segment_size", setting: "1MB" },
      ], round);
    }
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
