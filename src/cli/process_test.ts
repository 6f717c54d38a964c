/**
 * `tide` as separate processes, the way CI jobs and deploys run it: several at once, and one
 * killed in the middle of a migration.
 */
import assert from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { connect } from "../drivers/connect.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { LEAKY_TS_MIGRATION, writeMigrations } from "../_test_support/scenario.ts";

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
  const killed = performance.now();
  await child.output();
  // The server notices the vanished client (client_connection_check_interval) and rolls back.
  await waitFor(async () =>
    (await observer.query("select 1 from pg_stat_activity where application_name = 'tide'"))
      .length === 0
  );
  const gone = performance.now() - killed;
  assert.ok(gone < 3_000, `the server ended the killed session after ${gone} ms`);
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

/** Reads `child`'s stdout until a line holds `text`; the rest of its output is dropped. */
async function waitForLine(child: Deno.ChildProcess, text: string): Promise<void> {
  let seen = "";
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    seen += chunk;
    if (seen.includes(text)) break;
  }
  assert.ok(seen.includes(text), `never printed "${text}": ${seen}`);
  await child.stderr.cancel();
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

Deno.test("a tide up killed mid-migration on the embedded database leaves nothing of it", async () => {
  const dir = await writeMigrations({
    "001_accounts.up.sql": "create table accounts (id int primary key);",
    "002_long.up.sql": "create table ledger (id int);\nselect pg_sleep(60);",
  });
  const child = tide(["up", "--dir", dir], dir);
  await waitForLine(child, "Applying: 002_long");
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  child.kill("SIGKILL");
  await child.status;
  await Promise.allSettled([child.stdout.cancel(), child.stderr.cancel()]);
  const status = await finish(tide(["status", "--dir", dir], dir));
  assert.match(status.output, /^001\s+accounts\s+applied/m, status.output);
  assert.match(status.output, /^002\s+long\s+pending$/m, status.output);
  await using db = await connect(undefined, { cwd: dir });
  assert.deepEqual(await db.query("select to_regclass('ledger') as t"), [{ t: null }]);
});

const NO_TRANSACTION = {
  "001_accounts.up.sql": "create table accounts (id int primary key);",
  "002_split.up.sql": "-- tide:no-transaction\ncreate table part_one (id int);\n" +
    "select pg_sleep(60);\ncreate table part_two (id int);\n",
  "002_split.down.sql": "-- tide:no-transaction\ndrop table part_two;\ndrop table part_one;\n",
};

/** Kills a `tide up` inside statement 2 of 3 of a no-transaction migration, then resolves it. */
async function killInsideNoTransaction(
  url: string | undefined,
  waitUntilInside: (child: Deno.ChildProcess) => Promise<void>,
) {
  const dir = await writeMigrations(NO_TRANSACTION);
  const db = url ? ["--database-url", url] : [];
  const run = (args: string[]) => finish(tide([...args, "--dir", dir, ...db], dir));
  const child = tide(["up", "--dir", dir, ...db], dir);
  await waitUntilInside(child);
  child.kill("SIGKILL");
  await child.status;
  await Promise.allSettled([child.stdout.cancel(), child.stderr.cancel()]);
  const status = await run(["status"]);
  assert.match(status.output, /^002\s+split\s+FAILED$/m, status.output);
  assert.match(status.output, /statement 2 of 3 \(.*002_split\.up\.sql:3:1\)/, status.output);
  const up = await run(["up"]);
  assert.equal(up.code, 1, up.output);
  assert.match(up.output, /tide repair --yes --mark-rolled-back 002/);
  assert.doesNotMatch(up.output, /No statement of it was applied/);
  await Deno.writeTextFile(
    `${dir}/002_split.up.sql`,
    NO_TRANSACTION["002_split.up.sql"].replace(
      "select pg_sleep(60);",
      "select 1;",
    ),
  );
  await using fix = await connect(url, { cwd: dir });
  await fix.exec("drop table part_one"); // undone by hand
  await fix.close();
  const repaired = await run(["repair", "--yes", "--mark-rolled-back", "002"]);
  assert.equal(repaired.code, 0, repaired.output);
  const again = await run(["up"]);
  assert.equal(again.code, 0, again.output);
  assert.match(again.output, /Applied: 002_split/);
}

Deno.test("a tide up killed inside a no-transaction migration leaves it recorded as failed at statement 2 of 3", async (t) => {
  await t.step("postgres", async () => {
    const url = await testDatabaseUrl();
    await using observer = await connect(url, { applicationName: "tide test observer" });
    await killInsideNoTransaction(url, () =>
      waitFor(async () =>
        (await observer.query(
          "select 1 from pg_stat_activity where application_name = 'tide' and query like '%pg_sleep(60)%'",
        )).length > 0
      ));
  });
  await t.step("embedded pglite", async () => {
    // No other process can look inside: once it starts 002, give it time to reach the sleep.
    await killInsideNoTransaction(undefined, async (child) => {
      await waitForLine(child, "Applying: 002_split");
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    });
  });
});

Deno.test("a tide down killed inside a no-transaction down leaves it recorded as failed", async () => {
  const url = await testDatabaseUrl();
  const dir = await writeMigrations({
    ...NO_TRANSACTION,
    "002_split.up.sql": "-- tide:no-transaction\ncreate table part_one (id int);\n" +
      "create table part_two (id int);\n",
    "002_split.down.sql": "-- tide:no-transaction\ndrop table part_two;\nselect pg_sleep(60);\n" +
      "drop table part_one;\n",
  });
  const run = (args: string[]) => finish(tide([...args, "--dir", dir, "--database-url", url], dir));
  assert.equal((await run(["up"])).code, 0);
  await using observer = await connect(url, { applicationName: "tide test observer" });
  const child = tide(["down", "--dir", dir, "--database-url", url], dir);
  await waitFor(async () =>
    (await observer.query(
      "select 1 from pg_stat_activity where application_name = 'tide' and query like '%pg_sleep(60)%'",
    )).length > 0
  );
  child.kill("SIGKILL");
  await child.output();
  const status = await run(["status"]);
  assert.match(status.output, /^002\s+split\s+FAILED$/m, status.output);
  assert.match(status.output, /rolling back.*statement 2 of 3/, status.output);
  assert.equal((await run(["down"])).code, 1);
  await observer.exec("drop table part_one");
  assert.equal((await run(["repair", "--yes", "--mark-rolled-back", "002"])).code, 0);
  assert.match((await run(["status"])).output, /^002\s+split\s+pending$/m);
});

Deno.test("tide up exits once its work is done, even when a TypeScript migration leaves a timer running", async () => {
  const dir = await writeMigrations({
    "001_accounts.up.sql": "create table accounts (id int primary key);",
    "001_accounts.down.sql": "drop table accounts;",
    "002_leaky.ts": LEAKY_TS_MIGRATION,
  });
  const child = tide(["up", "--dir", dir], dir);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<"hung">((resolve) => timer = setTimeout(() => resolve("hung"), 30_000));
  const done = finish(child);
  const ended = await Promise.race([done, hung]);
  clearTimeout(timer);
  if (ended === "hung") {
    child.kill("SIGKILL");
    await done;
    assert.fail("tide up was still running 30 s after its migrations were applied");
  }
  assert.equal(ended.code, 0, ended.output);
  assert.match(ended.output, /Applied: 002_leaky/);
});
