/**
 * The action's use of generated SQL: the generated down offered in the PR comment, and the
 * drift mode, with tide's real engine.
 */
import assert from "node:assert/strict";
import { fakeGitHub, runAction, testRepo } from "../_test_support/action_harness.ts";
import { testServerUrlWithPassword } from "../_test_support/postgres_server.ts";
import { connect } from "../drivers/connect.ts";
import { renderDrift } from "./drift.ts";
import type { Plan } from "./report.ts";
import { renderPlan } from "./render.ts";

const INIT = {
  "migrations/001_init.up.sql": "CREATE TABLE init (id int);\n",
  "migrations/001_init.down.sql": "DROP TABLE init;\n",
};

Deno.test("main.ts offers a proven generated down in the comment of a lossy migration", async () => {
  await using repo = await testRepo(INIT, {
    "migrations/002_note.up.sql": "ALTER TABLE init ADD COLUMN note text;\n",
    "migrations/002_note.down.sql": "SELECT 1;\n",
  });
  await using api = fakeGitHub();
  const run = await runAction({
    repo,
    engine: "real",
    apiUrl: api.url,
    inputs: { mode: "check", "github-token": "ghs_fake" },
  });
  assert.equal(run.code, 1);
  const body = api.comments[0].body;
  assert.match(
    body,
    /tide generated a down for it, proven by a round trip:\*\* use it as the down \(save it as `migrations\/002_note\.down\.sql`\)/,
  );
  assert.match(body, /```sql\nALTER TABLE public\.init DROP COLUMN note;\n```/);
});

Deno.test("renderPlan() says why no down could be generated", () => {
  const plan: Plan = {
    verdict: "fail",
    findings: [],
    entries: [{
      version: "002",
      name: "drop_b",
      status: "new",
      upSql: "alter table t drop column b;",
      downSql: "select 1;",
      verdict: {
        version: "002",
        name: "drop_b",
        ok: false,
        problems: ["schema after down differs"],
        failure: "down-differs",
        changes: [],
        durationMs: 5,
      },
      generatedDown: {
        version: "002",
        status: "irreversible",
        reason: "column order of public.t: a table rebuild is needed",
        sql: "",
      },
    }],
  };
  assert.match(
    renderPlan(plan),
    /\*\*No down could be generated \(irreversible\):\*\* column order of public\.t/,
  );
});

Deno.test("renderDrift() lists the differences and the SQL that reconciles them", () => {
  const markdown = renderDrift({
    drifted: true,
    changes: ["index public.x_idx added"],
    sql: "DROP INDEX public.x_idx;\n",
  });
  assert.match(markdown, /drifted from its migrations \(1\)/);
  assert.match(markdown, /- index public\.x\\_idx added/);
  assert.match(markdown, /```sql\nDROP INDEX public\.x_idx;\n```/);
});

Deno.test("main.ts in drift mode passes a clean database and fails a drifted one", async () => {
  const { url, password } = await testServerUrlWithPassword();
  await using repo = await testRepo(INIT, {});
  const applied = await runAction({
    repo,
    engine: "real",
    inputs: { mode: "apply", "database-url": url },
  });
  assert.equal(applied.code, 0, applied.everything.replaceAll(password, "***"));
  const clean = await runAction({
    repo,
    engine: "real",
    inputs: { mode: "drift", "database-url": url },
  });
  assert.equal(clean.code, 0, clean.everything.replaceAll(password, "***"));
  assert.equal(clean.outputs.drift, "false");
  await using db = await connect(url);
  await db.exec("ALTER TABLE init ADD COLUMN by_hand text");
  await db.close();
  const drifted = await runAction({
    repo,
    engine: "real",
    inputs: { mode: "drift", "database-url": url },
  });
  assert.equal(drifted.code, 1);
  assert.equal(drifted.outputs.drift, "true");
  assert.deepEqual(JSON.parse(drifted.outputs.changes), ["column public.init.by_hand added"]);
  assert.ok(!drifted.everything.includes(password));
});
