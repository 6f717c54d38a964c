/**
 * Safe defaults of the CLI: the database is always named first, the implicit embedded database
 * is refused in CI and on protected environments, read-only commands never create it, `.tide/`
 * ignores itself, the cache can be emptied, and lock waits say who holds the lock.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../drivers/connect.ts";
import { lockDataDir } from "../drivers/data_dir_lock.ts";
import { acquireLock, migrationLockKey } from "../engine/lock.ts";
import { testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";

async function inProject(fn: (cwd: string) => Promise<void>): Promise<void> {
  const cwd = await makeProject();
  try {
    await fn(cwd);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("a command names its database first on stderr, without the password, and in its JSON", async () => {
  const { url, password } = await testServerUrlWithPassword();
  await inProject(async (cwd) => {
    const env = { DATABASE_URL: url };
    const up = await runCli(["up"], { cwd, env });
    equal(up.code, 0, up.stderr);
    const named = up.stderr.split("\n")[0];
    match(
      named,
      /^Database: postgres:\/\/tide_password_user:\*\*\*@127\.0\.0\.1:\d+\/tide_test_\w+$/,
    );
    ok(!up.stderr.includes(password));
    const status = JSON.parse((await runCli(["status", "--json"], { cwd, env })).stdout);
    equal(status.database, named.slice("Database: ".length));
    equal(Object.keys(status)[0], "database");
    const error = JSON.parse((await runCli(["up", "--to", "999", "--json"], { cwd, env })).stdout);
    equal(error.database, status.database);
    equal(error.error.code, "UNKNOWN_VERSION");
  });
});

Deno.test("the embedded database is named as such, and --quiet leaves the line out", async () => {
  await inProject(async (cwd) => {
    const up = await runCli(["up"], { cwd });
    equal(up.code, 0, up.stderr);
    equal(up.stderr, "Database: embedded .tide/pglite");
    const quiet = await runCli(["status", "-q"], { cwd });
    equal(quiet.stderr, "");
    equal(
      JSON.parse((await runCli(["status", "--json"], { cwd })).stdout).database,
      "embedded .tide/pglite",
    );
  });
});

Deno.test("with CI set, a writing command without a database URL refuses the implicit embedded database", async () => {
  await inProject(async (cwd) => {
    for (const command of [["up"], ["down"], ["baseline", "001"], ["reset"]]) {
      const run = await runCli(command, { cwd, env: { CI: "true" } });
      equal(run.code, 1, command.join(" "));
      match(
        run.stderr,
        /^error: Refusing `tide \w+` on the implicit embedded database \(\.tide\/pglite\): CI is set/,
      );
      match(run.stderr, /--database-url, the DATABASE_URL environment variable/);
      match(
        run.stderr,
        /--database-url pglite:\/\/\.tide\/pglite to use the embedded database on purpose/,
      );
    }
    ok(!(await exists(join(cwd, ".tide"))), "nothing was created");
    const json = JSON.parse((await runCli(["up", "--json"], { cwd, env: { CI: "1" } })).stdout);
    equal(json.error.code, "NO_DATABASE_URL");
    const explicit = await runCli(["up", "--database-url", "pglite://.tide/pglite"], {
      cwd,
      env: { CI: "true" },
    });
    equal(explicit.code, 0, explicit.stderr);
    const memory = await runCli(["up", "--database-url", "memory://"], {
      cwd,
      env: { CI: "true" },
    });
    equal(memory.code, 0, memory.stderr);
    const notCi = await runCli(["status"], { cwd, env: { CI: "false" } });
    equal(notCi.code, 0, notCi.stderr);
  });
});

Deno.test("a protected environment refuses the implicit embedded database, naming the config's databaseUrl", async () => {
  await inProject(async (cwd) => {
    await Deno.writeTextFile(
      join(cwd, "tide.json"),
      JSON.stringify({ environments: { production: { protected: true } } }),
    );
    const run = await runCli(["up", "--env", "production"], { cwd });
    equal(run.code, 1);
    match(run.stderr, /the environment "production" is marked "protected": true/);
    match(run.stderr, /"databaseUrl" in tide\.json \(environment "production"\)/);
    const readOnly = await runCli(["status", "--env", "production"], { cwd });
    equal(readOnly.code, 0, readOnly.stderr);
  });
});

Deno.test("read-only commands never create the embedded database; status lists every migration as pending", async () => {
  await inProject(async (cwd) => {
    const status = await runCli(["status"], { cwd });
    equal(status.code, 0, status.stderr);
    equal(status.stderr, "Database: embedded .tide/pglite (none yet)");
    match(
      status.stdout,
      /^No database yet \(embedded \.tide\/pglite\): every migration is pending\.$/m,
    );
    match(status.stdout, /^003 +create_posts +pending$/m);
    match(status.stdout, /^0 applied, 3 pending\.$/m);
    const json = JSON.parse((await runCli(["status", "--json"], { cwd })).stdout);
    equal(json.databaseExists, false);
    deepEqual(json.pending.map((m: { version: string }) => m.version), ["001", "002", "003"]);
    const history = await runCli(["history"], { cwd });
    equal(history.code, 0, history.stderr);
    match(history.stdout, /No history: there is no database yet/);
    const ping = await runCli(["ping"], { cwd });
    equal(ping.code, 0, ping.stderr);
    match(ping.stdout, /the first `tide up` creates it/);
    const validate = await runCli(["validate", "--database-url", "pglite://.tide/other"], { cwd });
    equal(validate.code, 0, validate.stderr);
    match(validate.stdout, /\(files\)/);
    ok(!(await exists(join(cwd, ".tide"))), ".tide was not created");
  });
});

Deno.test(".tide/ gets a .gitignore of its own when tide creates it", async () => {
  await inProject(async (cwd) => {
    equal((await runCli(["up"], { cwd })).code, 0);
    equal(await Deno.readTextFile(join(cwd, ".tide", ".gitignore")), "*\n");
  });
});

Deno.test("tide cache shows where the cache is and its size; cache clean empties it", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "tide-cache-cmd-" });
  try {
    await Deno.writeFile(join(cacheDir, "pglite-0.0.0-initdb.tar"), new Uint8Array(1500));
    const env = { TIDE_CACHE_DIR: cacheDir };
    const shown = await runCli(["cache"], { cwd: cacheDir, env });
    equal(shown.code, 0, shown.stderr);
    match(shown.stdout, new RegExp(`^Cache: ${cacheDir} \\(move it with TIDE_CACHE_DIR\\)$`, "m"));
    match(shown.stdout, /^1 entry, 1\.5 kB\./m);
    const cleaned = JSON.parse(
      (await runCli(["cache", "clean", "--json"], { cwd: cacheDir, env })).stdout,
    );
    deepEqual(cleaned, { dir: cacheDir, removed: 1, bytes: 1500 });
    equal((await runCli(["cache", "purge"], { cwd: cacheDir, env })).code, 2);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("tide cache clean also removes the cached migration loads", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "tide-cache-cmd-" });
  try {
    await Deno.writeFile(join(cacheDir, "pglite-0.0.0-initdb.tar"), new Uint8Array(1500));
    await Deno.writeFile(join(cacheDir, "migrations-0123abcd.json"), new Uint8Array(500));
    await Deno.writeTextFile(join(cacheDir, "notes.txt"), "not tide's");
    const env = { TIDE_CACHE_DIR: cacheDir };
    const cleaned = JSON.parse(
      (await runCli(["cache", "clean", "--json"], { cwd: cacheDir, env })).stdout,
    );
    deepEqual(cleaned, { dir: cacheDir, removed: 2, bytes: 2000 });
    deepEqual([...Deno.readDirSync(cacheDir)].map((entry) => entry.name), ["notes.txt"]);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("while another run holds the server's migration lock, up says who holds it, every few seconds", async () => {
  const { url } = await testServerUrlWithPassword();
  await inProject(async (cwd) => {
    await using holder = await connect(url, { applicationName: "deploy job 7" });
    await using _lock = await acquireLock(
      holder,
      migrationLockKey({ schema: "public", table: "tide_migrations" }),
      {
        waitMs: 0,
      },
    );
    const run = await runCli(["up", "--lock-wait", "1500ms"], { cwd, env: { DATABASE_URL: url } });
    equal(run.code, 1);
    match(
      run.stderr,
      /^Waiting for the migration lock: held by pid \d+ \(application "deploy job 7", user "tide_password_user", connected \d+(\.\d)?(ms|s) ago\); waited 1s of 1\.5s\.$/m,
    );
    match(run.stderr, /LOCK_WAIT_TIMEOUT|held it for the whole 1500 ms wait/);
  });
});

Deno.test("while another process holds the embedded database, up says who holds it and waits", async () => {
  await inProject(async (cwd) => {
    const lock = await lockDataDir(join(cwd, ".tide", "pglite"), { command: "tide verify" });
    setTimeout(() => lock.release(), 1600);
    const run = await runCli(["up"], { cwd });
    equal(run.code, 0, run.stderr);
    match(
      run.stderr,
      new RegExp(
        `^Waiting for the PGlite database in .*pglite: held by pid ${Deno.pid} \\(tide verify\\) for 1s; waited 1s of 1m 0s\\.$`,
        "m",
      ),
    );
  });
});
