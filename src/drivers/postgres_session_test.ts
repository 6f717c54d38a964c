/**
 * The PostgreSQL driver's one session: it is never replaced behind tide's back, because the
 * advisory lock and the session settings live in it.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { startTcpProxy } from "../_test_support/tcp_proxy.ts";
import type { Driver } from "./driver.ts";
import { createWireDriver } from "./pg_wire.ts";
import { createPostgresDriver } from "./postgres.ts";

const pidOf = async (db: { query: (sql: string) => Promise<Record<string, unknown>[]> }) =>
  (await db.query("select pg_backend_pid() as pid"))[0].pid as number;

async function sessionsNamed(url: string, name: string): Promise<number[]> {
  await using observer = await createPostgresDriver(url, { applicationName: "tide observer" });
  const rows = await observer.query<{ pid: number }>(
    "select pid from pg_stat_activity where application_name = $1",
    [name],
  );
  return rows.map((row) => row.pid);
}

Deno.test("a PostgreSQL driver whose session was ended fails every later call with CONNECTION_LOST, and never reconnects", async () => {
  const url = await testDatabaseUrl();
  const name = `tide-${crypto.randomUUID()}`;
  await using db = await createPostgresDriver(url, { applicationName: name });
  const pid = await pidOf(db);
  {
    await using admin = await createPostgresDriver(url, { applicationName: "tide admin" });
    await admin.query("select pg_terminate_backend($1)", [pid]);
  }
  while ((await sessionsNamed(url, name)).length > 0) await new Promise((r) => setTimeout(r, 50));
  for (const call of [() => db.query("select 1"), () => db.exec("select 1")]) {
    await rejects(call, (error) => {
      ok(error instanceof MigrationError, String(error));
      equal(error.code, "CONNECTION_LOST");
      return true;
    });
  }
  await rejects(() => db.transaction((tx) => tx.exec("select 1")), { code: "CONNECTION_LOST" });
  equal((await sessionsNamed(url, name)).length, 0, "a new session was opened");
});

Deno.test("a PostgreSQL driver keeps its one session past the max_lifetime and idle_timeout a URL asks for", async () => {
  const url = new URL(await testDatabaseUrl());
  url.searchParams.set("max_lifetime", "1");
  url.searchParams.set("idle_timeout", "1");
  await using db = await createPostgresDriver(url.href);
  const pid = await pidOf(db);
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  equal(await pidOf(db), pid);
});

Deno.test("a PostgreSQL driver gives up on a stalled connection after its network timeout, with NETWORK_TIMEOUT", async (t) => {
  const drivers = {
    "postgres.js": (url: string) => createPostgresDriver(url, { networkTimeoutMs: 500 }),
    "the light client": async (url: string) =>
      (await createWireDriver(url, { networkTimeoutMs: 500 }))!,
  };
  for (const [name, open] of Object.entries(drivers)) {
    await t.step(name, () => stallsOut(open));
  }
});

async function stallsOut(open: (url: string) => Promise<Driver>): Promise<void> {
  await using proxy = await startTcpProxy(await testDatabaseUrl());
  await using db = await open(proxy.url);
  equal((await db.query("select 1 as one"))[0].one, 1);
  proxy.freeze();
  const started = performance.now();
  const error = await Promise.race([
    db.exec("select 1").then(() => new Error("exec() succeeded"), (error) => error),
    new Promise<Error>((resolve) => setTimeout(() => resolve(new Error("still waiting")), 10_000)),
  ]);
  const waited = performance.now() - started;
  ok(error instanceof MigrationError, String(error));
  equal(error.code, "NETWORK_TIMEOUT");
  match(error.message, /500 ms/);
  ok(waited >= 450 && waited < 3_000, `waited ${waited} ms`);
  await rejects(() => db.query("select 1"), { code: "CONNECTION_LOST" });
}

Deno.test("a PostgreSQL driver asks the server to probe an idle connection with TCP keepalives", async () => {
  await using db = await createPostgresDriver(await testDatabaseUrl());
  const [row] = await db.query<Record<string, string>>(
    "select current_setting('tcp_keepalives_idle') as idle, " +
      "current_setting('tcp_keepalives_interval') as interval, " +
      "current_setting('tcp_keepalives_count') as count",
  );
  deepEqual(row, { idle: "10", interval: "5", count: "3" });
});
