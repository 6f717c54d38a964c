/**
 * The PostgreSQL driver's one session: it is never replaced behind tide's back, because the
 * advisory lock and the session settings live in it.
 */
import { equal, ok, rejects } from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
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
