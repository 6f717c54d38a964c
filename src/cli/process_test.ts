/**
 * `tide` as separate processes, the way CI jobs and deploys run it: several at once, and one
 * killed in the middle of a migration.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { connect } from "../drivers/connect.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { writeMigrations } from "../_test_support/scenario.ts";

const MAIN = fromFileUrl(new URL("./main.ts", import.meta.url));
const CONFIG = fromFileUrl(new URL("../../deno.json", import.meta.url));

function tide(args: string[], cwd: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", CONFIG, "--allow-all", MAIN, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
    // Not CI: the embedded database is what these runs use when no URL is given.
    env: { NO_COLOR: "1", CI: "" },
  }).spawn();
}

async function finish(child: Deno.ChildProcess): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, output: decode(stdout) + decode(stderr) };
}

const SLOW = {
  "001_accounts.up.sql": "create table accounts (id int primary key);\nselect pg_sleep(0.3);",
  "001_accounts.down.sql": "drop table accounts;",
  "002_invoices.up.sql": "create table invoices (id int primary key);\nselect pg_sleep(0.3);",
  "002_invoices.down.sql": "drop table invoices;",
};

Deno.test("several tide up processes at once apply each migration exactly once", async (t) => {
  const dir = await writeMigrations(SLOW);
  const runAll = async (url: string | undefined) => {
    const args = ["up", "--dir", dir, ...(url ? ["--database-url", url] : [])];
    const results = await Promise.all([1, 2, 3].map(() => finish(tide(args, dir))));
    for (const result of results) assert.equal(result.code, 0, result.output);
    const applied = results.flatMap((r) => r.output.match(/^Applied: \S+/gm) ?? []).sort();
    assert.deepEqual(applied, ["Applied: 001_accounts", "Applied: 002_invoices"]);
    await using db = await connect(url, { cwd: dir });
    const rows = await db.query("select version from tide_migrations order by version");
    assert.deepEqual(rows, [{ version: "001" }, { version: "002" }]);
  };
  await t.step("postgres", async () => await runAll(await testDatabaseUrl()));
  await t.step("embedded pglite", async () => {
    // pg_sleep is a no-op in spirit here; the data directory lock is what serializes the runs.
    await runAll(undefined);
  });
});

Deno.test("a tide up killed mid-migration leaves nothing half-applied, and the next run completes", async () => {
  const url = await testDatabaseUrl();
  const dir = await writeMigrations({
    "001_accounts.up.sql": "create table accounts (id int primary key);",
    "002_long.up.sql": "create table ledger (id int);\nselect pg_sleep(20);",
    "002_long.down.sql": "drop table ledger;",
  });
  await using observer = await connect(url, { applicationName: "tide test observer" });
  const child = tide(["up", "--dir", dir, "--database-url", url], dir);
  await waitFor(async () =>
    (await observer.query(
      "select 1 from pg_stat_activity where application_name = 'tide' and query like '%pg_sleep(20)%'",
    )).length > 0
  );
  child.kill("SIGKILL");
  await child.output();
  // The server notices the vanished client (client_connection_check_interval) and rolls back.
  await waitFor(async () =>
    (await observer.query("select 1 from pg_stat_activity where application_name = 'tide'"))
      .length === 0
  );
  const tables = async () =>
    (await observer.query<{ name: string }>(
      "select tablename::text as name from pg_tables where schemaname = 'public' order by 1",
    )).map((row) => row.name);
  assert.ok(!(await tables()).includes("ledger"), "the killed migration left its table");
  assert.deepEqual(await observer.query("select version from tide_migrations"), [{
    version: "001",
  }]);
  await Deno.writeTextFile(`${dir}/002_long.up.sql`, "create table ledger (id int);");
  const rerun = await finish(tide(["up", "--dir", dir, "--database-url", url], dir));
  assert.equal(rerun.code, 0, rerun.output);
  assert.match(rerun.output, /Applied: 002_long/);
  assert.ok((await tables()).includes("ledger"));
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
