import assert from "node:assert/strict";
import { COMMENT_MARKER } from "./report.ts";
import { fakeGitHub, pushCommit, runAction, testRepo } from "../_test_support/action_harness.ts";

const INIT = {
  "migrations/001_init.up.sql": "CREATE TABLE init (id int);\n",
  "migrations/001_init.down.sql": "DROP TABLE init;\n",
};
const USERS = {
  "migrations/002_users.up.sql": "CREATE TABLE users (id int);\n",
  "migrations/002_users.down.sql": "DROP TABLE users;\n",
};
const CHECK = { mode: "check", "github-token": "ghs_fake", comment: "true" };

Deno.test("the check mode comments a passing plan on a clean PR and updates it on the next push", async () => {
  await using repo = await testRepo(INIT, USERS);
  await using api = fakeGitHub([
    { id: 1, body: "LGTM", html_url: "u1" },
    { id: 2, body: "ship it", html_url: "u2" },
    { id: 3, body: "one more", html_url: "u3" },
  ]);
  const first = await runAction({ repo, inputs: CHECK, apiUrl: api.url });
  assert.equal(first.code, 0, first.everything);
  assert.equal(first.outputs.verdict, "pass");
  assert.deepEqual(
    JSON.parse(first.outputs.migrations).map((m: { version: string }) => m.version),
    ["002"],
  );
  const planComments = api.comments.filter((c) => c.body.includes(COMMENT_MARKER));
  assert.equal(planComments.length, 1);
  assert.equal(first.outputs["comment-url"], planComments[0].html_url);
  assert.match(first.summary, /002/);

  await pushCommit(repo, {
    "migrations/003_orders.up.sql": "CREATE TABLE orders (id int);\n",
    "migrations/003_orders.down.sql": "DROP TABLE orders;\n",
  });
  const second = await runAction({ repo, inputs: CHECK, apiUrl: api.url });
  assert.equal(second.code, 0, second.everything);
  const after = api.comments.filter((c) => c.body.includes(COMMENT_MARKER));
  assert.equal(after.length, 1, "the plan comment is updated, not duplicated");
  assert.match(after[0].body, /003/);
  assert.ok(api.requests.includes(`PATCH /repos/acme/shop/issues/comments/${after[0].id}`));
});

Deno.test("the check mode fails a lossy down with an annotation on the migration file", async () => {
  await using repo = await testRepo(INIT, {
    "migrations/002_users.up.sql": "CREATE TABLE users (id int, note text);\n",
    "migrations/002_users.down.sql": "-- lossy\nALTER TABLE users DROP COLUMN note;\n",
  });
  await using api = fakeGitHub();
  const run = await runAction({ repo, inputs: CHECK, apiUrl: api.url });
  assert.equal(run.code, 1);
  assert.equal(run.outputs.verdict, "fail");
  assert.match(
    run.stdout,
    /::error title=tide%3A round-trip,file=migrations\/002_users\.down\.sql,line=1::/,
  );
  assert.match(api.comments[0].body, /the down does not restore the schema/);
});

Deno.test("the check mode points an up's SQL error at its line", async () => {
  await using repo = await testRepo(INIT, {
    "migrations/002_users.up.sql": "CREATE TABLE users (id int);\nBROKEN;\n",
    "migrations/002_users.down.sql": "DROP TABLE users;\n",
  });
  const run = await runAction({ repo, inputs: { ...CHECK, comment: "false" } });
  assert.equal(run.code, 1);
  assert.match(
    run.stdout,
    /::error title=tide%3A round-trip,file=migrations\/002_users\.up\.sql,line=2,col=1::/,
  );
});

Deno.test("the check mode fails an edit to a migration already on the base branch", async () => {
  await using repo = await testRepo(INIT, {
    "migrations/001_init.down.sql": "DROP TABLE init CASCADE;\n",
  });
  const run = await runAction({ repo, inputs: { ...CHECK, comment: "false" } });
  assert.equal(run.code, 1);
  assert.equal(run.outputs.verdict, "fail");
  assert.match(
    run.stdout,
    /::error title=tide%3A edited,file=migrations\/001_init\.down\.sql,line=1::/,
  );
});

Deno.test("the check mode fails a deleted merged migration unless fail-on leaves deletions out", async () => {
  await using repo = await testRepo({ ...INIT, ...USERS }, {
    "migrations/002_users.up.sql": null,
    "migrations/002_users.down.sql": null,
  });
  const failing = await runAction({ repo, inputs: { ...CHECK, comment: "false" } });
  assert.equal(failing.outputs.verdict, "fail");
  assert.match(failing.stdout, /::error title=tide%3A deleted/);
  const lenient = await runAction({
    repo,
    inputs: { ...CHECK, comment: "false", "fail-on": "validation,round-trip" },
  });
  assert.equal(lenient.code, 0, lenient.everything);
  assert.equal(lenient.outputs.verdict, "pass");
  assert.match(lenient.stdout, /::warning title=tide%3A deleted/);
});

