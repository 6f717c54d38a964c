import assert from "node:assert/strict";
import { commandGit, parseNameStatus } from "./git.ts";
import { testRepo } from "../_test_support/action_harness.ts";

Deno.test("parseNameStatus() reads additions, deletions and renames from -z output", () => {
  const text = "A\0db/002_b.sql\0D\0db/001_a.sql\0R087\0db/old.sql\0db/new.sql\0";
  assert.deepEqual(parseNameStatus(text), [
    { status: "A", path: "db/002_b.sql" },
    { status: "D", path: "db/001_a.sql" },
    { status: "R", oldPath: "db/old.sql", path: "db/new.sql" },
  ]);
});

Deno.test("commandGit() lists every file under a directory at a commit (formats use sub-folders), and nothing when absent", async () => {
  await using repo = await testRepo(
    { "db/001_a.up.sql": "select 1;", "db/nested/x.sql": "select 2;", "db/my file.sql": "" },
    { "db/002_b.up.sql": "select 3;" },
  );
  const git = commandGit(repo.dir);
  assert.deepEqual((await git.listFiles(repo.baseSha, "db")).sort(), [
    "db/001_a.up.sql",
    "db/my file.sql",
    "db/nested/x.sql",
  ]);
  assert.deepEqual(await git.listFiles(repo.baseSha, "missing"), []);
  assert.equal(
    new TextDecoder().decode(await git.readFile(repo.baseSha, "db/001_a.up.sql")),
    "select 1;",
  );
  assert.deepEqual(await git.changedFiles(repo.baseSha, "db"), [{
    status: "A",
    path: "db/002_b.up.sql",
  }]);
});

Deno.test("commandGit() fetches a base commit a shallow clone lacks", async () => {
  await using origin = await testRepo({ "db/001_a.up.sql": "select 1;" }, {
    "db/002_b.up.sql": "select 2;",
  });
  const clone = await Deno.makeTempDir({ prefix: "tide_action_clone_" });
  const args = ["clone", "-q", "--depth=1", "--no-local", `file://${origin.dir}`, clone];
  assert.ok((await new Deno.Command("git", { args, stderr: "null" }).output()).success);
  const git = commandGit(clone);
  assert.equal(await git.hasCommit(origin.baseSha), false);
  await git.fetchCommit(origin.baseSha);
  assert.equal(await git.hasCommit(origin.baseSha), true);
  await Deno.remove(clone, { recursive: true });
});
