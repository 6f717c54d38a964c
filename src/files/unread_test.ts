import assert from "node:assert/strict";
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import { loadMigrations, type UnreadFile } from "./load.ts";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";

async function unreadIn(files: Record<string, string>, format = "auto") {
  const dir = await Deno.makeTempDir();
  for (const [name, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, name, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, name), text);
  }
  const unread: UnreadFile[] = [];
  await loadMigrations(dir, { format, onUnread: (file) => unread.push(file) });
  return { dir, unread: unread.map((u) => [u.path.slice(dir.length + 1), u.why]) };
}

Deno.test("files that look like migrations but are not read are each named, with why", async () => {
  const { unread } = await unreadIn({
    "001_a.up.sql": "CREATE TABLE a ();",
    "002_b.cql": "CREATE TABLE b ();",
    "003_c.py": "print(1)",
    "sub/004_d.up.sql": "CREATE TABLE d ();",
    "_005_skipped.sql": "SELECT 1;",
    "README.md": "# migrations",
  }, "tide");
  assert.deepEqual(unread.map(([path]) => path), ["002_b.cql", "003_c.py", "sub/004_d.up.sql"]);
  assert.match(unread[0][1], /only \.sql files are read/);
  assert.match(unread[2][1], /the tide format does not read it/);
});

Deno.test("a file with .SQL, or a misspelled direction, is named in every format", async (t) => {
  for (const format of ["tide", "golang-migrate", "sqlx", "goose"]) {
    await t.step(format, async () => {
      const files: Record<string, string> = format === "goose"
        ? { "001_a.sql": "-- +goose Up\nSELECT 1;\n", "002_b.SQL": "-- +goose Up\nSELECT 1;\n" }
        : { "001_a.up.sql": "SELECT 1;", "002_b.up.SQL": "SELECT 1;" };
      const outcome = await unreadIn(files, format).then(
        ({ unread }) => unread.map(([path]) => path).join(","),
        (error: MigrationError) => error.message,
      );
      assert.match(outcome, /002_b\.(up\.)?SQL/);
    });
  }
  const error = await unreadIn(
    { "001_a.up.sql": "SELECT 1;", "001_a.dwon.sql": "SELECT 2;" },
    "tide",
  )
    .then(() => undefined, (error) => error);
  assert.ok(error instanceof MigrationError);
  assert.equal(error.code, "INVALID_FILE_NAME");
  assert.match(error.message, /001_a\.dwon\.sql.*"dwon" is not a direction: .*001_a\.down\.sql/);
});

Deno.test("a dangling symbolic link is named as such, as a file and as the directory", async () => {
  const { dir } = await unreadIn({ "001_a.up.sql": "SELECT 1;" });
  await Deno.symlink(join(dir, "gone.sql"), join(dir, "002_b.up.sql"));
  const unread: UnreadFile[] = [];
  await loadMigrations(dir, { onUnread: (file) => unread.push(file) });
  assert.equal(unread.length, 1);
  assert.match(unread[0].why, /symbolic link to .*gone\.sql, which does not exist/);
  const link = `${dir}-link`;
  await Deno.symlink(join(dir, "nowhere"), link);
  await assert.rejects(loadMigrations(link), (error) => {
    assert.ok(error instanceof MigrationError);
    assert.equal(error.code, "MISSING_DIRECTORY");
    assert.match(error.message, /is a symbolic link to .*nowhere, which does not exist/);
    return true;
  });
});

Deno.test("validate notes unread files and other commands warn of them on stderr", async () => {
  const cwd = await makeProject({ "001_a.up.sql": "SELECT 1;", "002_b.cql": "SELECT 2;" });
  try {
    const validate = await runCli(["validate"], { cwd });
    assert.match(validate.stderr, /warning: .*002_b\.cql looks like a migration but is not read/);
    const json = JSON.parse((await runCli(["validate", "--json"], { cwd })).stdout);
    assert.deepEqual(json.notes.map((n: { code: string }) => n.code), ["UNREAD_FILE"]);
    const status = await runCli(["status", "--database-url", "memory://"], { cwd });
    assert.match(status.stderr, /warning: .*002_b\.cql looks like a migration but is not read/);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
