import assert from "node:assert/strict";
import { join } from "node:path";
import { checksumText } from "./checksum.ts";
import { MigrationError, MigrationSourceError } from "../errors.ts";
import { loadMigrations, type MigrationFileInput, parseMigrationFiles } from "./load.ts";

const fixtures = join(import.meta.dirname!, "testdata", "migrations");

function files(entries: Record<string, string | Uint8Array>): MigrationFileInput[] {
  return Object.entries(entries).map(([path, content]) => ({
    path,
    bytes: typeof content === "string" ? new TextEncoder().encode(content) : content,
  }));
}

async function rejection(promise: Promise<unknown>): Promise<MigrationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MigrationError) return error;
    throw error;
  }
  throw new Error("Expected a MigrationError.");
}

Deno.test("loadMigrations() reads pairs, single files and timestamps in version order", async () => {
  const dir = join(fixtures, "mixed");
  const migrations = await loadMigrations(dir);
  assert.deepEqual(
    migrations.map((m) => [m.version, m.name, m.noTransaction, m.down !== undefined]),
    [
      ["001", "create_accounts", false, true],
      ["002", "index_accounts_email", true, true],
      ["010", "create_audit_log", false, true],
      ["20260121093000", "add_accounts_plan", false, false],
    ],
  );
  const [accounts, index] = migrations;
  assert.equal(accounts.up.path, join(dir, "001_create_accounts.up.sql"));
  assert.equal(accounts.down?.path, join(dir, "001_create_accounts.down.sql"));
  assert.equal(index.up.line, 5);
  assert.equal(index.down?.line, 9);
  assert.match(index.down!.sql, /^drop index concurrently accounts_created_at_idx;/);
  // The checksum covers the file without its down section (issue 8, item 13).
  const text = await Deno.readTextFile(join(dir, "002_index_accounts_email.sql"));
  assert.equal(index.checksum, checksumText(text.slice(0, text.indexOf("-- migrate:down"))));
});

Deno.test("loadMigrations() reads Flyway names and orders 1 < 1_1 < 1.9 < 1.10 < 2", async () => {
  const migrations = await loadMigrations(join(fixtures, "flyway"));
  assert.deepEqual(
    migrations.map((m) => [m.version, m.name, m.down !== undefined]),
    [
      ["1", "create_products", true],
      ["1_1", "add_products_sku", true],
      ["1.9", "seed_products", true],
      ["1.10", "add_products_price", false],
      ["2", "create_orders", true],
    ],
  );
  assert.equal(migrations[0].down?.path, join(fixtures, "flyway", "U1__create_products.sql"));
});

Deno.test("loadMigrations() reports every problem of a directory at once", async () => {
  const error = await rejection(loadMigrations(join(fixtures, "invalid")));
  assert.ok(error instanceof MigrationSourceError);
  const found = error.problems.map((problem) => [problem.code, problem.file?.split("/").pop()]);
  assert.deepEqual(found, [
    ["INVALID_UTF8", "006_latin1.up.sql"],
    ["INVALID_SECTIONS", "007_swapped.sql"],
    ["INVALID_DIRECTIVE", "008_typo.up.sql"],
    ["INVALID_FILE_NAME", "R__views.sql"],
    ["INVALID_FILE_NAME", "seed.sql"],
    ["DUPLICATE_VERSION", "3_second.up.sql"],
    ["DOWN_WITHOUT_UP", "004_ghosts.down.sql"],
  ]);
  assert.equal(error.code, "INVALID_UTF8");
  const lines = error.message.split("\n");
  assert.equal(lines.length, 1 + error.problems.length);
  assert.match(lines[0], /7 problems/);
  assert.match(error.message, /003_first\.sql and .*3_second\.up\.sql have the same version/);
  assert.match(error.message, /006_latin1\.up\.sql:1:27: the file is not valid UTF-8/);
});

Deno.test("loadMigrations() explains how to create a missing directory", async () => {
  const error = await rejection(loadMigrations(join(fixtures, "does_not_exist")));
  assert.equal(error.code, "MISSING_DIRECTORY");
  assert.match(error.message, /does_not_exist: there is no such directory/);
  assert.match(error.message, /tide new <name>/);
  assert.match(error.message, /--dir/);
});

