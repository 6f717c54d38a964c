import { equal, match, ok, rejects } from "node:assert/strict";
import { MigrationError, SqlError } from "../errors.ts";
import { testDatabaseUrl, testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import type { Driver } from "./driver.ts";
import { createPgliteDriver } from "./pglite.ts";
import { createPostgresDriver } from "./postgres.ts";
import { createWireDriver } from "./pg_wire.ts";

/** The behaviour every driver must share; each check opens and closes its own driver. */
const conformance: [string, (db: Driver) => Promise<void>][] = [
  ["exec() runs several statements in one text", async (db) => {
    await db.exec("create table t (id int); insert into t values (1); insert into t values (2);");
    const rows = await db.query<{ n: number }>("select count(*)::int as n from t");
    equal(rows[0].n, 2);
  }],
  ["exec() accepts text with no statement in it", async (db) => {
    await db.exec("");
    await db.exec("-- nothing to undo\n");
    equal((await db.query("select 1 as one"))[0].one, 1);
  }],
  ["query() binds parameters and returns rows", async (db) => {
    const rows = await db.query("select $1::int + $2::int as sum, $3::text as word", [2, 3, "hi"]);
    equal(rows.length, 1);
    equal(rows[0].sum, 5);
    equal(rows[0].word, "hi");
  }],
  ["query() returns a result of many reads whole, row for row", async (db) => {
    const rows = await db.query<{ i: number; pad: string }>(
      "select i, repeat(chr(65 + i % 26), 1000) as pad from generate_series(1, 1000) i",
    ); // about 1 MB: several reads of the socket on a server
    equal(rows.length, 1000);
    ok(
      rows.every((row, n) =>
        row.i === n + 1 && row.pad === String.fromCharCode(65 + row.i % 26).repeat(1000)
      ),
    );
  }],
  ["query() returns JavaScript values for common types", async (db) => {
    const [row] = await db.query(
      "select 7::int4 as i, 'x'::text as s, true as b, null::text as n, " +
        "'2024-05-06T07:08:09Z'::timestamptz as ts",
    );
    equal(row.i, 7);
    equal(row.s, "x");
    equal(row.b, true);
    equal(row.n, null);
    ok(row.ts instanceof Date);
    equal((row.ts as Date).toISOString(), "2024-05-06T07:08:09.000Z");
  }],
  ["transaction() commits what fn did", async (db) => {
    const result = await db.transaction(async (tx) => {
      await tx.exec("create table kept (id int); insert into kept values (1)");
      return (await tx.query<{ n: number }>("select count(*)::int as n from kept"))[0].n;
    });
    equal(result, 1);
    equal((await db.query<{ n: number }>("select count(*)::int as n from kept"))[0].n, 1);
  }],
  ["transaction() rolls back DDL and rethrows when fn throws", async (db) => {
    const boom = new Error("boom");
    await rejects(
      db.transaction(async (tx) => {
        await tx.exec("create table dropped (id int)");
        throw boom;
      }),
      (error) => error === boom,
    );
    const rows = await db.query("select to_regclass('dropped')::text as r");
    equal(rows[0].r, null);
  }],
  ["a server error becomes a SqlError with a 1-based position into the whole text", async (db) => {
    const text = "select 1;\nselect nope from pg_class;";
    const error = await caught(db.exec(text));
    ok(error instanceof SqlError, `expected SqlError, got ${error}`);
    equal(error.sqlState, "42703");
    equal(error.position, text.indexOf("nope") + 1);
    match(error.message, /nope/);
    ok(!Object.values(error).some((v) => typeof v === "string" && v.includes("pg_class")));
  }],
  ["a SqlError carries the server's detail and hint", async (db) => {
    await db.exec("create table u (k int primary key); insert into u values (1)");
    const dup = await caught(db.query("insert into u values (1)"));
    ok(dup instanceof SqlError);
    equal(dup.sqlState, "23505");
    equal(dup.detail, "Key (k)=(1) already exists.");
    const hinted = await caught(db.query("select no_such_fn(1)"));
    ok(hinted instanceof SqlError);
    equal(hinted.sqlState, "42883");
    match(hinted.hint ?? "", /No function matches/);
  }],
  ["a session advisory lock is still held by the next call", async (db) => {
    const [taken] = await db.query("select pg_try_advisory_lock(4242) as ok");
    equal(taken.ok, true);
    const rows = await db.query(
      "select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 4242 " +
        "and pid = pg_backend_pid() and granted",
    );
    equal(rows[0].n, 1);
    await db.exec("set application_name = 'sticky'");
    equal((await db.query("select current_setting('application_name') as a"))[0].a, "sticky");
  }],
  [
    "a COPY ... FROM STDIN fails at once with UNSUPPORTED_COPY, and the session goes on",
    async (db) => {
      await db.exec("create table cp (id int)");
      for (
        const send of [() => db.exec("COPY cp FROM stdin"), () => db.query("copy cp from stdin")]
      ) {
        await rejects(send, (error) => {
          ok(error instanceof MigrationError, String(error));
          equal(error.code, "UNSUPPORTED_COPY");
          match(error.message, /no data stream/);
          return true;
        });
      }
      await rejects(() => db.exec("insert into cp values (1); COPY cp FROM stdin"), {
        code: "UNSUPPORTED_COPY",
      });
      equal((await db.query<{ n: number }>("select count(*)::int as n from cp"))[0].n, 0);
    },
  ],
  ["a COPY ... TO STDOUT fails with UNSUPPORTED_COPY, never as a success", async (db) => {
    await rejects(() => db.exec("COPY (SELECT 1) TO STDOUT"), { code: "UNSUPPORTED_COPY" });
  }],
  ["close() can be called twice", async (db) => {
    await db.close();
    await db.close();
  }],
];

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

let pgliteTemplate: Promise<Blob> | undefined;

/** A fresh PGlite from a dumped empty cluster: a restore is several times faster than initdb. */
async function freshPglite(): Promise<Driver> {
  pgliteTemplate ??= (async () => {
    const first = await createPgliteDriver();
    try {
      return await first.dumpDataDir();
    } finally {
      await first.close();
    }
  })();
  return await createPgliteDriver({ loadDataDir: await pgliteTemplate });
}

/** Each driver: its name, its kind, and how to open a fresh database with it. */
const openers: [string, string, () => Promise<Driver>][] = [
  ["pglite", "pglite", freshPglite],
  ["postgres", "postgres", async () => createPostgresDriver(await testDatabaseUrl())],
  ["postgres (light client)", "postgres", async () => {
    const driver = await createWireDriver(await testDatabaseUrl());
    if (driver === undefined) throw new Error("the light client declined a plain URL");
    return driver;
  }],
];

Deno.test("every driver behaves the same", async (t) => {
  for (const [name, kind, open] of openers) {
    await t.step(name, async (t) => {
      for (const [name, check] of conformance) {
        await t.step(name, async () => {
          const db = await open();
          try {
            equal(db.kind, kind);
            await check(db);
          } finally {
            await db.close();
          }
        });
      }
    });
  }
});

Deno.test("createPostgresDriver() reports an unreachable server without the password", async () => {
  const password = "pa55-Secret!x";
  const url = `postgres://someone:${encodeURIComponent(password)}@127.0.0.1:1/db`;
  const error = await caught(createPostgresDriver(url));
  ok(error instanceof MigrationError);
  equal(error.code, "CONNECTION_FAILED");
  match(error.message, /postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/db/);
  ok(!String(error.stack).includes(password) && !error.message.includes(password));
});

Deno.test("createPostgresDriver() reports a wrong password without any password", async () => {
  const { url, password } = await testServerUrlWithPassword();
  const good = await createPostgresDriver(url);
  equal(good.target.includes(password), false);
  await good.close();
  const wrong = url.replace(encodeURIComponent(password), "Wrong-Guess!9");
  const error = await caught(createPostgresDriver(wrong));
  ok(error instanceof MigrationError, "the server must ask tide_password_user for a password");
  equal(error.code, "CONNECTION_FAILED");
  match(error.message, /password/);
  for (const secret of [password, "Wrong-Guess!9"]) {
    ok(!String(error.stack).includes(secret) && !error.message.includes(secret));
  }
});

Deno.test("createPostgresDriver() rejects a URL that does not parse without echoing it", async () => {
  const error = await caught(createPostgresDriver("postgres://me:se cret/x@host:5432/db"));
  ok(error instanceof MigrationError);
  equal(error.code, "CONNECTION_FAILED");
  ok(!error.message.includes("se cret"), error.message);
});
