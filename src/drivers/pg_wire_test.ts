import assert from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { testDatabaseUrl, testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import { connect } from "./connect.ts";
import { createWireDriver, isWireDriver } from "./pg_wire.ts";
import { createPostgresDriver } from "./postgres.ts";
import { startTcpProxy } from "../_test_support/tcp_proxy.ts";

const TYPES = `SELECT 1::int2 AS i2, 2::int4 AS i4, 9007199254740993::int8 AS i8, 1.5::float4 AS f4,
  2.25::float8 AS f8, 12.345::numeric AS num, true AS yes, false AS no, 'it''s'::text AS t,
  'x'::varchar(3) AS v, 'c'::char(2) AS ch, '{"a": [1, null]}'::json AS j, '{"b": 2}'::jsonb AS jb,
  '2024-05-06'::date AS d, '2024-05-06 07:08:09.123'::timestamp AS ts,
  '2024-05-06 07:08:09.5+02'::timestamptz AS tstz, '1 day 02:00'::interval AS iv,
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, null::int AS nothing,
  ARRAY[1, 2, NULL]::int[] AS ints, ARRAY['a', 'b c', 'd"e', 'f\\g', NULL, 'NULL']::text[] AS texts,
  ARRAY[true, false] AS bools, ARRAY[[1, 2], [3, 4]] AS matrix, '{}'::text[] AS empty,
  ARRAY['2024-01-02 03:04:05+00'::timestamptz] AS stamps, 'users'::regclass::oid::int AS n,
  'public'::name AS nm`;

Deno.test("the light client gives the values postgres.js gives, for every common type", async () => {
  const url = await testDatabaseUrl();
  await using reference = await createPostgresDriver(url);
  await reference.exec("CREATE TABLE users (id int)");
  await using light = (await createWireDriver(url))!;
  assert.ok(light, "a plain URL is taken");
  assert.deepEqual(await light.query(TYPES), await reference.query(TYPES));
  const params = [3, "text", true, null, new Date("2024-05-06T07:08:09Z"), 2.5];
  const bound = "SELECT $1::int AS a, $2 AS b, $3 AS c, $4::text AS d, $5 AS e, $6::float8 AS f";
  assert.deepEqual(await light.query(bound, params), await reference.query(bound, params));
});

Deno.test("the light client authenticates with SCRAM-SHA-256 and never shows the password", async () => {
  const { url, password } = await testServerUrlWithPassword();
  const light = await createWireDriver(url);
  assert.ok(light, "SCRAM is done by the light client");
  try {
    const [row] = await light.query<{ user: string }>('SELECT current_user AS "user"');
    assert.equal(row.user, "tide_password_user");
    assert.ok(!light.target.includes(password));
  } finally {
    await light.close();
  }
  const wrong = url.replace(encodeURIComponent(password), "Wrong-Guess!9");
  assert.equal(await createWireDriver(wrong), undefined, "a failed login is left to postgres.js");
  const error = await connect(wrong, { readOnly: true }).then(() => undefined, (e) => e);
  assert.ok(error instanceof MigrationError && error.code === "CONNECTION_FAILED");
  assert.match(error.message, /password authentication failed/);
  assert.ok(!error.message.includes("Wrong-Guess!9"));
});

Deno.test("the light client leaves URLs with options, sockets or several hosts to postgres.js", async () => {
  for (
    const url of [
      "postgres://app@127.0.0.1:1/db?sslmode=require",
      "postgres://app@127.0.0.1:1/db?options=-c%20search_path%3Dx",
      "postgres://app@%2Fvar%2Frun%2Fpostgresql/db",
      "postgres://app@h1:1,h2:2/db",
      "postgres://127.0.0.1:1/db",
      "mysql://app@127.0.0.1:1/db",
    ]
  ) {
    assert.equal(await createWireDriver(url), undefined, url);
  }
});

Deno.test("the light client is left out when a PG* variable could change what postgres.js does", async () => {
  const url = await testDatabaseUrl();
  Deno.env.set("PGSSL", "require");
  try {
    assert.equal(await createWireDriver(url), undefined);
  } finally {
    Deno.env.delete("PGSSL");
  }
});

Deno.test("connect() uses the light client only for read-only work on a plain postgres:// URL", async () => {
  const url = await testDatabaseUrl();
  await using light = await connect(url, { readOnly: true });
  assert.ok(isWireDriver(light));
  await using full = await connect(url);
  assert.ok(!isWireDriver(full));
  assert.equal(light.kind, full.kind);
  assert.equal(light.target, full.target);
});

Deno.test("the light client fails every call after its session ended with CONNECTION_LOST, naming why", async () => {
  const url = await testDatabaseUrl();
  await using light = (await createWireDriver(url, { applicationName: "tide light lost" }))!;
  const [{ pid }] = await light.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  {
    await using admin = await createPostgresDriver(url);
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  }
  for (
    const call of [
      () => light.query("SELECT 1"),
      () => light.exec("SELECT 1"),
      () => light.query("SELECT 2"),
    ]
  ) {
    const error = await call().then(() => undefined, (e) => e);
    assert.ok(error instanceof MigrationError, String(error));
    assert.equal(error.code, "CONNECTION_LOST");
    // Why: the server's FATAL message when it is read before the write fails, else the failure.
    assert.match(error.message, /^Lost the connection to postgres:\/\/\S+ \(.+\)\. tide does not/);
  }
});

Deno.test("connect() gives the light client tide's network timeout", async () => {
  await using proxy = await startTcpProxy(await testDatabaseUrl());
  await using light = await connect(proxy.url, { readOnly: true, networkTimeoutMs: 300 });
  assert.ok(isWireDriver(light));
  proxy.freeze();
  const error = await light.query("SELECT 1").then(() => undefined, (e) => e);
  assert.ok(error instanceof MigrationError && error.code === "NETWORK_TIMEOUT", String(error));
});
