import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Plan } from "./report.ts";
import { codeBlock, codeSpan, escapeMarkdown, renderPlan } from "./render.ts";

const GOLDEN = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

async function assertGolden(name: string, actual: string): Promise<void> {
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(GOLDEN(name), actual);
  assert.equal(actual, await Deno.readTextFile(GOLDEN(name)), `refresh with UPDATE_GOLDEN=1`);
}

const PASSING: Plan = {
  verdict: "pass",
  findings: [],
  entries: [{
    version: "20260121093000",
    name: "add_users",
    status: "new",
    upSql: "CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL\n);\n" +
      "CREATE UNIQUE INDEX users_email_idx ON users (email);\n",
    downSql: "DROP TABLE users;\n",
    verdict: {
      version: "20260121093000",
      name: "add_users",
      ok: true,
      problems: [],
      changes: [
        {
          kind: "table",
          name: "public.users",
          change: "added",
          description: 'table "public.users" added',
        },
        {
          kind: "index",
          name: "public.users_email_idx",
          change: "added",
          description: 'index "public.users_email_idx" added',
        },
      ],
      durationMs: 184,
    },
  }],
};

const FAILING: Plan = {
  verdict: "fail",
  findings: [
    {
      kind: "round-trip",
      message:
        "Migration 003 (add_note) does not round-trip: the down does not restore the schema.",
      fix:
        "The down is incomplete or lossy: make it undo exactly what the up does (see the schema diff).",
      failing: true,
      file: "migrations/003_add_note.sql",
      line: 1,
      version: "003",
    },
    {
      kind: "edited",
      message: "Migration 001 is already on the base branch and this PR edits it.",
      fix: "Databases that applied it will not rerun it: revert the edit and add a new migration.",
      failing: true,
      file: "migrations/001_init.sql",
      line: 1,
      version: "001",
    },
    {
      kind: "out-of-order",
      message: "New migration 002 sorts before 005, the newest on the base branch.",
      fix: "Databases past 005 would skip it: rename it to a version after 005.",
      failing: false,
      file: "migrations/002_fix.sql",
      line: 1,
      version: "002",
    },
  ],
  entries: [
    {
      version: "003",
      name: "add_note",
      status: "new",
      upSql: "ALTER TABLE users ADD COLUMN note text; -- a | pipe and <b>html</b>\n",
      downSql: "SELECT 'no ``` fence break';\n",
      verdict: {
        version: "003",
        name: "add_note",
        ok: false,
        problems: ["After up then down, the schema differs from before the up."],
        failure: "down-differs",
        changes: [{
          kind: "column",
          name: "public.users.note",
          change: "added",
          description: 'column "public.users.note" text added',
        }],
        diff: '--- before up\n+++ after down\n+column "public.users.note" text\n',
        durationMs: 1234,
      },
    },
    {
      version: "004",
      name: "bad_sql",
      status: "new",
      upSql: "CREATE TABLE t (id int);\nCREAT INDEX ON t (id);\n",
      verdict: {
        version: "004",
        name: "bad_sql",
        ok: false,
        problems: [],
        failure: "up",
        changes: [],
        error: {
          file: "migrations/004_bad_sql.sql",
          line: 2,
          column: 1,
          message: 'syntax error at or near "CREAT"',
        },
        durationMs: 12,
      },
    },
  ],
};

Deno.test("renderPlan() renders a passing plan as in the golden file", async () => {
  await assertGolden("plan_pass.golden", renderPlan(PASSING));
});

Deno.test("renderPlan() renders failures, their fixes and findings as in the golden file", async () => {
  await assertGolden("plan_fail.golden", renderPlan(FAILING));
});

Deno.test("renderPlan() starts with the hidden marker the comment is found by", () => {
  assert.ok(renderPlan(PASSING).startsWith("<!-- tide:plan -->\n"));
});

Deno.test("renderPlan() leaves the SQL out when the comment would be too long for GitHub", () => {
  const huge = "SELECT 1;\n".repeat(10_000);
  const plan: Plan = { ...PASSING, entries: [{ ...PASSING.entries[0], upSql: huge }] };
  const markdown = renderPlan(plan);
  assert.ok(markdown.length < 65_536);
  assert.match(markdown, /SQL left out/);
});

Deno.test("escapeMarkdown() neutralizes HTML, table pipes and emphasis", () => {
  assert.equal(escapeMarkdown("<img src=x>|*a*"), "&lt;img src=x&gt;\\|\\*a\\*");
});

Deno.test("codeBlock() uses a fence longer than any backtick run in the code", () => {
  assert.equal(codeBlock("sql", "select '````';"), "`````sql\nselect '````';\n`````");
});

Deno.test("codeSpan() keeps backticks and table pipes from breaking out of the span", () => {
  assert.equal(codeSpan("a`b|c"), "``a`b\\|c``");
});

Deno.test("renderPlan() adds what a linted migration does to production: locks, rewrites, findings", () => {
  const lint = {
    version: "20260121093000",
    name: "add_users",
    file: "migrations/20260121093000_add_users.up.sql",
    measured: true,
    locks: [{
      relation: "public.accounts",
      mode: "AccessExclusiveLock" as const,
      blocks: ["reads" as const, "writes" as const, "ddl" as const],
      line: 3,
      statementsWhileHeld: 1,
    }],
    rewrites: ["public.accounts"],
    findings: [{
      rule: "table-rewrite",
      severity: "error" as const,
      file: "migrations/20260121093000_add_users.up.sql",
      line: 3,
      message: "public.accounts is rewritten, copying all 3 rows here.",
      fix: "Add a new column, backfill it in batches.",
      evidence: { measured: true, rewritten: ["public.accounts"] },
    }],
  };
  const plan: Plan = { ...PASSING, entries: [{ ...PASSING.entries[0], lint }] };
  const markdown = renderPlan(plan);
  assert.match(markdown, /\*\*What it does to production\*\*/);
  assert.match(
    markdown,
    /\| `public.accounts` \| AccessExclusiveLock \| reads, writes, DDL \| 3 \| 1 \|/,
  );
  assert.match(markdown, /Rewrites: `public.accounts`\./);
  assert.match(markdown, /❌ \*\*table-rewrite\*\* \(`line 3`\): public.accounts is rewritten/);
  assert.doesNotMatch(renderPlan(PASSING), /What it does to production/);
});

Deno.test("renderPlan() marks a data-only migration and shows its note", () => {
  const entry = PASSING.entries[0];
  const note = "data only, no down: the up changes no schema and has no down";
  const plan: Plan = {
    verdict: "pass",
    findings: [],
    entries: [{
      ...entry,
      downSql: undefined,
      verdict: { ...entry.verdict!, status: "data-only", note, changes: [] },
    }],
  };
  const markdown = renderPlan(plan);
  assert.match(markdown, /^### ✅ tide: 1 migration checked, all pass \(1 data only, no down\)$/m);
  assert.match(markdown, /\| new \| ✅ data only \| 0\.18 s \|$/m);
  assert.match(markdown, /^No schema change\.\n\nℹ️ data only, no down: the up changes no schema/m);
  assert.doesNotMatch(renderPlan(PASSING), /data only/);
});
