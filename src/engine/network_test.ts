import assert from "node:assert/strict";
import { connect } from "../drivers/connect.ts";
import { loadMigrations } from "../files/load.ts";
import { Migrator } from "./migrator.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { writeMigrations } from "../_test_support/scenario.ts";
import { startTcpProxy } from "../_test_support/tcp_proxy.ts";

Deno.test("a migration whose connection stalls fails after the network timeout and says to check status", async () => {
  const url = await testDatabaseUrl();
  const dir = await writeMigrations({
    "001_first.up.sql": "create table first_t (id int);",
    "002_second.up.sql": "-- the network stalls once this is sent\ncreate table second_t (id int);",
  });
  await using proxy = await startTcpProxy(url);
  proxy.freezeAfterSending("the network stalls once this is sent");
  await using driver = await connect(proxy.url, { networkTimeoutMs: 1_000 });
  const migrator = new Migrator({ driver, migrations: await loadMigrations(dir) });
  const started = performance.now();
  const outcome = await Promise.race([
    migrator.up().then(() => new Error("up() succeeded"), (error) => error),
    new Promise<Error>((resolve) => setTimeout(() => resolve(new Error("still waiting")), 15_000)),
  ]);
  const waited = performance.now() - started;
  assert.equal(outcome.code, "NETWORK_TIMEOUT", outcome.message);
  assert.match(outcome.message, /002_second/);
  assert.match(outcome.message, /tide status/);
  assert.ok(waited < 8_000, `waited ${waited} ms`);
  await proxy.close(); // the server then sees its client go
  await using direct = await connect(url);
  const rows = await direct.query("select version from tide_migrations order by version");
  assert.deepEqual(rows, [{ version: "001" }, { version: "002" }], "the server committed 002");
});
