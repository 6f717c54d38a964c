import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { connect } from "../drivers/connect.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { makeProject } from "../_test_support/cli_harness.ts";
import { openWorkspace } from "./workspace.ts";

async function verifyDatabases(url: string): Promise<string[]> {
  await using db = await connect(url);
  const rows = await db.query<{ name: string }>(
    "SELECT datname::text AS name FROM pg_database WHERE datname LIKE 'tide\\_verify\\_%' ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

Deno.test("a verify workspace drops stale tide_verify_ databases of runs that are gone", async () => {
  const url = await testDatabaseUrl();
  const stale = "tide_verify_20000101000000_4242_00000000";
  {
    await using db = await connect(url);
    await db.exec(`CREATE DATABASE ${stale}`);
  }
  await using workspace = await openWorkspace([], url);
  const names = await verifyDatabases(url);
  assert.ok(!names.includes(stale), names.join(", "));
  const [own] = await workspace.driver.query<{ name: string }>(
    "SELECT current_database()::text AS name",
  );
  assert.match(own.name, /^tide_verify_\d{14}_\d+_[0-9a-f]{8}$/);
});

Deno.test("tide verify --database-url interrupted by SIGINT or SIGTERM drops its databases", async (t) => {
  const url = await testDatabaseUrl();
  const cwd = await makeProject({ "001_slow.up.sql": "SELECT pg_sleep(30);\n" });
  const main = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
  try {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      await t.step(signal, async () => {
        const before = await verifyDatabases(url);
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", main, "verify", "--database-url", url],
          cwd,
          stdout: "null",
          stderr: "piped",
        }).spawn();
        // Wait until its database exists, then interrupt it mid-migration.
        const deadline = Date.now() + 30_000;
        while ((await verifyDatabases(url)).length <= before.length && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        child.kill(signal);
        const status = await child.status;
        await child.stderr.cancel();
        assert.notEqual(status.code, 0);
        assert.deepEqual(await verifyDatabases(url), before);
      });
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
