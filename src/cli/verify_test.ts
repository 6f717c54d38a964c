import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join, relative } from "node:path";
import { testDatabaseUrl, testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import {
  assertGolden,
  type CliRun,
  FIXTURE,
  makeProject,
  normalize,
  runCli,
} from "../_test_support/cli_harness.ts";

/** FIXTURE plus an index the down leaves behind, a migration without down and a failing down. */
const FAILING: Record<string, string> = {
  ...FIXTURE,
  "004_index_email.sql": "-- migrate:up\ncreate index users_email_idx on users (email);\n" +
    "-- migrate:down\nselect 1;\n",
  "005_tags.up.sql": "create table tags (name text primary key);\n",
  "006_bad_down.sql": "-- migrate:up\nalter table posts add column title text;\n" +
    "-- migrate:down\nalter table posts drop column titel;\n",
  "007_ok_after.sql": "-- migrate:up\nalter table tags add column color text;\n" +
    "-- migrate:down\nalter table tags drop column color;\n",
};

async function withProject(
  files: Record<string, string>,
  fn: (cwd: string, verify: (...args: string[]) => Promise<CliRun>) => Promise<void>,
): Promise<void> {
  const cwd = await makeProject(files);
  // Paths in messages are relative to this process, which runs elsewhere: make them stable.
  const prefix = relative(Deno.cwd(), join(cwd, "migrations"));
  const verify = async (...args: string[]) => {
    const run = await runCli(["verify", ...args], { cwd });
    const clean = (text: string) => normalize(text.replaceAll(prefix, "migrations"));
    return { code: run.code, stdout: clean(run.stdout), stderr: clean(run.stderr) };
  };
  try {
    await fn(cwd, verify);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("tide verify prints ok for each migration that round-trips and exits 0", async () => {
  await withProject(FIXTURE, async (_cwd, verify) => {
    const run = await verify();
    equal(run.code, 0, run.stderr);
    await assertGolden("verify_ok.txt", run.stdout);
  });
});

Deno.test("tide verify names each failing step, its problems, SQL error and diff, and exits 1", async () => {
  await withProject(FAILING, async (_cwd, verify) => {
    const run = await verify();
    equal(run.code, 1, run.stderr);
    await assertGolden("verify_fail.txt", run.stdout);
  });
});

Deno.test("tide verify --json prints one object with a verdict per migration", async () => {
  await withProject(FAILING, async (_cwd, verify) => {
    const run = await verify("--json");
    equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    deepEqual(Object.keys(report).sort(), ["migrations", "ok", "timings", "totals"]);
    equal(report.ok, false);
    deepEqual(report.totals, { verified: 7, passed: 4, failed: 3, skipped: 0 });
    deepEqual(Object.keys(report.timings).sort(), ["bootMs", "totalMs"]);
    const byVersion = Object.fromEntries(
      report.migrations.map((m: { version: string }) => [m.version, m]),
    );
    deepEqual(Object.keys(byVersion), ["001", "002", "003", "004", "005", "006", "007"]);
    const first = byVersion["001"];
    deepEqual([first.name, first.ok, first.problems, first.failure], [
      "create_users",
      true,
      [],
      undefined,
    ]);
    equal(typeof first.durationMs, "number");
    equal(byVersion["004"].failure, "down-differs");
    match(byVersion["004"].diff, /^\+CREATE INDEX users_email_idx/m);
    equal(byVersion["005"].failure, "no-down");
    equal(byVersion["006"].failure, "down");
    deepEqual(byVersion["006"].error, {
      file: "migrations/006_bad_down.sql",
      line: 4,
      column: 1,
      message: byVersion["006"].error.message,
    });
    equal(byVersion["007"].ok, true);
  });
});

Deno.test("tide verify --fail-fast stops at the first failure and counts the rest as skipped", async () => {
  await withProject(FAILING, async (_cwd, verify) => {
    const run = await verify("--fail-fast", "--json");
    equal(run.code, 1);
    deepEqual(JSON.parse(run.stdout).totals, { verified: 4, passed: 3, failed: 1, skipped: 3 });
  });
});

Deno.test("tide verify --from V verifies V and later only", async () => {
  await withProject(FAILING, async (_cwd, verify) => {
    const run = await verify("--from", "006", "--json");
    equal(run.code, 1);
    const versions = JSON.parse(run.stdout).migrations.map((m: { version: string }) => m.version);
    deepEqual(versions, ["006", "007"]);
    const unknown = await verify("--from", "999");
    equal(unknown.code, 1);
    match(unknown.stderr, /error: Cannot verify from version "999"/);
  });
});

Deno.test("tide verify --ignore column-order (or verify.ignoreColumnOrder) accepts a column re-added at the end", async () => {
  const files = {
    ...FIXTURE,
    "004_add_name.sql": "-- migrate:up\nalter table users add column name text;\n" +
      "-- migrate:down\nalter table users drop column name;\n",
    "005_drop_email.sql": "-- migrate:up\nalter table users drop column email;\n" +
      "-- migrate:down\nalter table users add column email text;\n",
  };
  await withProject(files, async (cwd, verify) => {
    const strict = await verify("--from", "005");
    equal(strict.code, 1);
    match(strict.stdout, /column order of public\.users changed/);
    match(strict.stdout, /to accept the order, verify with --ignore column-order/);
    match(strict.stdout, /1 failed \(1 only by column order: --ignore column-order accepts them\)/);
    equal((await verify("--from", "005", "--ignore", "column-order")).code, 0);
    await Deno.writeTextFile(join(cwd, "tide.json"), '{ "verify": { "ignoreColumnOrder": true } }');
    equal((await verify("--from", "005")).code, 0);
    const bad = await verify("--ignore", "everything");
    equal(bad.code, 2);
    match(bad.stderr, /--ignore takes "column-order", got "everything"/);
  });
});

Deno.test("tide verify never uses DATABASE_URL or a pglite:// URL", async () => {
  await withProject(FIXTURE, async (cwd, verify) => {
    const env = { DATABASE_URL: "postgres://app:s3cret-pw@127.0.0.1:1/app" };
    const run = await runCli(["verify"], { cwd, env });
    equal(run.code, 0, run.stderr);
    match(run.stdout, /on an in-memory PGlite/);
    ok(!`${run.stdout}${run.stderr}`.includes("s3cret-pw"));
    const pglite = await verify("--database-url", "pglite://.tide/pglite");
    equal(pglite.code, 2);
    match(pglite.stderr, /takes a postgres:\/\/ server URL/);
  });
});

Deno.test("tide verify points at --database-url for an extension PGlite lacks", async () => {
  const files = {
    "001_gis.up.sql": "create extension postgis;\n",
    "001_gis.down.sql": "drop extension postgis;\n",
  };
  await withProject(files, async (_cwd, verify) => {
    const run = await verify("--json");
    equal(run.code, 1);
    const { error } = JSON.parse(run.stdout);
    equal(error.code, "UNSUPPORTED_EXTENSION");
    match(error.message, /"postgis".*--database-url postgres:\/\//s);
  });
});

Deno.test("tide verify --database-url runs on a throwaway database of that server", async (t) => {
  await withProject(FAILING, async (_cwd, verify) => {
    await t.step("with the same verdicts as on PGlite", async () => {
      const run = await verify("--database-url", await testDatabaseUrl());
      equal(run.code, 1, run.stderr);
      match(run.stdout, /^Verifying 7 migrations on a throwaway database on 127\.0\.0\.1:\d+\.$/m);
      await assertGolden(
        "verify_fail.txt",
        run.stdout.replace(/^Verifying .*$/m, "Verifying 7 migrations on an in-memory PGlite."),
      );
    });

    await t.step("without ever printing the password", async () => {
      const { url, password } = await testServerUrlWithPassword();
      const run = await verify("--database-url", url);
      ok(!`${run.stdout}${run.stderr}`.includes(password), `${run.stdout}${run.stderr}`);
      ok(!`${run.stdout}${run.stderr}`.includes(encodeURIComponent(password)));
      // This role may not create databases: the error says so, and how to fix it.
      equal(run.code, 1);
      match(run.stderr, /throwaway database .* failed: .*CREATEDB/);
    });
  });
});

/** FIXTURE plus a backfill without a down. */
const DATA_ONLY: Record<string, string> = {
  ...FIXTURE,
  "004_backfill_emails.up.sql": "insert into users (id, email) values (1, 'a@example.com');\n",
};

Deno.test("tide verify passes a data-only migration without a down, with a note", async () => {
  await withProject(DATA_ONLY, async (_cwd, verify) => {
    const run = await verify();
    equal(run.code, 0, run.stderr);
    await assertGolden("verify_data_only.txt", run.stdout);
    const json = JSON.parse((await verify("--json")).stdout);
    deepEqual(json.totals, { verified: 4, passed: 4, failed: 0, skipped: 0 });
    const backfill = json.migrations[3];
    deepEqual([backfill.ok, backfill.status], [true, "data-only"]);
    match(backfill.note, /^data only, no down: /);
    equal(json.migrations[0].status, "round-trips");
  });
});

Deno.test("tide verify --strict-data (or verify.strictData) fails a data-only migration", async () => {
  await withProject(DATA_ONLY, async (cwd, verify) => {
    const run = await verify("--strict-data");
    equal(run.code, 1);
    match(run.stdout, /^FAIL {2}004_backfill_emails: no down/m);
    match(run.stdout, /changes no schema \(data only\).*--strict-data/);
    await Deno.writeTextFile(join(cwd, "tide.json"), '{ "verify": { "strictData": true } }');
    equal((await verify()).code, 1);
  });
});

Deno.test("tide verify --setup (or verify.setup) runs SQL before the first migration", async () => {
  const files = {
    "001_note.up.sql": "alter table __diesel_schema_migrations add column note text;\n",
    "001_note.down.sql": "alter table __diesel_schema_migrations drop column note;\n",
  };
  await withProject(files, async (cwd, verify) => {
    const setup = "create table __diesel_schema_migrations (version varchar(50) primary key);\n";
    await Deno.writeTextFile(join(cwd, "setup.sql"), setup);
    equal((await verify()).code, 1);
    const run = await verify("--setup", "setup.sql");
    equal(run.code, 0, run.stdout + run.stderr);
    await Deno.writeTextFile(join(cwd, "tide.json"), '{ "verify": { "setup": "setup.sql" } }');
    equal((await verify()).code, 0);
    const missing = await verify("--setup", "nope.sql");
    equal(missing.code, 2);
    match(missing.stderr, /error: Reading the verify setup file nope\.sql failed: .*--setup/);
  });
});
