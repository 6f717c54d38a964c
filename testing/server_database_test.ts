import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { type Driver, MigrationError } from "../mod.ts";
import {
  testDatabaseUrl,
  testServerUrlWithPassword,
} from "../src/_test_support/postgres_server.ts";
import { createTestDatabase, TEST_DATABASE_URL_ENV } from "./test_database.ts";

/** A migrations directory of its own (so a template family of its own), removed afterwards. */
async function withProject(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tide_server_project_" });
  await writeMigration(dir, "create table notes (id int primary key, body text)");
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function writeMigration(dir: string, up: string): Promise<void> {
  return Deno.writeTextFile(
    join(dir, "001_create_notes.sql"),
    `-- migrate:up\n${up};\n-- migrate:down\ndrop table notes;\n`,
  );
}

/** Runs `fn` with a superuser session on the server of `serverUrl`. */
async function asAdmin<T>(serverUrl: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

async function databasesLike(serverUrl: string, pattern: string): Promise<string[]> {
  return await asAdmin(serverUrl, async (sql) => {
    const rows = await sql<{ datname: string }[]>`
      select datname from pg_database where datname like ${pattern} order by oid`;
    return rows.map((r) => r.datname);
  });
}

Deno.test("createTestDatabase({ databaseUrl }) copies a template built once per migration set", async (t) => {
  const serverUrl = await testDatabaseUrl();
  await withProject(async (dir) => {
    let builds = 0;
    const seed = async (db: Driver) => {
      builds++;
      await db.exec("insert into notes values (1, 'seeded')");
    };
    const options = { dir, databaseUrl: serverUrl, seed, seedKey: "notes-1" };
    const templatesBefore = await databasesLike(serverUrl, "tide\\_tpl\\_%");
    const newTemplates = async () =>
      (await databasesLike(serverUrl, "tide\\_tpl\\_%")).filter((n) =>
        !templatesBefore.includes(n)
      );

    await t.step(
      "concurrent callers, each on its own session, get distinct copies of one template",
      async () => {
        const dbs = await Promise.all([1, 2, 3].map(() => createTestDatabase(options)));
        try {
          assert.equal(builds, 1, "the template is built once, under the advisory lock");
          assert.equal(new Set(dbs.map((db) => db.kind === "postgres" && db.database)).size, 3);
          for (const db of dbs) {
            assert.equal(db.kind, "postgres");
            assert.equal(db.pglite, undefined);
            assert.deepEqual(await db.query("select body from notes"), [{ body: "seeded" }]);
          }
          await dbs[0].exec("insert into notes values (2, 'only here')");
          assert.deepEqual(await dbs[1].query("select count(*)::int as n from notes"), [{ n: 1 }]);
        } finally {
          await Promise.all(dbs.map((db) => db.close()));
        }
        assert.equal((await newTemplates()).length, 1);
      },
    );

    await t.step(
      "the app's client connects to url(), and the copy is dropped on close",
      async () => {
        const db = await createTestDatabase(options);
        if (db.kind !== "postgres") throw new Error(`expected a server database, got ${db.kind}`);
        const sql = postgres(await db.url(), { max: 1, onnotice: () => {} });
        try {
          const [row] = await sql`select current_database() as name, count(*)::int as n from notes`;
          assert.deepEqual(row, { name: db.database, n: 1 });
          assert.equal(builds, 1, "the template is reused");
        } finally {
          await sql.end();
          await db.close();
        }
        assert.deepEqual(await databasesLike(serverUrl, db.database), []);
      },
    );

    await t.step(
      "edited migrations get new templates; their family keeps the newest three",
      async () => {
        for (let i = 1; i <= 4; i++) {
          await writeMigration(
            dir,
            `create table notes (id int primary key, body text, v${i} int)`,
          );
          await using db = await createTestDatabase(options);
          await db.query(`select v${i} from notes`);
        }
        assert.equal(builds, 5);
        assert.equal((await newTemplates()).length, 3);
      },
    );
  });
});

Deno.test("createTestDatabase() runs an unkeyed seed function on each copy of the template", async () => {
  const serverUrl = await testDatabaseUrl();
  await withProject(async (dir) => {
    let calls = 0;
    const seed = async (db: Driver) => {
      calls++;
      await db.exec(`insert into notes values (${calls}, 'call ${calls}')`);
    };
    for (const expected of ["call 1", "call 2"]) {
      await using db = await createTestDatabase({ dir, databaseUrl: serverUrl, seed });
      assert.deepEqual(await db.query("select body from notes"), [{ body: expected }]);
    }
  });
});

Deno.test("createTestDatabase() on a role without CREATEDB says so, without the password", async () => {
  const { url, password } = await testServerUrlWithPassword();
  await withProject(async (dir) => {
    await assert.rejects(() => createTestDatabase({ dir, databaseUrl: url }), (error: unknown) => {
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.code, "TEST_DATABASE_FAILED");
      assert.match(error.message, /permission denied to create database/);
      assert.match(error.message, /needs the CREATEDB privilege \(ALTER ROLE \.\.\. CREATEDB\)/);
      assert.ok(
        !error.message.includes(password) && !error.message.includes(encodeURIComponent(password)),
      );
      return true;
    });
  });
});

Deno.test("createTestDatabase() goes to the server of TIDE_TEST_DATABASE_URL unless told memory://", async () => {
  const serverUrl = await testDatabaseUrl();
  const previous = Deno.env.get(TEST_DATABASE_URL_ENV);
  Deno.env.set(TEST_DATABASE_URL_ENV, serverUrl);
  try {
    await withProject(async (dir) => {
      {
        await using db = await createTestDatabase({ dir });
        assert.equal(db.kind, "postgres");
        assert.match(await db.url(), /^postgres:\/\/.*\/tide_test_[0-9a-f]{16}$/);
      }
      await using db = await createTestDatabase({ dir, databaseUrl: "memory://" });
      assert.equal(db.kind, "pglite");
    });
  } finally {
    if (previous === undefined) Deno.env.delete(TEST_DATABASE_URL_ENV);
    else Deno.env.set(TEST_DATABASE_URL_ENV, previous);
  }
});
