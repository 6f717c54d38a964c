// An application's own tests, on both kinds of test database, with its own clients. The README
// quotes the region below word for word (but for the import specifiers); the last test checks it.
// #region readme
import assert from "node:assert/strict";
// @deno-types="npm:@types/pg@8.23.1"
import pg from "npm:pg@8.23.1";
import postgres from "postgres";
import { createTestDatabase } from "./mod.ts";

const dir = new URL("../migrations", import.meta.url);
// Each test runs on an in-memory PGlite, and on the server of TIDE_TEST_DATABASE_URL if set.
const kinds = { PGlite: "memory://", PostgreSQL: Deno.env.get("TIDE_TEST_DATABASE_URL") };

for (const [kind, databaseUrl] of Object.entries(kinds)) {
  Deno.test({
    name: `an organization is created with postgres.js on ${kind}`,
    ignore: databaseUrl === undefined,
    fn: async () => {
      await using db = await createTestDatabase({ dir, databaseUrl });
      const sql = postgres(await db.url(), { max: 1 }); // PGlite serves one connection at a time
      try {
        await sql`insert into organizations (name, slug) values ('Acme', 'acme')`;
        const rows = await sql`select slug from organizations`;
        assert.deepEqual(rows.map((row) => row.slug), ["acme"]);
      } finally {
        await sql.end();
      }
    },
  });

  Deno.test({
    name: `an organization is created with pg on ${kind}`,
    ignore: databaseUrl === undefined,
    fn: async () => {
      await using db = await createTestDatabase({ dir, databaseUrl });
      const client = new pg.Client({ connectionString: await db.url() });
      await client.connect();
      try {
        await client.query("insert into organizations (name, slug) values ($1, $2)", [
          "Acme",
          "acme",
        ]);
        const { rows } = await client.query("select slug from organizations");
        assert.deepEqual(rows.map((row) => row.slug), ["acme"]);
      } finally {
        await client.end();
      }
    },
  });
}
// #endregion readme

/** How the README spells what this repository imports from its own files. */
const README_SPELLING: readonly [string, string][] = [
  [
    '// @deno-types="npm:@types/pg@8.23.1"\nimport pg from "npm:pg@8.23.1";',
    'import pg from "pg";',
  ],
  ['from "./mod.ts"', 'from "@tide/tide/testing"'],
  ['new URL("../migrations"', 'new URL("./migrations"'],
];

Deno.test("the README's app test is this file's, word for word", async () => {
  const self = await Deno.readTextFile(new URL(import.meta.url));
  let region = /\/\/ #region readme\n([\s\S]*?)\/\/ #endregion readme\n/.exec(self)![1];
  for (const [here, there] of README_SPELLING) {
    assert.ok(region.includes(here), `the region no longer holds ${here}`);
    region = region.replaceAll(here, there);
  }
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const quoted = /<!-- quoted from testing\/app_test\.ts -->\n+```ts\n([\s\S]*?)```\n/.exec(readme);
  assert.ok(quoted, "README.md has a block marked <!-- quoted from testing/app_test.ts -->");
  assert.equal(quoted[1], `// db_test.ts\n${region}`);
});
