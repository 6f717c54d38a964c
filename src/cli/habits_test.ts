/**
 * What dbmate and golang-migrate users reach for: tide wait and --wait, status --exit-code,
 * up --count, tide current, -v, tide create and tide drop, --env-file, and new naming its files.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { FIXTURE, makeProject, runCli } from "../_test_support/cli_harness.ts";
import { VERSION } from "./main.ts";

async function inProject(
  fn: (cwd: string) => Promise<void>,
  files: Record<string, string> = FIXTURE,
): Promise<void> {
  const cwd = await makeProject(files);
  try {
    await fn(cwd);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

/** A TCP port that forwards to `target` once `open()` is called; refused before. */
function lateProxy(target: URL): { url: string; open(): void; close(): void } {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  let listener: Deno.Listener | undefined;
  const url = new URL(target);
  url.port = String(port);
  return {
    url: url.href,
    open() {
      listener = Deno.listen({ hostname: "127.0.0.1", port });
      (async () => {
        for await (const client of listener!) {
          const server = await Deno.connect({
            hostname: target.hostname,
            port: Number(target.port),
          });
          client.readable.pipeTo(server.writable).catch(() => {});
          server.readable.pipeTo(client.writable).catch(() => {});
        }
      })().catch(() => {});
    },
    close: () => listener?.close(),
  };
}

Deno.test("tide wait retries until the server answers, and fails when it never does", async () => {
  const url = new URL(await testDatabaseUrl());
  await inProject(async (cwd) => {
    const proxy = lateProxy(url);
    try {
      setTimeout(() => proxy.open(), 800);
      const run = await runCli(["wait", "--wait", "20s", "--database-url", proxy.url], { cwd });
      equal(run.code, 0, run.stderr);
      match(
        run.stderr,
        /^Waiting for the database \(0s of 20s\): Cannot connect to postgres:\/\//m,
      );
      match(run.stdout, /^The database answered after \d/);
    } finally {
      proxy.close();
    }
    const dead = lateProxy(url);
    const never = await runCli(["wait", "--wait", "600ms", "--database-url", dead.url], { cwd });
    equal(never.code, 1);
    match(
      never.stderr,
      /^error: The database did not answer within 600 ms \(--wait\)\. Cannot connect/m,
    );
    const embedded = await runCli(["wait"], { cwd });
    equal(embedded.code, 0);
    match(embedded.stdout, /Nothing to wait for: embedded \.tide\/pglite is not a server/);
  });
});

Deno.test("--wait makes any command wait for the server; without it a refused connection fails at once", async () => {
  const url = new URL(await testDatabaseUrl());
  await inProject(async (cwd) => {
    const proxy = lateProxy(url);
    try {
      const refused = await runCli(["status", "--database-url", proxy.url], { cwd });
      equal(refused.code, 1);
      setTimeout(() => proxy.open(), 600);
      const run = await runCli(["up", "--wait", "20s", "--database-url", proxy.url], { cwd });
      equal(run.code, 0, run.stderr);
      match(run.stdout, /Applied: 003_create_posts/);
    } finally {
      proxy.close();
    }
  });
});

Deno.test("status --exit-code exits 1 while anything is pending, 0 once everything is applied", async () => {
  await inProject(async (cwd) => {
    const env = { DATABASE_URL: await testDatabaseUrl() };
    equal((await runCli(["status", "--exit-code"], { cwd, env })).code, 1);
    equal((await runCli(["status"], { cwd, env })).code, 0, "without the flag it stays 0");
    equal((await runCli(["up"], { cwd, env })).code, 0);
    equal((await runCli(["status", "--exit-code"], { cwd, env })).code, 0);
    await Deno.writeTextFile(join(cwd, "migrations/001_create_users.up.sql"), "-- edited\n");
    equal((await runCli(["status", "--exit-code"], { cwd, env })).code, 1, "edited");
  });
});

Deno.test("up --count N applies the N next migrations; current prints the newest applied version", async () => {
  await inProject(async (cwd) => {
    const env = { DATABASE_URL: await testDatabaseUrl() };
    const none = await runCli(["current"], { cwd, env });
    equal(none.code, 0, none.stderr);
    equal(none.stdout, "");
    match(none.stderr, /No migration is applied\./);
    deepEqual(JSON.parse((await runCli(["current", "--json"], { cwd, env })).stdout).current, null);
    const two = JSON.parse((await runCli(["up", "--count", "2", "--json"], { cwd, env })).stdout);
    deepEqual(two.migrations.map((m: { version: string }) => m.version), ["001", "002"]);
    const current = await runCli(["current"], { cwd, env });
    equal(current.stdout, "002");
    const json = JSON.parse((await runCli(["current", "--json"], { cwd, env })).stdout);
    equal(json.current, "002");
    equal(json.name, "add_email");
    match(json.appliedAt, /^\d{4}-/);
    equal((await runCli(["up", "--count", "0"], { cwd, env })).code, 2);
    equal((await runCli(["current"], { cwd })).stdout, "", "no embedded database is created");
  });
});

