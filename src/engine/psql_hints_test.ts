import assert from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { loadMigrations } from "../files/load.ts";
import { Migrator } from "./migrator.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";

async function loadError(files: Record<string, string>): Promise<MigrationError> {
  return await loadMigrations(await writeMigrations(files)).then(
    () => assert.fail("loaded"),
    (error) => error,
  );
}

Deno.test("psql meta-commands are refused at load time as not SQL, at their line", async () => {
  for (
    const [text, line] of [["\\restrict abc\nCREATE TABLE a ();\n", 1], [
      "CREATE TABLE a ();\n\\i other.sql\n",
      2,
    ]] as const
  ) {
    const error = await loadError({ "001_a.up.sql": text });
    assert.equal(error.code, "PSQL_COMMAND", error.message);
    assert.equal(error.line, line);
    assert.match(error.message, /psql meta-command .* is not SQL/);
  }
  const copy = await loadError({ "001_a.up.sql": "SELECT 1;\n1\tAda\n\\.\n" });
  assert.equal(copy.code, "PSQL_COMMAND");
  assert.match(copy.message, /001_a\.up\.sql:3:1: .*COPY data/);
});

Deno.test("CREATE INDEX CONCURRENTLY or VACUUM in a transaction names -- tide:no-transaction", async (t) => {
  await onEachDatabase(t, async (driver) => {
    for (const statement of ["CREATE INDEX CONCURRENTLY a_id ON a (id)", "VACUUM a"]) {
      const dir = await writeMigrations({
        "001_a.up.sql": `CREATE TABLE IF NOT EXISTS a (id int);\n${statement};\n`,
      });
      const migrator = new Migrator({ driver, migrations: await loadMigrations(dir) });
      await assert.rejects(migrator.up(), (error) => {
        assert.ok(error instanceof MigrationError);
        assert.match(error.message, /cannot run inside a transaction block/);
        assert.match(error.message, /-- tide:no-transaction/);
        return true;
      });
    }
  });
});
