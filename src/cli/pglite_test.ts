import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";

Deno.test("without a database URL the CLI migrates the embedded PGlite database in .tide/pglite", async (t) => {
  const cwd = await makeProject();
  try {
    await t.step("up applies every migration", async () => {
      const run = await runCli(["up"], { cwd });
      equal(run.code, 0, run.stderr);
      match(run.stdout, /^Applied: 003_create_posts in \d+ms$/m);
      ok((await Deno.stat(join(cwd, ".tide/pglite/PG_VERSION"))).isFile);
    });

    await t.step("status --json on the same directory sees them applied", async () => {
      const status = JSON.parse((await runCli(["status", "--json"], { cwd })).stdout);
      deepEqual(status.applied.map((m: { version: string }) => m.version), ["001", "002", "003"]);
    });

    await t.step(
      "down --all on a pglite:// URL to the same files rolls everything back",
      async () => {
        const run = await runCli([
          "down",
          "--all",
          "--database-url",
          "pglite://.tide/pglite",
          "--json",
        ], { cwd });
        equal(run.code, 0, run.stderr);
        deepEqual(JSON.parse(run.stdout).migrations.map((m: { version: string }) => m.version), [
          "003",
          "002",
          "001",
        ]);
      },
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
