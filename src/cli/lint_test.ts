import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURE, makeProject, runCli } from "../_test_support/cli_harness.ts";

const REWRITE = {
  ...FIXTURE,
  "004_widen_id.up.sql": "alter table users alter column id type bigint;\n",
};

async function withProject(
  files: Record<string, string>,
  fn: (cwd: string) => Promise<void>,
): Promise<void> {
  const cwd = await makeProject(files);
  try {
    await fn(cwd);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("tide lint with no database yet lints every migration and exits 1 on an error", async () => {
  await withProject(REWRITE, async (cwd) => {
    const run = await runCli(["lint"], { cwd });
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /Linting 4 migrations \(no database yet: all\) on an in-memory PGlite\./,
    );
    assert.match(
      run.stdout,
      /ERROR {2}004_widen_id\n {2}lock AccessExclusiveLock on public\.posts \(line 1\)\n {2}lock AccessExclusiveLock on public\.users/,
    );
    assert.match(run.stdout, /error table-rewrite at .*004_widen_id\.up\.sql:1/);
    assert.match(run.stdout, /Lint failed: 1 error, /);
  });
});

Deno.test("tide lint --json lists every linted migration, findings or not", async () => {
  await withProject(REWRITE, async (cwd) => {
    const run = await runCli(["lint", "--from", "003", "--json"], { cwd });
    assert.equal(run.code, 1, run.stderr);
    const json = JSON.parse(run.stdout);
    assert.deepEqual(json.migrations.map((m: { version: string }) => m.version), ["003", "004"]);
    const [posts, widen] = json.migrations;
    assert.deepEqual(posts.findings.map((f: { rule: string }) => f.rule), ["no-lock-timeout"]);
    assert.deepEqual(Object.keys(widen.findings[0]).slice(0, 5), [
      "rule",
      "severity",
      "line",
      "message",
      "fix",
    ]);
    assert.equal(widen.findings[0].evidence.lock.mode, "AccessExclusiveLock");
  });
});

Deno.test("tide lint lints only what the database has not applied, and obeys lint.rules", async () => {
  await withProject(FIXTURE, async (cwd) => {
    const up = await runCli(["up"], { cwd });
    assert.equal(up.code, 0, up.stderr);
    await Deno.writeTextFile(
      join(cwd, "migrations", "004_widen_id.up.sql"),
      REWRITE["004_widen_id.up.sql"],
    );
    await Deno.writeTextFile(
      join(cwd, "tide.json"),
      JSON.stringify({ lint: { rules: { "table-rewrite": "warning" } } }),
    );
    const run = await runCli(["lint"], { cwd });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Linting 1 migration \(pending\)/);
    assert.match(run.stdout, /warning table-rewrite/);
  });
});

Deno.test("tide lint refuses --from with --all, and an unknown rule in lint.rules", async () => {
  await withProject(FIXTURE, async (cwd) => {
    const both = await runCli(["lint", "--all", "--from", "002"], { cwd });
    assert.equal(both.code, 2, both.stderr);
    await Deno.writeTextFile(
      join(cwd, "tide.json"),
      JSON.stringify({ lint: { rules: { typo: "off" } } }),
    );
    const typo = await runCli(["lint"], { cwd });
    assert.notEqual(typo.code, 0);
    assert.match(typo.stderr, /"lint\.rules\.typo" is not a lint rule/);
  });
});