Deno.test("the check mode fails a new migration whose version sorts before the base's newest", async () => {
  await using repo = await testRepo({
    ...INIT,
    ...{
      "migrations/003_orders.up.sql": "CREATE TABLE orders (id int);\n",
      "migrations/003_orders.down.sql": "DROP TABLE orders;\n",
    },
  }, USERS);
  const run = await runAction({ repo, inputs: { ...CHECK, comment: "false" } });
  assert.equal(run.outputs.verdict, "fail");
  assert.match(
    run.stdout,
    /::error title=tide%3A out-of-order,file=migrations\/002_users\.up\.sql,line=1::/,
  );
});

Deno.test("the check mode reports an invalid file name as a validation error", async () => {
  await using repo = await testRepo(INIT, { "migrations/users.sql": "CREATE TABLE users ();\n" });
  const run = await runAction({ repo, inputs: { ...CHECK, comment: "false" } });
  assert.equal(run.outputs.verdict, "fail");
  assert.match(
    run.stdout,
    /::error title=tide%3A validation,file=migrations\/users\.sql,line=1,col=1::/,
  );
});

Deno.test("the check mode still passes without a comment when the token is read-only", async () => {
  await using repo = await testRepo(INIT, USERS);
  await using api = fakeGitHub();
  api.readOnly = true;
  const run = await runAction({ repo, inputs: CHECK, apiUrl: api.url });
  assert.equal(run.code, 0, run.everything);
  assert.equal(run.outputs.verdict, "pass");
  assert.equal(run.outputs["comment-url"], "");
  assert.equal(api.comments.length, 0);
  assert.match(run.stdout, /No comment posted.*403/);
  assert.match(run.summary, new RegExp(COMMENT_MARKER));
});

Deno.test("the check mode resolves dir against the workspace and working-directory", async () => {
  await using repo = await testRepo(
    { "db/sql/001_init.up.sql": "CREATE TABLE init ();\n" },
    {
      "db/sql/002_users.up.sql": "CREATE TABLE users ();\n",
      "db/sql/002_users.down.sql": "-- lossy\n",
    },
  );
  const run = await runAction({
    repo,
    inputs: { ...CHECK, comment: "false", "working-directory": "db", dir: "sql" },
  });
  assert.equal(run.outputs.verdict, "fail");
  assert.match(run.stdout, /file=db\/sql\/002_users\.down\.sql/);
});

Deno.test("the apply mode reports what it applied and never prints the password", async () => {
  await using repo = await testRepo(INIT, USERS);
  const password = "p@ss w0rd/secret";
  const url = `postgres://app:${encodeURIComponent(password)}@127.0.0.1:5/app`;
  const run = await runAction({ repo, inputs: { mode: "apply", "database-url": url } });
  assert.equal(run.code, 0, run.everything);
  assert.equal(run.outputs.applied, "2");
  assert.deepEqual(JSON.parse(run.outputs.versions), ["001", "002"]);
  assert.match(run.summary, /\| `002` \| users \|/);
  assert.ok(run.stdout.includes(`::add-mask::${password}`), "the password is masked");
  assert.ok(!run.everything.includes(password));
  assert.ok(!run.everything.includes(encodeURIComponent(password)));
});

Deno.test("the apply mode redacts the password from the error when migrating fails", async () => {
  await using repo = await testRepo(INIT, {});
  const password = "fail-s3cr%t";
  const url = `postgres://app:${encodeURIComponent(password)}@127.0.0.1:5/app`;
  const run = await runAction({ repo, inputs: { mode: "apply", "database-url": url } });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /password authentication failed/);
  assert.ok(!run.everything.includes(password));
  assert.ok(!run.everything.includes(encodeURIComponent(password)));
});

Deno.test("the apply mode refuses to run without database-url", async () => {
  await using repo = await testRepo(INIT, {});
  const run = await runAction({ repo, inputs: { mode: "apply" } });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /::error::.*database-url/);
});

Deno.test("the check mode verifies every migration and posts nothing outside a pull request", async () => {
  await using repo = await testRepo(INIT, USERS);
  await using api = fakeGitHub();
  const run = await runAction({ repo, inputs: CHECK, apiUrl: api.url, noPullRequest: true });
  assert.equal(run.code, 0, run.everything);
  const versions = JSON.parse(run.outputs.migrations).map((m: { version: string }) => m.version);
  assert.deepEqual(versions, ["001", "002"]);
  assert.deepEqual(api.requests, []);
});

Deno.test("the check mode leaves the PR alone when comment is false", async () => {
  await using repo = await testRepo(INIT, USERS);
  await using api = fakeGitHub();
  const run = await runAction({ repo, inputs: { ...CHECK, comment: "false" }, apiUrl: api.url });
  assert.equal(run.outputs.verdict, "pass");
  assert.deepEqual(api.requests, []);
  assert.equal(run.outputs["comment-url"], "");
});
