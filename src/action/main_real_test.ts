/**
 * End-to-end runs of `main.ts` itself with tide's real engine (PGlite for check, PostgreSQL
 * for apply).
 */
import assert from "node:assert/strict";
import { fakeGitHub, runAction, testRepo } from "../_test_support/action_harness.ts";
import { testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import { LEAKY_TS_MIGRATION } from "../_test_support/scenario.ts";

const INIT = {
  "migrations/001_init.up.sql": "CREATE TABLE init (id int);\n",
  "migrations/001_init.down.sql": "DROP TABLE init;\n",
};

Deno.test({
  name: "main.ts passes a PR whose migration round-trips on PGlite and comments the plan",
  fn: async () => {
    await using repo = await testRepo(INIT, {
      "migrations/002_users.up.sql": "CREATE TABLE users (id int PRIMARY KEY, email text);\n",
      "migrations/002_users.down.sql": "DROP TABLE users;\n",
    });
    await using api = fakeGitHub();
    const run = await runAction({
      repo,
      engine: "real",
      apiUrl: api.url,
      inputs: { mode: "check", "github-token": "ghs_fake" },
    });
    assert.equal(run.code, 0, run.everything);
    assert.equal(run.outputs.verdict, "pass");
    assert.equal(api.comments.length, 1);
    assert.match(api.comments[0].body, /users/);
  },
});

Deno.test({
  name: "main.ts fails a PR whose down is lossy, annotating the migration",
  fn: async () => {
    await using repo = await testRepo(INIT, {
      "migrations/002_note.up.sql": "ALTER TABLE init ADD COLUMN note text;\n",
      "migrations/002_note.down.sql": "SELECT 1;\n",
    });
    const run = await runAction({
      repo,
      engine: "real",
      inputs: { mode: "check", comment: "false" },
    });
    assert.equal(run.code, 1);
    assert.equal(run.outputs.verdict, "fail");
    assert.match(run.stdout, /::error title=tide%3A round-trip,file=migrations\/002_note\./);
  },
});

Deno.test({
  name: "main.ts ends its apply once done, even when a TypeScript migration leaves a timer running",
  fn: async () => {
    const { url } = await testServerUrlWithPassword();
    await using repo = await testRepo({
      ...INIT,
      "migrations/002_leaky.ts": LEAKY_TS_MIGRATION,
    }, {});
    const run = await runAction({
      repo,
      engine: "real",
      inputs: { mode: "apply", "database-url": url },
      timeoutMs: 60_000,
    });
    assert.equal(run.timedOut, false, "the job was still running a minute after it applied");
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.outputs.applied, "2");
  },
});

Deno.test({
  name: "main.ts applies migrations to PostgreSQL and never prints the password",
  fn: async () => {
    const { url, password } = await testServerUrlWithPassword();
    await using repo = await testRepo(INIT, {});
    const run = await runAction({
      repo,
      engine: "real",
      inputs: { mode: "apply", "database-url": url },
    });
    assert.equal(run.code, 0, run.everything.replaceAll(password, "***"));
    assert.equal(run.outputs.applied, "1");
    assert.deepEqual(JSON.parse(run.outputs.versions), ["001"]);
    assert.ok(!run.everything.includes(password));
    assert.ok(!run.everything.includes(encodeURIComponent(password)));

    const wrong = url.replace(encodeURIComponent(password), encodeURIComponent(`${password}-no`));
    const failed = await runAction({
      repo,
      engine: "real",
      inputs: { mode: "apply", "database-url": wrong },
    });
    assert.equal(failed.code, 1);
    assert.ok(!failed.everything.includes(password), "not even as part of the wrong password");
  },
});

Deno.test({
  name: "main.ts comments what a migration does to production and fails with fail-on: lint",
  fn: async () => {
    const rewrite = {
      "migrations/002_widen.up.sql": "ALTER TABLE init ALTER COLUMN id TYPE bigint;\n",
      "migrations/002_widen.down.sql": "ALTER TABLE init ALTER COLUMN id TYPE int;\n",
    };
    await using repo = await testRepo(INIT, rewrite);
    await using api = fakeGitHub();
    const passing = await runAction({
      repo,
      engine: "real",
      apiUrl: api.url,
      inputs: { mode: "check", "github-token": "ghs_fake" },
    });
    assert.equal(passing.code, 0, passing.everything);
    const body = api.comments[0].body;
    assert.match(body, /What it does to production/);
    assert.match(body, /\| `public.init` \| AccessExclusiveLock \| reads, writes, DDL \|/);
    assert.match(body, /\*\*table-rewrite\*\*/);
    const failing = await runAction({
      repo,
      engine: "real",
      inputs: { mode: "check", comment: "false", "fail-on": "round-trip,lint" },
    });
    assert.equal(failing.code, 1);
    assert.match(
      failing.stdout,
      /::error title=tide%3A lint,file=migrations\/002_widen\.up\.sql,line=1::/,
    );
  },
});
