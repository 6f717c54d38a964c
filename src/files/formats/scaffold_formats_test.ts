import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { createMigration } from "../scaffold.ts";
import { loadMigrations } from "../load.ts";

const testdata = join(import.meta.dirname!, "testdata");
const NOW = new Date("2030-01-02T03:04:05.678Z");

const EXPECTED: Record<string, string[]> = {
  "golang-migrate": ["000007_add_x.up.sql", "000007_add_x.down.sql"],
  dbmate: ["20300102030405_add_x.sql"],
  goose: ["00007_add_x.sql"],
  flyway: ["V11__add_x.sql", "U11__add_x.sql"],
  sqlx: ["20300102030405_add_x.up.sql", "20300102030405_add_x.down.sql"],
  diesel: ["2030-01-02-030405_add_x/up.sql", "2030-01-02-030405_add_x/down.sql"],
  "node-pg-migrate": ["1893553445678_add_x.sql"],
  prisma: ["20300102030405_add_x/migration.sql"],
  plain: ["006_add_x.sql"],
  sqitch: ["sqitch.plan", "deploy/add_x.sql", "revert/add_x.sql", "verify/add_x.sql"],
};

Deno.test("createMigration() writes the next migration in each directory's own format and naming", async (t) => {
  for (const [format, expected] of Object.entries(EXPECTED)) {
    await t.step(format, async () => {
      const dir = await Deno.makeTempDir();
      try {
        await cp(join(testdata, format), dir, { recursive: true });
        const before = (await loadMigrations(dir, { format })).length;
        const created = await createMigration(dir, "add x", { format, now: NOW });
        assert.deepEqual(created.files, expected.map((file) => join(dir, file)));
        const after = await loadMigrations(dir, { format });
        assert.equal(after.length, before + 1);
        assert.equal(after.filter((m) => !m.repeatable).at(-1)!.name, "add_x");
        assert.equal(created.version, after.find((m) => m.name === "add_x")?.version);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
});