Deno.test("-v prints the version like --version", async () => {
  for (const flag of ["-v", "-V", "--version"]) {
    const run = await runCli([flag], { cwd: Deno.cwd() });
    equal(run.code, 0);
    equal(run.stdout, `tide ${VERSION}`);
  }
});

Deno.test("tide create and drop create and drop the database in the URL, and say when there is nothing to do", async () => {
  const url = new URL(await testDatabaseUrl());
  url.pathname = `/tide_create_${crypto.randomUUID().slice(0, 8)}`;
  await inProject(async (cwd) => {
    const tide = (...args: string[]) => runCli(args, { cwd, env: { DATABASE_URL: url.href } });
    const created = await tide("create");
    equal(created.code, 0, created.stderr);
    match(created.stdout, /^Created database tide_create_\w+\.$/);
    match(created.stderr, /^Database: postgres:\/\//);
    match((await tide("create")).stdout, /already exists; nothing to do/);
    equal((await tide("up")).code, 0);
    const dropped = JSON.parse((await tide("drop", "--json")).stdout);
    equal(dropped.dropped, true);
    match((await tide("drop")).stdout, /does not exist; nothing to do/);
    const refused = await tide("status");
    equal(refused.code, 1, "the database is gone");
  });
});

Deno.test("tide create and drop are refused on a protected environment, even with --yes", async () => {
  await inProject(async (cwd) => {
    await Deno.writeTextFile(
      join(cwd, "tide.json"),
      JSON.stringify({
        environments: {
          production: { databaseUrl: "postgres://app@127.0.0.1:9/app", protected: true },
        },
      }),
    );
    for (const command of ["create", "drop"]) {
      const run = await runCli([command, "--env", "production", "--yes"], { cwd });
      equal(run.code, 2, run.stderr);
      match(run.stderr, /Unknown option '--yes'/);
      const refused = await runCli([command, "--env", "production", "--json"], { cwd });
      equal(JSON.parse(refused.stdout).error.code, "PROTECTED_ENVIRONMENT");
    }
  });
});

Deno.test("tide create and drop handle a pglite:// data directory", async () => {
  await inProject(async (cwd) => {
    const args = ["--database-url", "pglite://db/local"];
    equal((await runCli(["create", ...args], { cwd })).stdout, "Created the database.");
    ok((await Deno.stat(join(cwd, "db/local/PG_VERSION"))).isFile);
    match((await runCli(["create", ...args], { cwd })).stdout, /already exists/);
    equal((await runCli(["drop", ...args], { cwd })).stdout, "Dropped the database.");
    ok(!(await Deno.stat(join(cwd, "db/local")).then(() => true, () => false)));
    equal((await runCli(["drop", "--database-url", "memory://"], { cwd })).code, 2);
  });
});

Deno.test("--env-file reads DATABASE_URL from a .env file; variables already set win", async () => {
  await inProject(async (cwd) => {
    await Deno.writeTextFile(
      join(cwd, ".env"),
      "# local development\nDATABASE_URL=pglite://.tide/from-env-file\nTIDE_ENV=\n",
    );
    const run = await runCli(["up", "--env-file", ".env"], { cwd, env: { CI: "true" } });
    equal(run.code, 0, run.stderr);
    match(run.stderr, /^Database: pglite:\/\/\.tide\/from-env-file$/m);
    const set = await runCli(["status", "--env-file", ".env", "--json"], {
      cwd,
      env: { DATABASE_URL: "memory://" },
    });
    equal(JSON.parse(set.stdout).database, "memory://");
    const missing = await runCli(["status", "--env-file", "nope.env"], { cwd });
    equal(missing.code, 2);
    match(missing.stderr, /Cannot read the env file .*nope\.env: there is no such file/);
  });
});

Deno.test("new prints each file it wrote, relative to the project", async () => {
  await inProject(async (cwd) => {
    const run = await runCli(["new", "add_notes"], { cwd });
    equal(run.code, 0, run.stderr);
    equal(
      run.stdout,
      "Created: migrations/004_add_notes.up.sql\nCreated: migrations/004_add_notes.down.sql",
    );
  });
});
