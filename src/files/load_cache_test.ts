import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { loadMigrations, type LoadOptions, type UnreadFile } from "./load.ts";
import { loadMigrationsCached, SETTLED_MS } from "./load_cache.ts";
import type { Migration } from "./migration.ts";

/** A clock far enough ahead that files written now count as settled. */
const later = () => Date.now() + 10 * SETTLED_MS;

interface Fixture {
  dir: string;
  cacheDir: string;
  write(name: string, text: string): void;
  /** A cached load on the clock given (default: files count as settled). */
  load(options?: LoadOptions, now?: () => number): Promise<Migration[]>;
  /** What a plain load gives, as an entry stores it (JSON leaves out undefined fields). */
  fresh(options?: LoadOptions): Promise<Migration[]>;
  entries(): string[];
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  const cacheDir = await Deno.makeTempDir();
  const fixture: Fixture = {
    dir,
    cacheDir,
    write: (name, text) => Deno.writeTextFileSync(join(dir, name), text),
    load: (options = {}, now = later) => loadMigrationsCached(dir, options, { cacheDir, now }),
    fresh: async (options = {}) => JSON.parse(JSON.stringify(await loadMigrations(dir, options))),
    entries: () =>
      [...Deno.readDirSync(cacheDir)].map((e) => e.name).filter((n) => n.endsWith(".json")),
  };
  try {
    await fn(fixture);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(cacheDir, { recursive: true });
  }
}

