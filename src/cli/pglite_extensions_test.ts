import { equal, match } from "node:assert/strict";
import { join } from "node:path";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";
import { connect } from "../drivers/connect.ts";

const WITH_EXTENSIONS = {
  "001_ext.up.sql": 'CREATE EXTENSION citext;\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";\n' +
    "CREATE TABLE u (id uuid DEFAULT uuid_generate_v4(), email citext UNIQUE);\n" +
    "INSERT INTO u (email) VALUES ('Ada@example.com');\n",
  "001_ext.down.sql": 'DROP TABLE u;\nDROP EXTENSION "uuid-ossp";\nDROP EXTENSION citext;\n',
};

Deno.test("tide up on PGlite loads the extensions the migrations create", async (t) => {
  const cwd = await makeProject(WITH_EXTENSIONS);
  try {
    for (const url of [undefined, "memory://", "pglite://db"]) {
      await t.step(url ?? "the embedded default", async () => {
        const run = await runCli(["up", ...(url ? ["--database-url", url] : [])], { cwd });
        equal(run.code, 0, run.stderr);
        match(run.stdout, /Applied: 001_ext/);
      });
    }
    await t.step("status and down work on the data directory afterwards", async () => {
      equal((await runCli(["status"], { cwd })).code, 0);
      const down = await runCli(["down", "--database-url", "pglite://db"], { cwd });
      equal(down.code, 0, down.stderr);
    });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("connect() to an existing PGlite data directory loads the extensions installed in it", async () => {
  const cwd = await makeProject(WITH_EXTENSIONS);
  const url = `pglite://${join(cwd, "db")}`;
  try {
    await using created = await connect(url, { extensions: ["citext"] });
    await created.exec("CREATE EXTENSION citext; CREATE TABLE u (email citext);");
    await created.exec("INSERT INTO u VALUES ('Ada@example.com')");
    await created.close();
    await using db = await connect(url);
    const rows = await db.query<{ same: boolean }>(
      "SELECT email = 'ADA@EXAMPLE.COM' AS same FROM u",
    );
    equal(rows[0].same, true);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