Deno.test("loadMigrations() does not read subdirectories", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "archive.sql"));
    await Deno.mkdir(join(dir, "old"));
    await Deno.writeTextFile(join(dir, "old", "001_old.up.sql"), "SELECT 1;");
    await Deno.writeTextFile(join(dir, "002_new.up.sql"), "SELECT 2;");
    assert.deepEqual((await loadMigrations(dir)).map((m) => m.version), ["002"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseMigrationFiles() treats 001 and 1 as the same version", async () => {
  const error = await rejection(parseMigrationFiles(files({
    "m/001_a.up.sql": "SELECT 1;",
    "m/1_b.sql": "-- migrate:up\nSELECT 1;",
  })));
  assert.equal(error.code, "DUPLICATE_VERSION");
  assert.match(error.message, /m\/001_a\.up\.sql and m\/1_b\.sql have the same version/);
});

Deno.test("parseMigrationFiles() rejects downs that do not match their up", async () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ "001_a.down.sql": "SELECT 1;" }, "DOWN_WITHOUT_UP", /Add 001_a\.up\.sql/],
    [{ "U3__a.sql": "SELECT 1;" }, "DOWN_WITHOUT_UP", /Add V3__a\.sql/],
    [
      { "001_a.sql": "-- migrate:up\nA;", "001_a.down.sql": "B;" },
      "DUPLICATE_VERSION",
      /both directions/,
    ],
    [
      { "V1__a.sql": "A;", "U1__a.sql": "B;", "1_a.down.sql": "C;" },
      "DUPLICATE_VERSION",
      /one down file/,
    ],
  ];
  for (const [input, code, message] of cases) {
    const error = await rejection(parseMigrationFiles(files(input)));
    assert.equal(error.code, code, JSON.stringify(input));
    assert.match(error.message, message);
  }
});

Deno.test("parseMigrationFiles() does not call the down of a broken up an orphan", async () => {
  const error = await rejection(parseMigrationFiles(files({
    "001_a.up.sql": "-- tide:bogus\nCREATE TABLE a ();",
    "001_a.down.sql": "DROP TABLE a;",
  })));
  assert.ok(error instanceof MigrationSourceError);
  assert.deepEqual(error.problems.map((problem) => problem.code), ["INVALID_DIRECTIVE"]);
  assert.ok(!error.message.includes("\n"));
});

Deno.test("parseMigrationFiles() honours no-transaction from the down file, for the down", async () => {
  const [migration] = await parseMigrationFiles(files({
    "001_i.up.sql": "CREATE INDEX i ON t (x);",
    "001_i.down.sql": "-- tide:no-transaction\nDROP INDEX CONCURRENTLY i;",
  }));
  // Each direction follows its own directive (issue 8, item 14).
  assert.equal(migration.downNoTransaction, true);
  assert.equal(migration.noTransaction, false);
});

Deno.test("parseMigrationFiles() checksums the up file the same with CRLF and a BOM", async () => {
  const [lf] = await parseMigrationFiles(files({ "001_a.up.sql": "SELECT 1;\nSELECT 2;\n" }));
  const bom = new Uint8Array([
    0xef,
    0xbb,
    0xbf,
    ...new TextEncoder().encode("SELECT 1;\r\nSELECT 2;\r\n"),
  ]);
  const [crlf] = await parseMigrationFiles([{ path: "001_a.up.sql", bytes: bom }]);
  assert.equal(crlf.checksum, lf.checksum);
  assert.equal(crlf.up.sql, "SELECT 1;\r\nSELECT 2;\r\n");
  const [edited] = await parseMigrationFiles(files({ "001_a.up.sql": "SELECT 1;\nSELECT 3;\n" }));
  assert.notEqual(edited.checksum, lf.checksum);
});

Deno.test("parseMigrationFiles() checksums a single file over its up, not its down section", async () => {
  // One rule for both layouts (issue 8, item 13): the checksum covers the up alone.
  const up = "-- migrate:up\nSELECT 1;\n";
  const [a] = await parseMigrationFiles(
    files({ "001_a.sql": `${up}-- migrate:down\nSELECT 2;\n` }),
  );
  const [b] = await parseMigrationFiles(
    files({ "001_a.sql": `${up}-- migrate:down\nSELECT 3;\n` }),
  );
  assert.equal(a.checksum, b.checksum);
  const [c] = await parseMigrationFiles(
    files({ "001_a.sql": `-- migrate:up\nSELECT 9;\n-- migrate:down\nSELECT 2;\n` }),
  );
  assert.notEqual(a.checksum, c.checksum);
});

Deno.test("parseMigrationFiles() ignores files that are not migrations", async () => {
  const migrations = await parseMigrationFiles(files({
    "notes.txt": "x",
    "_draft.sql": "garbage",
    ".001_x.sql": "garbage",
    "002_b.up.sql": "SELECT 2;",
  }));
  assert.deepEqual(migrations.map((m) => m.version), ["002"]);
});
