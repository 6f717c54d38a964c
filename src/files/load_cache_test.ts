import assert from "node:assert/strict";
import { join } from "node:path";
import { MigrationSourceError } from "../errors.ts";
import { loadMigrations } from "./load.ts";
import { loadMigrationsCached } from "./load_cache.ts";

const FILES: Record<string, string> = {
  "001_users.up.sql": "-- tide:no-transaction\r\nCREATE TABLE {{tables.users}} (id int);\r\n",
  "001_users.down.sql": "DROP TABLE {{tables.users}};\n",
  "002_email.sql":
    "-- a comment\n-- migrate:up\nALTER TABLE users ADD email text;\n-- migrate:down transaction:false\nALTER TABLE users DROP email;\n",
  "V3__posts.sql": "CREATE TABLE posts ();\n",
  "U3__posts.sql": "\uFEFFDROP TABLE posts;\n",
  "004_seed.up.sql": "INSERT INTO users VALUES (1);\n",
  "_notes.sql": "not a migration",
  "README.md": "hello",
};

async function withDirs(fn: (dir: string, cacheDir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tide-load-cache-" });
  const cacheDir = await Deno.makeTempDir({ prefix: "tide-load-cache-store-" });
  try {
    for (const [name, text] of Object.entries(FILES)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await fn(dir, cacheDir);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(cacheDir, { recursive: true });
  }
}

function cacheFileOf(cacheDir: string): string {
  const names = [...Deno.readDirSync(cacheDir)].map((e) => e.name);
  assert.equal(names.length, 1, `one cache file: ${names}`);
  return join(cacheDir, names[0]);
}

Deno.test("loadMigrationsCached() gives exactly what loadMigrations() gives, cold and warm", async () => {
  await withDirs(async (dir, cacheDir) => {
    const expected = await loadMigrations(dir);
    assert.deepEqual(await loadMigrationsCached(dir, cacheDir), expected);
    assert.match(cacheFileOf(cacheDir), /migrations-[0-9a-f]{8}\.json$/);
    assert.deepEqual(await loadMigrationsCached(dir, cacheDir), expected);
  });
});

Deno.test("loadMigrationsCached() uses the cached result while a file's text is unchanged, and only then", async () => {
  await withDirs(async (dir, cacheDir) => {
    await loadMigrationsCached(dir, cacheDir);
    const file = cacheFileOf(cacheDir);
    const cache = JSON.parse(await Deno.readTextFile(file));
    const key = join(dir, "004_seed.up.sql");
    cache.files[key].checksum = "from-the-cache";
    await Deno.writeTextFile(file, JSON.stringify(cache));
    const cached = await loadMigrationsCached(dir, cacheDir);
    assert.equal(cached.find((m) => m.version === "004")?.checksum, "from-the-cache");
    // Same length, other text: parsed and hashed again.
    await Deno.writeTextFile(key, "INSERT INTO users VALUES (2);\n");
    const edited = await loadMigrationsCached(dir, cacheDir);
    assert.deepEqual(edited, await loadMigrations(dir));
    assert.notEqual(edited.find((m) => m.version === "004")?.checksum, "from-the-cache");
  });
});

Deno.test("loadMigrationsCached() sees added and removed files and still reports load errors", async () => {
  await withDirs(async (dir, cacheDir) => {
    await loadMigrationsCached(dir, cacheDir);
    await Deno.remove(join(dir, "004_seed.up.sql"));
    await Deno.writeTextFile(join(dir, "005_more.up.sql"), "SELECT 1;\n");
    assert.deepEqual(
      (await loadMigrationsCached(dir, cacheDir)).map((m) => m.version),
      ["001", "002", "3", "005"],
    );
    await Deno.writeTextFile(join(dir, "006_empty.up.sql"), "-- nothing\n");
    await assert.rejects(loadMigrationsCached(dir, cacheDir), MigrationSourceError);
    await assert.rejects(loadMigrationsCached(dir, cacheDir), /006_empty\.up\.sql/);
  });
});

Deno.test("loadMigrationsCached() ignores a corrupt cache and one written by another tide version", async () => {
  await withDirs(async (dir, cacheDir) => {
    const expected = await loadMigrationsCached(dir, cacheDir);
    const file = cacheFileOf(cacheDir);
    const cache = JSON.parse(await Deno.readTextFile(file));
    for (const entry of Object.values(cache.files) as { checksum?: string }[]) {
      if (entry.checksum) entry.checksum = "stale";
    }
    await Deno.writeTextFile(file, JSON.stringify({ ...cache, tide: "0.0.0-other" }));
    assert.deepEqual(await loadMigrationsCached(dir, cacheDir), expected);
    await Deno.writeTextFile(file, "{ not json");
    assert.deepEqual(await loadMigrationsCached(dir, cacheDir), expected);
  });
});

Deno.test("loadMigrationsCached() keeps only the 50 most recently written cache files", async () => {
  await withDirs(async (dir, cacheDir) => {
    for (let i = 0; i < 55; i++) {
      await Deno.writeTextFile(
        join(cacheDir, `migrations-${String(i).padStart(8, "0")}.json`),
        "{}",
      );
    }
    await Deno.writeTextFile(join(cacheDir, "pglite-x.tar"), "keep me");
    await loadMigrationsCached(dir, cacheDir);
    const names = [...Deno.readDirSync(cacheDir)].map((e) => e.name);
    assert.equal(names.filter((n) => n.startsWith("migrations-")).length, 50);
    assert.ok(names.includes("pglite-x.tar"));
  });
});

Deno.test("loadMigrationsCached() with downs: false leaves the down files unread but keeps their cache", async () => {
  await withDirs(async (dir, cacheDir) => {
    const checksums = (await loadMigrationsCached(dir, cacheDir)).map((
      m,
    ) => [m.version, m.checksum]);
    const before = await Deno.readTextFile(cacheFileOf(cacheDir));
    await Deno.writeTextFile(join(dir, "001_users.down.sql"), "-- migrate:up\nbroken down file\n");
    const ups = await loadMigrationsCached(dir, cacheDir, { downs: false });
    assert.equal(ups.find((m) => m.version === "001")?.down, undefined);
    assert.ok(ups.find((m) => m.version === "002")?.down, "a single file still has its down");
    assert.deepEqual(ups.map((m) => [m.version, m.checksum]), checksums);
    assert.equal(await Deno.readTextFile(cacheFileOf(cacheDir)), before, "nothing rewritten");
    await assert.rejects(loadMigrationsCached(dir, cacheDir), MigrationSourceError);
  });
});

Deno.test("loadMigrationsCached() without a cache directory parses everything and writes nothing", async () => {
  await withDirs(async (dir, cacheDir) => {
    assert.deepEqual(await loadMigrationsCached(dir, undefined), await loadMigrations(dir));
    assert.deepEqual([...Deno.readDirSync(cacheDir)], []);
  });
});
