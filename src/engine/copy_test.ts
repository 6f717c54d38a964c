import assert from "node:assert/strict";
import type { Migration } from "../files/migration.ts";
import { Migrator } from "./migrator.ts";
import { onEachDatabase } from "../_test_support/scenario.ts";

/** Migrations built by hand, as a library user may: the loader's checks never saw them. */
function migration(version: string, sql: string): Migration {
  const up = { path: `${version}_m.up.sql`, sql, line: 1, column: 1 };
  return { version, name: "m", up, noTransaction: false, checksum: version };
}

Deno.test("a migration that reaches COPY ... FROM STDIN fails fast with UNSUPPORTED_COPY and leaves nothing", async (t) => {
  const migrations = [
    migration("001", "create table cp (id int);\nCOPY cp FROM stdin;"),
    migration("002", "create table next_t (id int);"),
  ];
  await onEachDatabase(t, async (driver) => {
    const migrator = new Migrator({ driver, migrations });
    for (const attempt of [1, 2]) {
      const outcome = await Promise.race([
        migrator.up().then(() => new Error("up() succeeded"), (error) => error),
        new Promise<Error>((resolve) => setTimeout(() => resolve(new Error("hangs")), 15_000)),
      ]);
      assert.equal(outcome.code, "UNSUPPORTED_COPY", `attempt ${attempt}: ${outcome.message}`);
    }
    assert.deepEqual(await driver.query("select version from tide_migrations"), []);
    const [row] = await driver.query("select to_regclass('cp') as cp, to_regclass('next_t') as n");
    assert.deepEqual(row, { cp: null, n: null });
  });
});
