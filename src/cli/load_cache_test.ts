import assert from "node:assert/strict";
import { join } from "node:path";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";

Deno.test("tide status with a cache directory shows every edit, warnings included, run after run", async () => {
  const cwd = await makeProject({
    "001_a.up.sql": "-- Description: aaa\ncreate table a ();\n",
    "002_b.cql": "not read: only .sql files are\n",
  });
  const cacheDir = await Deno.makeTempDir({ prefix: "tide-cache-" });
  const env = { TIDE_CACHE_DIR: cacheDir };
  try {
    const runs = [];
    for (const description of ["aaa", "aaa", "bbb", "bbb", "ccc"]) {
      const file = join(cwd, "migrations", "001_a.up.sql");
      await Deno.writeTextFile(file, `-- Description: ${description}\ncreate table a ();\n`);
      Deno.utimeSync(file, new Date(2001, 0, 1), new Date(2001, 0, 1)); // only ctime moves
      const run = await runCli(["status"], { cwd, env });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^001 +a +pending +${description}$`, "m"));
      runs.push(run.stderr);
    }
    assert.match(runs[0], /002_b\.cql/);
    assert.deepEqual(new Set(runs).size, 1); // the same warning from the files and the entry
    assert.equal([...Deno.readDirSync(cacheDir)].length, 1);
  } finally {
    await Deno.remove(cwd, { recursive: true });
    await Deno.remove(cacheDir, { recursive: true });
  }
});
