import assert from "node:assert/strict";
import { createMigration } from "../files/scaffold.ts";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase } from "../_test_support/scenario.ts";
import { Migrator } from "./migrator.ts";

Deno.test("isApplied(), current() and pending() answer from the ledger and the files", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await Deno.makeTempDir();
    try {
      for (
        const [name, up, down] of [
          ["users", "create table users (id int);", "drop table users;"],
          ["posts", "create table posts (id int);", "drop table posts;"],
          ["tags", "create table tags (id int);", "drop table tags;"],
        ]
      ) await createMigration(dir, name, { up, down });
      const migrator = new Migrator({ driver, migrations: await loadMigrations(dir) });
      assert.equal(await migrator.current(), undefined);
      assert.equal(await migrator.isApplied("001"), false);
      assert.deepEqual((await migrator.pending()).map((e) => e.version), ["001", "002", "003"]);

      await migrator.up({ to: "002" });
      assert.equal(await migrator.isApplied("001"), true);
      assert.equal(await migrator.isApplied("2"), true, "versions compare as versions");
      assert.equal(await migrator.isApplied("003"), false);
      assert.equal(await migrator.isApplied("004"), false, "an unknown version is not applied");
      assert.deepEqual(
        [(await migrator.current())?.version, (await migrator.current())?.name],
        ["002", "posts"],
      );
      assert.deepEqual((await migrator.pending()).map((e) => e.file), [`${dir}/003_tags.up.sql`]);
      const tables = await driver.query<{ t: string | null }>(
        "select to_regclass('posts')::text as t",
      );
      assert.deepEqual(tables, [{ t: "posts" }], "the content given to createMigration() ran");

      await migrator.down({ all: true });
      assert.equal(await migrator.current(), undefined);
      assert.equal(await migrator.isApplied("001"), false);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
