import assert from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import { onEachDatabase } from "../_test_support/scenario.ts";
import { ping } from "./ping.ts";

Deno.test("ping() connects, runs select 1, returns the server version and latency, and closes", async (t) => {
  await onEachDatabase(t, async (driver, kind, url) => {
    const health = await ping(url);
    const [{ version }] = await driver.query<{ version: string }>(
      "select current_setting('server_version') as version",
    );
    assert.equal(health.serverVersion, version);
    assert.equal(health.driver, kind);
    assert.ok(health.latencyMs >= 0 && health.latencyMs < 10_000, `${health.latencyMs} ms`);
    if (kind === "postgres") {
      const sessions = await driver.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()`,
      );
      assert.deepEqual(sessions, [{ n: 0 }], "the connection is closed");
    }
  });
});

Deno.test("ping() rejects with CONNECTION_FAILED, never showing the password", async () => {
  const { url, password } = await testServerUrlWithPassword();
  const wrong = new URL(url);
  wrong.password = "not-the-password";
  await assert.rejects(ping(wrong.href), (error) => {
    assert.ok(error instanceof MigrationError && error.code === "CONNECTION_FAILED");
    assert.ok(!error.message.includes("not-the-password") && !error.message.includes(password));
    return true;
  });
  assert.equal((await ping(url)).driver, "postgres");
});