/** Waits until the wall clock enters a new second: Deno gives ctime in whole seconds. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

Deno.test("loadMigrationsCached() gives what loadMigrations() gives, from its entry the second time", async () => {
  await withFixture(async (f) => {
    f.write("001_a.up.sql", "-- Description: first\nCREATE TABLE a ();\n");
    f.write("001_a.down.sql", "DROP TABLE a;\n");
    f.write("002_b.ts", "export async function up() {}\nexport async function down() {}\n");
    const first = await f.load();
    assert.deepEqual(first, await loadMigrations(f.dir));
    assert.equal(f.entries().length, 1);
    // The entry, not the files, answers now: a corrupt-looking tree would not load at all.
    const entryPath = join(f.cacheDir, f.entries()[0]);
    const entry = JSON.parse(Deno.readTextFileSync(entryPath));
    entry.migrations[0].name = "from_the_entry";
    Deno.writeTextFileSync(entryPath, JSON.stringify(entry));
    assert.equal((await f.load())[0].name, "from_the_entry");
  });
});

Deno.test("loadMigrationsCached() answers from an entry whose files were listed in another order", async () => {
  await withFixture(async (f) => {
    for (const v of ["001", "002", "003"]) f.write(`${v}_t.up.sql`, `CREATE TABLE t${v} ();\n`);
    await f.load();
    const entryPath = join(f.cacheDir, f.entries()[0]);
    const entry = JSON.parse(Deno.readTextFileSync(entryPath));
    const listed = entry.files;
    // As if the directory gave its entries in another order (rewritten on disk, say).
    entry.files = JSON.stringify(JSON.parse(listed).reverse());
    entry.migrations[0].name = "from_the_entry";
    Deno.writeTextFileSync(entryPath, JSON.stringify(entry));
    assert.equal((await f.load())[0].name, "from_the_entry");
    // Rewritten in the order listed now, so the next run compares one string again.
    assert.equal(JSON.parse(Deno.readTextFileSync(entryPath)).files, listed);
    // The same number of stamps, one of them different, is still a miss.
    f.write("002_t.up.sql", "CREATE TABLE t2 (id int);\n");
    assert.deepEqual(await f.load(), await f.fresh());
  });
});

Deno.test("loadMigrationsCached() compares the texts of fresh files, so a same-second edit of the same size is seen", async () => {
  await withFixture(async (f) => {
    const path = join(f.dir, "001_a.up.sql");
    const old = new Date(2001, 0, 1);
    f.write("001_a.up.sql", "CREATE TABLE a ();\n");
    // An old mtime does not make a file settled: its ctime is now (and cannot be set back).
    Deno.utimeSync(path, old, old);
    const now = () => Date.now();
    assert.equal((await f.load({}, now))[0].up.sql, "CREATE TABLE a ();\n");
    f.write("001_a.up.sql", "CREATE TABLE b ();\n"); // same size, same second, same mtime
    Deno.utimeSync(path, old, old);
    assert.equal((await f.load({}, now))[0].up.sql, "CREATE TABLE b ();\n");
    assert.equal((await f.load({}, now))[0].up.sql, "CREATE TABLE b ();\n");
  });
});

Deno.test("loadMigrationsCached() keeps the texts of fresh files until a run finds them settled", async () => {
  await withFixture(async (f) => {
    f.write("001_a.up.sql", "CREATE TABLE a ();\n");
    f.write("README.md", "not read by any format\n");
    const texts = () => JSON.parse(Deno.readTextFileSync(join(f.cacheDir, f.entries()[0]))).texts;
    await f.load({}, () => Date.now());
    assert.deepEqual(texts(), [["001_a.up.sql", "CREATE TABLE a ();\n"]]);
    await f.load({}, () => Date.now());
    assert.equal(texts().length, 1);
    await f.load(); // the clock says the files are settled now
    assert.deepEqual(texts(), []);
    assert.equal((await f.load())[0].up.sql, "CREATE TABLE a ();\n");
  });
});

Deno.test("loadMigrationsCached() sees an edit that keeps the size and the mtime by the ctime", async () => {
  await withFixture(async (f) => {
    const path = join(f.dir, "001_a.up.sql");
    f.write("001_a.up.sql", "CREATE TABLE a ();\n");
    const mtime = Deno.statSync(path).mtime!;
    await f.load();
    await nextSecond();
    f.write("001_a.up.sql", "CREATE TABLE b ();\n");
    Deno.utimeSync(path, mtime, mtime);
    assert.equal(Deno.statSync(path).mtime!.getTime(), mtime.getTime());
    assert.equal((await f.load())[0].up.sql, "CREATE TABLE b ();\n");
  });
});

Deno.test("loadMigrationsCached() reloads when a file is edited, added, removed or renamed", async () => {
  await withFixture(async (f) => {
    f.write("001_a.up.sql", "CREATE TABLE a ();\n");
    await f.load();
    f.write("001_a.up.sql", "CREATE TABLE a (id int);\n");
    assert.deepEqual(await f.load(), await f.fresh());
    f.write("002_b.up.sql", "CREATE TABLE b ();\n");
    assert.deepEqual((await f.load()).map((m) => m.version), ["001", "002"]);
    Deno.renameSync(join(f.dir, "002_b.up.sql"), join(f.dir, "003_b.up.sql"));
    assert.deepEqual((await f.load()).map((m) => m.version), ["001", "003"]);
    Deno.removeSync(join(f.dir, "003_b.up.sql"));
    assert.deepEqual((await f.load()).map((m) => m.version), ["001"]);
    Deno.mkdirSync(join(f.dir, "sub"));
    Deno.writeTextFileSync(join(f.dir, "sub", "004_c.up.sql"), "SELECT 1;\n");
    const unread: UnreadFile[] = [];
    assert.deepEqual(await f.load({ onUnread: (file) => unread.push(file) }), await f.fresh());
    assert.deepEqual(unread.map((file) => file.path), [join(f.dir, "sub", "004_c.up.sql")]);
  });
});

Deno.test("loadMigrationsCached() keys entries by the load options: format, placeholders, user, database", async () => {
  await withFixture(async (f) => {
    f.write("V1__a.sql", "GRANT SELECT ON t TO ${flyway:user}; -- ${owner}\n");
    const as = (user: string, owner: string) => ({ user, placeholders: { owner } });
    assert.match((await f.load(as("ada", "x")))[0].up.sql, /TO ada; -- x/);
    assert.match((await f.load(as("bob", "x")))[0].up.sql, /TO bob; -- x/);
    assert.match((await f.load(as("bob", "y")))[0].up.sql, /TO bob; -- y/);
    assert.match((await f.load(as("ada", "x")))[0].up.sql, /TO ada; -- x/);
  });
});

Deno.test("loadMigrationsCached() reloads when a variable goose substituted changes", async () => {
  await withFixture(async (f) => {
    f.write("00001_a.sql", "-- +goose Up\n-- +goose ENVSUB ON\nGRANT SELECT ON t TO ${ROLE};\n");
    const env = (role?: string) => (name: string) => name === "ROLE" ? role : undefined;
    assert.match((await f.load({ env: env("app") }))[0].up.sql, /TO app;/);
    assert.match((await f.load({ env: env("ops") }))[0].up.sql, /TO ops;/);
    assert.match((await f.load({ env: env(undefined) }))[0].up.sql, /TO ;/);
  });
});

Deno.test("loadMigrationsCached() does not cache a load that read the time (Flyway's timestamp)", async () => {
  await withFixture(async (f) => {
    f.write("V1__a.sql", "SELECT '${flyway:timestamp}';\n");
    const at = (now: Date) => ({ now });
    assert.match((await f.load(at(new Date(2020, 0, 1))))[0].up.sql, /'2020-01-01 00:00:00'/);
    assert.deepEqual(f.entries(), []);
    assert.match((await f.load(at(new Date(2021, 0, 1))))[0].up.sql, /'2021-01-01 00:00:00'/);
    f.write("V1__a.sql", "SELECT 'no time';\n");
    await f.load(at(new Date(2021, 0, 1)));
    assert.equal(f.entries().length, 1);
  });
});

Deno.test("loadMigrationsCached() reports the unread files and code migrations again from its entry", async () => {
  await withFixture(async (f) => {
    f.write("001_a.up.sql", "SELECT 1;\n");
    f.write("002_b.cql", "SELECT 2;\n");
    const runs: UnreadFile[][] = [];
    for (let i = 0; i < 2; i++) {
      const unread: UnreadFile[] = [];
      await f.load({ onUnread: (file) => unread.push(file) });
      runs.push(unread);
    }
    assert.equal(runs[0].length, 1);
    assert.deepEqual(runs[1], runs[0]);
    f.write("00001_a.sql", "-- +goose Up\nSELECT 1;\n");
    Deno.removeSync(join(f.dir, "001_a.up.sql"));
    Deno.removeSync(join(f.dir, "002_b.cql"));
    f.write("00002_b.go", "package migrations\n");
    const told: string[][] = [[], []];
    for (const paths of told) await f.load({ onCodeMigration: (path) => paths.push(path) });
    assert.deepEqual(told, [[join(f.dir, "00002_b.go")], [join(f.dir, "00002_b.go")]]);
  });
});

Deno.test("loadMigrationsCached() names files as `dir` is given, and survives a corrupt entry", async () => {
  await withFixture(async (f) => {
    f.write("001_a.up.sql", "SELECT 1;\n");
    const [absolute] = await f.load();
    const fromCwd = relative(Deno.cwd(), f.dir);
    const [near] = await loadMigrationsCached(fromCwd, {}, { cacheDir: f.cacheDir, now: later });
    assert.equal(absolute.up.path, join(f.dir, "001_a.up.sql"));
    assert.equal(near.up.path, join(fromCwd, "001_a.up.sql"));
    assert.equal((await f.load())[0].up.path, absolute.up.path);
    for (const name of f.entries()) Deno.writeTextFileSync(join(f.cacheDir, name), "{ not json");
    assert.deepEqual(await f.load(), await f.fresh());
  });
});

Deno.test("loadMigrationsCached() refuses what loadMigrations() refuses, and caches no failure", async () => {
  await withFixture(async (f) => {
    Deno.writeFileSync(join(f.dir, "001_a.up.sql"), new Uint8Array([0x53, 0xff, 0x3b]));
    await assert.rejects(f.load());
    assert.deepEqual(f.entries(), []);
    await assert.rejects(loadMigrationsCached(join(f.dir, "nope"), {}, { cacheDir: f.cacheDir }));
  });
});

Deno.test("loadMigrationsCached() keys entries by the working directory (Flyway's workingDirectory)", async () => {
  await withFixture(async (f) => {
    f.write("V1__a.sql", "SELECT '${flyway:workingDirectory}';\n");
    const cwd = Deno.cwd();
    try {
      for (const here of [f.cacheDir, f.dir, f.cacheDir]) {
        Deno.chdir(here);
        assert.equal((await f.load())[0].up.sql, `SELECT '${here}';\n`);
      }
    } finally {
      Deno.chdir(cwd);
    }
  });
});
