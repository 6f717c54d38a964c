import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { MigrationError } from "../../errors.ts";
import { createMigration } from "../scaffold.ts";
import { loadMigrations } from "../load.ts";

const testdata = join(import.meta.dirname!, "testdata");
const NOW = new Date("2030-01-02T03:04:05.678Z");
const UP = "CREATE TABLE x_table (id int);";
const DOWN = "DROP TABLE x_table;";

/** Formats with a down, and those without. */
const WITH_DOWN = ["golang-migrate", "dbmate", "goose", "flyway", "sqlx", "diesel", "popx"];
const UP_ONLY = ["prisma", "plain"];

Deno.test("createMigration() writes the up and down given where each format keeps them", async (t) => {
  for (const format of [...WITH_DOWN, "node-pg-migrate", "sqitch", "tide"]) {
    await t.step(format, async () => {
      const dir = await Deno.makeTempDir();
      try {
        await cp(join(testdata, format), dir, { recursive: true });
        await createMigration(dir, "add x", { format, now: NOW, up: UP, down: DOWN });
        const added = (await loadMigrations(dir, { format })).find((m) => m.name === "add_x");
        assert.match(added?.up.sql ?? "", /CREATE TABLE x_table \(id int\);/);
        assert.match(added?.down?.sql ?? "", /DROP TABLE x_table;/);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
});

Deno.test("createMigration() refuses a down for formats that have none, writing nothing", async (t) => {
  for (const format of UP_ONLY) {
    await t.step(format, async () => {
      const dir = await Deno.makeTempDir();
      try {
        await cp(join(testdata, format), dir, { recursive: true });
        const before = [...Deno.readDirSync(dir)].length;
        await assert.rejects(
          createMigration(dir, "add x", { format, now: NOW, up: UP, down: DOWN }),
          (error) => error instanceof MigrationError && error.code === "NO_DOWN",
        );
        assert.equal([...Deno.readDirSync(dir)].length, before);
        await createMigration(dir, "add x", { format, now: NOW, up: UP });
        const added = (await loadMigrations(dir, { format })).find((m) => m.name === "add_x");
        assert.equal(added?.up.sql, `${UP}\n`);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
});

Deno.test("createMigration() with content keeps tide's single-file layout", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "001_a.sql"), "-- migrate:up\nselect 1;\n-- migrate:down\n");
    const { files } = await createMigration(dir, "b", { format: "tide", up: UP, down: DOWN });
    assert.equal(
      await Deno.readTextFile(files[0]),
      `-- migrate:up\n${UP}\n-- migrate:down\n${DOWN}\n`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
