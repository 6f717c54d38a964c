import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../drivers/connect.ts";
import { acquireLock, migrationLockKey } from "../engine/lock.ts";
import { testDatabaseUrl, testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import { assertGolden, makeProject, normalize, runCli } from "../_test_support/cli_harness.ts";

Deno.test("the CLI drives a PostgreSQL database through a whole migration lifecycle", async (t) => {
  const cwd = await makeProject();
  const env = { DATABASE_URL: await testDatabaseUrl() };
  const tide = (...args: string[]) => runCli(args, { cwd, env });
  try {
    await t.step("up --to applies up to a version, one progress pair per migration", async () => {
      const run = await tide("up", "--to", "002");
      equal(run.code, 0, run.stderr);
      await assertGolden("up.txt", normalize(run.stdout));
    });

    await t.step("status prints a table of applied and pending migrations", async () => {
      const run = await tide("status");
      equal(run.code, 0, run.stderr);
      await assertGolden("status.txt", normalize(run.stdout));
    });

    await t.step("status --json keeps versions as written in the file names", async () => {
      const status = JSON.parse((await tide("status", "--json")).stdout);
      deepEqual(status.applied.map((m: { version: string }) => m.version), ["001", "002"]);
      match(status.applied[1].appliedAt, /^\d{4}-\d\d-\d\dT/);
      deepEqual(status.pending, [{
        version: "003",
        name: "create_posts",
        file: "003_create_posts.up.sql",
        downFile: "003_create_posts.down.sql",
      }]);
      deepEqual([status.missing, status.edited, status.failed], [[], [], []]);
    });

    await t.step("up --dry-run prints the SQL it would run and runs nothing", async () => {
      const run = await tide("up", "--dry-run");
      equal(run.code, 0, run.stderr);
      match(run.stdout, /would apply 1 migration; nothing was run/);
      match(run.stdout, /-- Would apply: 003_create_posts\ncreate table posts/);
      const json = JSON.parse((await tide("up", "--dry-run", "--json")).stdout);
      equal(json.dryRun, true);
      match(json.migrations[0].sql, /^create table posts/);
      equal(JSON.parse((await tide("status", "--json")).stdout).pending.length, 1);
    });

    await t.step("up --json prints one object with each migration's duration", async () => {
      const run = await tide("up", "--json");
      equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout);
      equal(result.direction, "up");
      equal(result.dryRun, false);
      equal(result.migrations.length, 1);
      equal(result.migrations[0].version, "003");
      equal(typeof result.migrations[0].durationMs, "number");
      equal(result.migrations[0].sql, undefined);
    });

    await t.step("down --dry-run prints the down SQL; down rolls back the last one", async () => {
      const dry = await tide("down", "--dry-run");
      match(dry.stdout, /-- Would roll back: 003_create_posts\ndrop table posts;/);
      const run = await tide("down");
      equal(run.code, 0, run.stderr);
      match(run.stdout, /^Rolling back: 003_create_posts\nRolled back: 003_create_posts in \d+ms$/);
    });

    await t.step("redo rolls back and re-applies the newest migration", async () => {
      const run = await tide("redo");
      equal(run.code, 0, run.stderr);
      match(
        run.stdout,
        /Rolled back: 002_add_email in .*\nApplying: 002_add_email\nApplied: 002_add_email/,
      );
    });

    await t.step("history lists every run, oldest first", async () => {
      const { entries } = JSON.parse((await tide("history", "--json")).stdout);
      deepEqual(
        entries.map((e: { action: string; version: string }) => `${e.action} ${e.version}`),
        ["up 001", "up 002", "up 003", "down 003", "down 002", "up 002"],
      );
      match((await tide("history")).stdout, /^STARTED +ACTION +MIGRATION/);
    });

    await t.step(
      "an edited applied migration shows in status, validate and up, until repair",
      async () => {
        await Deno.writeTextFile(
          join(cwd, "migrations/001_create_users.up.sql"),
          "create table users (id bigint primary key);\n",
        );
        match((await tide("status")).stdout, /^001 +create_users +edited$/m);
        const up = await tide("up", "--json");
        equal(up.code, 1);
        equal(JSON.parse(up.stdout).error.code, "CHECKSUM_MISMATCH");
        const validate = await tide("validate", "--json");
        equal(validate.code, 1);
        deepEqual(JSON.parse(validate.stdout).problems.map((p: { kind: string }) => p.kind), [
          "edited",
        ]);
        equal((await tide("repair")).code, 2);
        const repair = await tide("repair", "--yes");
        equal(repair.code, 0, repair.stderr);
        equal(repair.stdout, "Re-recorded checksum: 001");
        equal((await tide("validate")).code, 0);
      },
    );

    await t.step("reset rolls everything back and applies it again", async () => {
      const run = await tide("reset", "--json");
      equal(run.code, 0, run.stderr);
      deepEqual(
        JSON.parse(run.stdout).migrations.map((m: { direction: string; version: string }) =>
          `${m.direction} ${m.version}`
        ),
        ["down 002", "down 001", "up 001", "up 002", "up 003"],
      );
    });

    await t.step("a SQL error exits 1 and names file:line:column", async () => {
      await Deno.writeTextFile(
        join(cwd, "migrations/004_broken.up.sql"),
        "create table ok_table (id int);\nselect * from no_such_table;\n",
      );
      await Deno.writeTextFile(
        join(cwd, "migrations/004_broken.down.sql"),
        "drop table ok_table;\n",
      );
      const run = await tide("up");
      equal(run.code, 1);
      match(run.stdout, /^Applying: 004_broken$/m);
      // The database is named first, then the error.
      match(run.stderr, /^Database: postgres:\/\/[^\n]*\nerror: .*004_broken\.up\.sql:2:15\b/);
      match(run.stderr, /no_such_table/);
      const json = JSON.parse((await tide("up", "--json")).stdout);
      equal(json.error.line, 2);
      equal(json.error.column, 15);
      equal(json.error.version, "004");
      await Deno.remove(join(cwd, "migrations/004_broken.up.sql"));
      await Deno.remove(join(cwd, "migrations/004_broken.down.sql"));
    });

    await t.step("--quiet prints nothing on success", async () => {
      const run = await tide("down", "--quiet");
      equal(run.code, 0, run.stderr);
      equal(run.stdout + run.stderr, "");
    });

    await t.step(
      "ping prints the server version and whether the lock is free, and who holds it",
      async () => {
        const free = await tide("ping");
        equal(free.code, 0, free.stderr);
        match(free.stdout, /^Server: PostgreSQL \d+/m);
        match(free.stdout, /^Lock: free/m);
        await using other = await connect(env.DATABASE_URL);
        await using _lock = await acquireLock(
          other,
          migrationLockKey({ schema: "public", table: "tide_migrations" }),
          {
            waitMs: 0,
          },
        );
        const held = await tide("ping", "--json");
        equal(held.code, 0, held.stderr);
        const report = JSON.parse(held.stdout);
        equal(report.lock.free, false);
        equal(typeof report.lock.holder.pid, "number");
        equal(report.lock.holder.applicationName, "tide");
      },
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("baseline marks migrations applied without running them", async () => {
  const cwd = await makeProject();
  const env = { DATABASE_URL: await testDatabaseUrl() };
  try {
    const run = await runCli(["baseline", "002"], { cwd, env });
    equal(run.code, 0, run.stderr);
    equal(run.stdout, "Baselined: 001_create_users\nBaselined: 002_add_email");
    const status = JSON.parse((await runCli(["status", "--json"], { cwd, env })).stdout);
    deepEqual(status.pending.map((m: { version: string }) => m.version), ["003"]);
    // Nothing ran: the users table 003 references does not exist, so up fails.
    equal((await runCli(["up"], { cwd, env })).code, 1);
    equal((await runCli(["baseline", "042"], { cwd, env })).code, 1);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("a password in the database URL never appears in any output", async () => {
  const cwd = await makeProject();
  const { url, password } = await testServerUrlWithPassword();
  const forms = [password, encodeURIComponent(password)];
  const check = (run: { stdout: string; stderr: string }) => {
    for (const form of forms) {
      ok(!`${run.stdout}\n${run.stderr}`.includes(form), run.stdout + run.stderr);
    }
  };
  try {
    for (
      const args of [["up"], ["status"], ["ping"], ["ping", "--json"], ["validate"], ["history"]]
    ) {
      const run = await runCli([...args, "--database-url", url], { cwd });
      equal(run.code, 0, run.stderr);
      check(run);
    }
    const refused = await runCli(["up", "--to", "999", "--json"], {
      cwd,
      env: { DATABASE_URL: url },
    });
    equal(refused.code, 2); // a --to naming no version is a bad argument (issue 8, item 15)
    check(refused);
    // The server quotes the bad value back: only the CLI's own scrubbing keeps it out.
    await Deno.writeTextFile(
      join(cwd, "migrations/004_leak.up.sql"),
      `select '${password}'::int;\n`,
    );
    const leaked = await runCli(["up", "--database-url", url], { cwd });
    equal(leaked.code, 1);
    match(leaked.stderr, /invalid input syntax for type integer: "\*\*\*"/);
    check(leaked);
    const wrong = new URL(url);
    wrong.password = "Wrong-pa55word";
    const bad = await runCli(["status", "--database-url", wrong.href], { cwd });
    equal(bad.code, 1);
    match(bad.stderr, /^Database: postgres:\/\/tide_password_user:\*\*\*@[^\n]*\nerror: /);
    ok(!bad.stderr.includes("Wrong-pa55word"), bad.stderr);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
