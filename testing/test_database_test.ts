import { PGlite } from "@electric-sql/pglite";
import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { MigrationError } from "../mod.ts";
import { loadMigrations } from "../src/files/load.ts";
import { bootPglite, cacheDirectory } from "../src/internal.ts";
import { createTestDatabase } from "./test_database.ts";

async function migratedEntries(cacheDir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(cacheDir)) {
    if (entry.name.includes("-migrated-") && entry.name.endsWith(".tar")) names.push(entry.name);
  }
  return names.sort();
}

/**
 * An empty cache directory holding only the empty cluster, copied from the user's cache: the
 * tests then pay for their migrations, not for an initdb each.
 */
async function newCacheDir(): Promise<string> {
  await (await bootPglite()).close();
  const cacheDir = await Deno.makeTempDir({ prefix: "tide_testing_cache_" });
  for await (const entry of Deno.readDir(cacheDirectory())) {
    if (!entry.name.endsWith("-initdb.tar")) continue;
    await Deno.copyFile(join(cacheDirectory(), entry.name), join(cacheDir, entry.name));
  }
  return cacheDir;
}

Deno.test("createTestDatabase() applies templated migrations, caches them, and notices edits", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "tide_testing_migrations_" });
  const cacheDir = await newCacheDir();
  const write = (name: string, sql: string) => Deno.writeTextFile(join(dir, name), sql);
  await write("001_create_notes.up.sql", "create table {{tables.notes}} (id int primary key);\n");
  await write("001_create_notes.down.sql", "drop table {{tables.notes}};\n");
  const options = { dir, cacheDir, schema: "tenant_a", databaseUrl: "memory://" } as const;
  try {
    await t.step("the migrations run in the schema and are recorded there", async () => {
      await using db = await createTestDatabase(options);
      await db.exec("insert into tenant_a.notes (id) values (1)");
      const rows = await db.query<{ version: string }>(
        "select version from tenant_a.tide_migrations",
      );
      assert.deepEqual(rows.map((r) => r.version), ["001"]);
      assert.equal((await migratedEntries(cacheDir)).length, 1);
    });
    await t.step("a second database comes from the cache and is independent", async () => {
      await using db = await createTestDatabase(options);
      const rows = await db.query<{ n: number }>("select count(*)::int as n from tenant_a.notes");
      assert.equal(rows[0].n, 0);
      assert.equal((await migratedEntries(cacheDir)).length, 1);
    });
    await t.step("an edited migration gets a new cache entry with the edit applied", async () => {
      await write(
        "001_create_notes.up.sql",
        "create table {{tables.notes}} (id int primary key, body text);\n",
      );
      await using db = await createTestDatabase(options);
      await db.exec("insert into tenant_a.notes (id, body) values (1, 'hello')");
      assert.equal((await migratedEntries(cacheDir)).length, 2);
    });
    await t.step("loaded migrations can be given instead of a directory", async () => {
      await using db = await createTestDatabase({
        migrations: await loadMigrations(dir),
        cacheDir,
        schema: "tenant_a",
        databaseUrl: "memory://",
      });
      await db.exec("insert into tenant_a.notes (id, body) values (1, 'hello')");
      assert.equal((await migratedEntries(cacheDir)).length, 2);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("createTestDatabase() rejects a directory that does not exist, naming it", async () => {
  await assert.rejects(
    () => createTestDatabase({ dir: "no/such/migrations" }),
    (error: Error) => {
      assert.match(error.message, /no\/such\/migrations/);
      return true;
    },
  );
});

/** A migrations directory with one table, and a cache directory, removed afterwards. */
async function withProject(
  fn: (project: { dir: string; cacheDir: string }) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tide_testing_project_" });
  const cacheDir = await newCacheDir();
  await Deno.writeTextFile(
    join(dir, "001_create_notes.sql"),
    "-- migrate:up\ncreate table notes (id int primary key, body text);\n" +
      "-- migrate:down\ndrop table notes;\n",
  );
  try {
    await fn({ dir, cacheDir });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(cacheDir, { recursive: true });
  }
}

Deno.test("createTestDatabase() on PGlite hands out the instance and serves a URL until closed", async () => {
  await withProject(async ({ dir, cacheDir }) => {
    const db = await createTestDatabase({ dir, cacheDir, databaseUrl: "memory://" });
    try {
      assert.ok(db.pglite instanceof PGlite);
      const databases = await db.query("select datname from pg_database");
      assert.deepEqual(databases, [{ datname: "postgres" }], "the only one PGlite can reach");
      await db.pglite.query("insert into notes (id, body) values (1, 'from the instance')");
      const url = await db.url();
      assert.match(url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      assert.equal(await db.url(), url, "one server per database");
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql<{ body: string }[]>`select body from notes`;
        assert.deepEqual(rows.map((r) => r.body), ["from the instance"]);
      } finally {
        await sql.end();
      }
      await db.close();
      await assert.rejects(
        () => Deno.connect({ hostname: "127.0.0.1", port: Number(new URL(url).port) }),
        Deno.errors.ConnectionRefused,
        "closing the database stops its server",
      );
    } finally {
      await db.close();
    }
  });
});

Deno.test("a PGlite test database refuses a second client with an error that says why", async () => {
  await withProject(async ({ dir, cacheDir }) => {
    await using db = await createTestDatabase({ dir, cacheDir, databaseUrl: "memory://" });
    const url = await db.url();
    const first = postgres(url, { max: 1, onnotice: () => {} });
    const second = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await first`insert into notes values (1, 'first')`;
      await assert.rejects(() => second`select 1`, (error: Error & { code?: string }) => {
        assert.equal(error.code, "53300"); // too_many_connections
        assert.match(error.message, /one connection at a time, and one is open.*max: 1/);
        return true;
      });
      assert.deepEqual([...await first`select body from notes`], [{ body: "first" }]);
    } finally {
      await second.end();
      await first.end();
    }
    const third = postgres(url, { max: 1, onnotice: () => {} });
    try {
      assert.deepEqual([...await third`select count(*)::int as n from notes`], [{ n: 1 }]);
    } finally {
      await third.end();
    }
  });
});

Deno.test("createTestDatabase() adds a seed file after the migrations and caches it with them", async (t) => {
  await withProject(async ({ dir, cacheDir }) => {
    const seed = join(dir, "..", `${dir.split("/").pop()}_seed.sql`);
    const options = { dir, cacheDir, seed, databaseUrl: "memory://" } as const;
    const bodies = async () => {
      await using db = await createTestDatabase(options);
      return (await db.query<{ body: string }>("select body from notes order by id")).map((r) =>
        r.body
      );
    };
    try {
      await t.step("every new database holds the seed, from one cache entry", async () => {
        await Deno.writeTextFile(seed, "insert into notes values (1, 'seeded');\n");
        assert.deepEqual(await bodies(), ["seeded"]);
        assert.deepEqual(await bodies(), ["seeded"]);
        assert.equal((await migratedEntries(cacheDir)).length, 1);
      });
      await t.step("an edited seed file gets a new cache entry", async () => {
        await Deno.writeTextFile(seed, "insert into notes values (1, 'a'), (2, 'b');\n");
        assert.deepEqual(await bodies(), ["a", "b"]);
        assert.equal((await migratedEntries(cacheDir)).length, 2);
      });
      await t.step("a failing seed names its file, line and column", async () => {
        await Deno.writeTextFile(
          seed,
          "insert into notes values (3, 'c');\ninsert into nope values (4);\n",
        );
        await assert.rejects(() => createTestDatabase(options), (error: unknown) => {
          assert.ok(error instanceof MigrationError && error.code === "SQL_ERROR", String(error));
          assert.equal(error.file, seed);
          assert.deepEqual([error.line, error.column], [2, 13]);
          assert.match(error.message, new RegExp(`${seed}:2:13: relation "nope" does not exist`));
          return true;
        });
      });
      await t.step("a missing seed file is a CONFIG_ERROR that names it", async () => {
        await Deno.remove(seed);
        await assert.rejects(() => createTestDatabase(options), (error: unknown) => {
          assert.ok(error instanceof MigrationError && error.code === "CONFIG_ERROR");
          assert.match(error.message, new RegExp(`Reading the seed file ${seed} failed`));
          return true;
        });
      });
    } finally {
      await Deno.remove(seed).catch(() => {});
    }
  });
});

Deno.test("createTestDatabase() runs a seed function on every database, or once under a seedKey", async (t) => {
  await withProject(async ({ dir, cacheDir }) => {
    let calls = 0;
    const seed = async (db: { exec(sql: string): Promise<void> }) => {
      calls++;
      await db.exec(`insert into notes values (${calls}, 'call ${calls}')`);
    };
    const base = { dir, cacheDir, seed, databaseUrl: "memory://" } as const;
    await t.step(
      "without a seedKey it runs on each database, after the cached migrations",
      async () => {
        for (const expected of ["call 1", "call 2"]) {
          await using db = await createTestDatabase(base);
          assert.deepEqual(await db.query("select body from notes"), [{ body: expected }]);
        }
        assert.equal((await migratedEntries(cacheDir)).length, 1);
      },
    );
    await t.step("with a seedKey its result is cached under that key", async () => {
      calls = 0;
      for (let i = 0; i < 2; i++) {
        await using db = await createTestDatabase({ ...base, seedKey: "notes-v1" });
        assert.deepEqual(await db.query("select body from notes"), [{ body: "call 1" }]);
      }
      assert.equal(calls, 1);
      await using _db = await createTestDatabase({ ...base, seedKey: "notes-v2" });
      assert.equal(calls, 2, "a new key runs the function again");
      assert.equal((await migratedEntries(cacheDir)).length, 3);
    });
  });
});

Deno.test("createTestDatabase() rejects a URL that is neither memory:// nor a server, hiding its password", async () => {
  await assert.rejects(
    () => createTestDatabase({ databaseUrl: "mysql://app:hunter2@db/app" }),
    (error: unknown) => {
      assert.ok(error instanceof MigrationError && error.code === "UNSUPPORTED_URL");
      assert.match(error.message, /memory:\/\/.*postgres:\/\//);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    },
  );
});
