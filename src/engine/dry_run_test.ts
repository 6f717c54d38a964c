import assert from "node:assert/strict";
import { connect } from "../drivers/connect.ts";
import { parseMigrationFiles } from "../files/load.ts";
import { Migrator } from "./migrator.ts";

Deno.test("a dry run shows the SQL as it would run, templates rendered for the schema", async () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const migrations = await parseMigrationFiles([
    { path: "001_users.up.sql", bytes: bytes("CREATE TABLE {{tables.users}} (id int);\n") },
    { path: "001_users.down.sql", bytes: bytes("DROP TABLE {{tables.users}};\n") },
  ]);
  await using driver = await connect("memory://");
  const migrator = new Migrator({ driver, migrations, schema: "tenant" });
  const up = await migrator.up({ dryRun: true });
  assert.equal(up.steps[0].sql, 'CREATE TABLE "tenant"."users" (id int);\n');
  await driver.exec("CREATE SCHEMA tenant");
  await migrator.up();
  const down = await migrator.down({ dryRun: true });
  assert.equal(down.steps[0].sql, 'DROP TABLE "tenant"."users";\n');
});
