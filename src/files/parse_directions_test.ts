import assert from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { parseMigrationFiles } from "./load.ts";

async function load(files: Record<string, string>, format = "auto") {
  return await parseMigrationFiles(
    Object.entries(files).map(([path, text]) => ({
      path: `m/${path}`,
      bytes: new TextEncoder().encode(text),
    })),
    { dir: "m", format },
  );
}

Deno.test("each direction of a migration follows its own -- tide:no-transaction", async () => {
  const cases: [Record<string, string>, boolean, boolean][] = [
    [
      { "001_a.up.sql": "-- tide:no-transaction\nSELECT 1;", "001_a.down.sql": "SELECT 2;" },
      true,
      false,
    ],
    [
      { "001_a.up.sql": "SELECT 1;", "001_a.down.sql": "-- tide:no-transaction\nSELECT 2;" },
      false,
      true,
    ],
    [
      {
        "001_a.sql": "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- tide:no-transaction\nSELECT 2;",
      },
      false,
      true,
    ],
    [
      { "001_a.sql": "-- migrate:up transaction:false\nSELECT 1;\n-- migrate:down\nSELECT 2;" },
      true,
      false,
    ],
    // At the top of a single file, before -- migrate:up, it is the whole file's.
    [
      {
        "001_a.sql": "-- tide:no-transaction\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;",
      },
      true,
      true,
    ],
  ];
  for (const [files, up, down] of cases) {
    const [migration] = await load(files);
    const text = JSON.stringify(files);
    assert.equal(migration.noTransaction, up, `up of ${text}`);
    assert.equal(migration.downNoTransaction ?? migration.noTransaction, down, `down of ${text}`);
  }
});

Deno.test("directives and section markers are read in any case, never ignored", async () => {
  const [upper] = await load({ "001_a.up.sql": "-- TIDE:NO-TRANSACTION\nSELECT 1;" });
  assert.equal(upper.noTransaction, true);
  const [single] = await load({
    "001_a.sql": "-- Migrate:Up Transaction:False\nSELECT 1;\n-- MIGRATE:DOWN\nSELECT 2;\n",
  }, "tide");
  assert.equal(single.noTransaction, true);
  assert.equal(single.up.sql, "SELECT 1;\n");
  assert.equal(single.down?.sql, "SELECT 2;\n");
  await assert.rejects(load({ "001_a.up.sql": "-- TIDE:NO-TRANSACTON\nSELECT 1;" }), (error) => {
    assert.ok(error instanceof MigrationError);
    assert.match(error.message, /unknown directive "-- tide:NO-TRANSACTON"/);
    return true;
  });
});

Deno.test("the checksum covers the up: editing the down of a pair or of a single file leaves it", async () => {
  const single = (down: string) => `-- migrate:up\nCREATE TABLE a ();\n-- migrate:down\n${down}`;
  const [a] = await load({ "001_a.sql": single("DROP TABLE a;\n") });
  const [b] = await load({ "001_a.sql": single("DROP TABLE IF EXISTS a;\n") });
  assert.equal(a.checksum, b.checksum);
  const [c] = await load({ "001_a.sql": single("DROP TABLE a;\n").replace("a ()", "b ()") });
  assert.notEqual(a.checksum, c.checksum);
});
