import assert, { AssertionError } from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assertSchemaSnapshot } from "./schema_snapshot.ts";
import { createTestDatabase } from "./test_database.ts";

const lossy = new URL("./testdata/lossy", import.meta.url);

async function rejection(promise: Promise<unknown>): Promise<AssertionError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof AssertionError, `expected an AssertionError, got ${error}`);
  return error;
}

/** The failure's stack starts in this file: tide's own frames are left out. */
function assertFromHere(error: Error): void {
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  assert.match(frames[0], /testing\/schema_snapshot_test\.ts:\d+:\d+\)?$/, error.stack);
  assert.ok(!frames.some((f) => /testing\/schema_snapshot\.ts/.test(f)), error.stack);
}

Deno.test("assertSchemaSnapshot() writes, matches and diffs a snapshot file", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "tide_testing_snapshot_" });
  const file = join(dir, "nested", "schema.sql");
  await using db = await createTestDatabase({ dir: lossy, databaseUrl: "memory://" });
  try {
    await t.step("a missing file fails and says how to create it", async () => {
      const error = await rejection(assertSchemaSnapshot(db, file, { update: false }));
      assert.match(error.message, /does not exist/);
      assert.match(error.message, /-- --update/);
      assertFromHere(error);
    });
    await t.step("update writes the schema without tide's tracking tables", async () => {
      await assertSchemaSnapshot(db, file, { update: true });
      const text = await Deno.readTextFile(file);
      assert.match(text, /CREATE TABLE public\.items/);
      assert.doesNotMatch(text, /tide_migration/);
    });
    await t.step("the same schema matches, also with CRLF line endings", async () => {
      await assertSchemaSnapshot(db, file, { update: false });
      const text = await Deno.readTextFile(file);
      await Deno.writeTextFile(file, text.replaceAll("\n", "\r\n"));
      await assertSchemaSnapshot(db, pathToFileURL(file), { update: false });
    });
    await t.step("a changed schema fails with a diff against the file", async () => {
      await db.exec("create table extra (id int)");
      const error = await rejection(assertSchemaSnapshot(db, file, { update: false }));
      assert.match(error.message, /does not match/);
      assertFromHere(error);
      assert.match(error.message, /\+\+\+ database/);
      assert.match(error.message, /^\+CREATE TABLE public\.extra/m);
    });
    await t.step("UPDATE_SNAPSHOTS=1 rewrites the file", async () => {
      Deno.env.set("UPDATE_SNAPSHOTS", "1");
      try {
        await assertSchemaSnapshot(db, file);
      } finally {
        Deno.env.delete("UPDATE_SNAPSHOTS");
      }
      assert.match(await Deno.readTextFile(file), /CREATE TABLE public\.extra/);
      await assertSchemaSnapshot(db, file);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
