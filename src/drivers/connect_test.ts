import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import { testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import { connect, resolveDatabaseUrl } from "./connect.ts";
import { createPgliteDriver, extensionsIn, PGLITE_EXTENSIONS } from "./pglite.ts";

Deno.test("connect() opens an in-memory PGlite for memory://", async () => {
  await using db = await connect("memory://");
  equal(db.kind, "pglite");
  equal(db.target, "memory://");
  equal((await db.query("select 1 as one"))[0].one, 1);
});

Deno.test("connect() keeps a pglite:// database in a directory relative to cwd", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "tide-connect-" });
  try {
    const first = await connect("pglite://nested/db", { cwd });
    await first.exec("create table kept (id int)");
    await first.close();
    ok((await Deno.stat(join(cwd, "nested/db/PG_VERSION"))).isFile);
    await using again = await connect("pglite://nested/db", { cwd });
    equal(again.target, `pglite://${join(cwd, "nested/db")}`);
    equal((await again.query("select to_regclass('kept')::text as r"))[0].r, "kept");
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("connect() without a URL uses the embedded database in .tide/pglite", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "tide-connect-" });
  try {
    const db = await connect(undefined, { cwd });
    equal(db.kind, "pglite");
    await db.close();
    ok((await Deno.stat(join(cwd, ".tide/pglite/PG_VERSION"))).isFile);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("connect() opens a PostgreSQL session for postgres:// with a redacted target", async () => {
  const { url, password } = await testServerUrlWithPassword();
  for (const scheme of ["postgres", "postgresql"]) {
    await using db = await connect(url.replace(/^postgres/, scheme));
    equal(db.kind, "postgres");
    ok(!db.target.includes(password));
    match(db.target, /:\*\*\*@/);
    const [row] = await db.query("select current_setting('application_name') as a");
    equal(row.a, "tide");
  }
});

Deno.test("connect() rejects other URLs with UNSUPPORTED_URL, redacted", async () => {
  for (
    const url of ["mysql://me:hunter22@host/db", "pglite://", "memory://somewhere", "db.sqlite"]
  ) {
    await rejects(connect(url), (error) => {
      ok(error instanceof MigrationError);
      equal(error.code, "UNSUPPORTED_URL");
      ok(!error.message.includes("hunter22"), error.message);
      match(error.message, /postgres:\/\/.*pglite:\/\/.*memory:\/\//);
      return true;
    });
  }
});

Deno.test("resolveDatabaseUrl() prefers the flag, then DATABASE_URL, else nothing", () => {
  const env = new Map([["DATABASE_URL", "postgres://env/db"]]);
  equal(resolveDatabaseUrl("memory://", env), "memory://");
  equal(resolveDatabaseUrl(undefined, env), "postgres://env/db");
  equal(resolveDatabaseUrl("", env), "postgres://env/db");
  equal(resolveDatabaseUrl(undefined, new Map()), undefined);
  equal(resolveDatabaseUrl(undefined, new Map([["DATABASE_URL", ""]])), undefined);
});

Deno.test("extensionsIn() finds the extensions that SQL creates", () => {
  const sql = `
    CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
    create extension citext;
    create   extension
      if not exists pg_trgm with schema public;
    -- create extension postgis;
    /* create extension postgis; */
    Create Extension HSTORE;
  `;
  deepEqual(extensionsIn(sql), ["uuid-ossp", "citext", "pg_trgm", "hstore"]);
  deepEqual(extensionsIn("create table extension (id int)"), []);
});

Deno.test("createPgliteDriver() loads the extensions it is asked for", async () => {
  for (const name of ["citext", "uuid-ossp", "pgcrypto", "hstore", "ltree", "pg_trgm"]) {
    ok(PGLITE_EXTENSIONS.includes(name), name);
  }
  await using db = await createPgliteDriver({ extensions: ["citext", "uuid-ossp"] });
  await db.exec('create extension citext; create extension "uuid-ossp"');
  const [row] = await db.query("select 'A'::citext = 'a'::citext as same, uuid_nil()::text as u");
  equal(row.same, true);
  equal(row.u, "00000000-0000-0000-0000-000000000000");
});

Deno.test("createPgliteDriver() names an extension PGlite lacks and says how to verify it", async () => {
  await rejects(createPgliteDriver({ extensions: ["citext", "postgis"] }), (error) => {
    ok(error instanceof MigrationError);
    match(error.message, /"postgis"/);
    ok(!error.message.includes('"citext"'));
    match(error.message, /--database-url/);
    return true;
  });
});
