import assert from "node:assert/strict";
import { join } from "node:path";
import { MigrationError, MigrationSourceError } from "../errors.ts";
import { loadMigrations, parseMigrationFiles } from "./load.ts";
import { readCodeExports } from "./code_file.ts";
import { createMigration } from "./scaffold.ts";
import { checksumText } from "./checksum.ts";

const file = (path: string, text: string) => ({ path, bytes: new TextEncoder().encode(text) });
const UP = "export async function up(ctx) {}\n";
const BOTH = UP + "export async function down(ctx) {}\n";

function problems(error: unknown): MigrationError[] {
  if (error instanceof MigrationSourceError) return [...error.problems];
  assert.ok(error instanceof MigrationError, String(error));
  return [error];
}

Deno.test("TypeScript migrations load beside SQL ones in tide's format, from their text alone", async () => {
  const migrations = await parseMigrationFiles([
    file("db/001_users.up.sql", "create table users (id int);\n"),
    file("db/002_graph.ts", `// Mirrors users into the graph\n${BOTH}`),
    file("db/003_more.sql", "-- migrate:up\nselect 1;\n-- migrate:down\nselect 2;\n"),
    file("db/004_no_down.ts", UP),
    file("db/types.d.ts", "export type X = 1;\n"),
    file("db/002_graph_test.ts", "Deno.test('x', () => {});\n"),
    file("db/_helpers.ts", "export const x = 1;\n"),
  ], { dir: "db" });
  assert.deepEqual(migrations.map((m) => [m.version, m.code, m.down !== undefined]), [
    ["001", undefined, false],
    ["002", "typescript", true],
    ["003", undefined, true],
    ["004", "typescript", false],
  ]);
  const graph = migrations[1];
  assert.deepEqual([graph.up.sql, graph.up.path, graph.description], [
    "",
    "db/002_graph.ts",
    "Mirrors users into the graph",
  ]);
  assert.equal(graph.checksum, checksumText(`// Mirrors users into the graph\n${BOTH}`));
});

Deno.test("readCodeExports() reads declarations and export lists, transaction and requires literals", () => {
  const cases: [string, Partial<ReturnType<typeof readCodeExports>>][] = [
    ["export const up = async (ctx) => {};\nexport let down = up;", { up: true, down: true }],
    ["async function a() {}\nasync function b() {}\nexport { a as up, b as down };", {
      up: true,
      down: true,
    }],
    ["// export function down() {}\nexport function* up() {}", { up: true, down: false }],
    ["export const transaction: boolean = false;\nexport function up() {}", {
      noTransaction: true,
    }],
    ["export const transaction = true;\nexport function up() {}", { noTransaction: false }],
    ["export const requires = ['auth:003', \"billing:1.2\"] as const;\nexport function up() {}", {
      requires: [{ module: "auth", version: "003" }, { module: "billing", version: "1.2" }],
    }],
  ];
  for (const [text, expected] of cases) {
    const read = readCodeExports(text, "001_x.ts");
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(read[key as keyof typeof read], value, `${key} of ${text}`);
    }
  }
});

Deno.test("a TypeScript migration tide cannot read is a load error naming its file", async () => {
  const cases: [string, RegExp][] = [
    ["export const x = 1;\n", /001_x\.ts: it exports no up function/],
    [`export const transaction = process.env.X;\n${UP}`, /transaction must be written as true/],
    [`const r = ["a:1"];\nexport const requires = r;\n${UP}`, /array of string literals/],
    [`export const requires = ["auth"];\n${UP}`, /"auth" is not a requirement/],
  ];
  for (const [text, expected] of cases) {
    const error = await parseMigrationFiles([file("db/001_x.ts", text)]).catch((e) => e);
    const [problem] = problems(error);
    assert.match(problem.message, expected);
    assert.equal(problem.file, "db/001_x.ts");
  }
});

Deno.test("a version taken by a .ts and a .sql migration, or a down file beside a .ts, is refused", async () => {
  const error = await parseMigrationFiles([
    file("db/001_a.ts", BOTH),
    file("db/001_a.up.sql", "select 1;\n"),
    file("db/002_b.ts", BOTH),
    file("db/002_b.down.sql", "select 1;\n"),
  ]).catch((e) => e);
  const found = problems(error);
  assert.deepEqual(found.map((p) => p.code), ["DUPLICATE_VERSION", "DUPLICATE_VERSION"]);
  assert.match(found[1].message, /002_b\.ts is a TypeScript migration: its down is the function/);
});

Deno.test("auto tells tide's TypeScript migrations from node-pg-migrate's", async () => {
  const tide = await parseMigrationFiles([file("m/001_a.ts", BOTH)]);
  assert.equal(tide[0].code, "typescript");
  const pgm = "import { MigrationBuilder } from 'node-pg-migrate';\n" +
    "export async function up(pgm: MigrationBuilder) {}\n";
  const error = await parseMigrationFiles([
    file("m/1700000000000_a.ts", pgm),
    file("m/1700000000001_b.sql", "-- Up Migration\nselect 1;\n"),
  ]).catch((e) => e);
  assert.match(problems(error)[0].message, /node-pg-migrate JavaScript\/TypeScript migrations/);
});

Deno.test("createMigration() with typescript writes a typed .ts after every existing version", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "001_a.up.sql"), "select 1;\n");
    await Deno.writeTextFile(join(dir, "002_b.ts"), BOTH);
    const created = await createMigration(dir, "seed graph", {
      typescript: true,
      up: "await ctx.sql`SELECT 1`;",
    });
    assert.deepEqual([created.version, created.files], ["003", [join(dir, "003_seed_graph.ts")]]);
    const text = await Deno.readTextFile(created.files[0]);
    assert.match(text, /^import type \{ MigrationContext \} from "@tide\/tide";\n/);
    assert.match(text, /export async function up\(ctx: MigrationContext\): Promise<void> \{\n/);
    assert.match(text, /\n {2}await ctx\.sql`SELECT 1`;\n\}/);
    const [, , added] = await loadMigrations(dir);
    assert.deepEqual([added.code, added.down?.path, added.description], [
      "typescript",
      created.files[0],
      undefined,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createMigration() refuses a TypeScript migration in another tool's format", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "00001_a.sql"), "-- +goose Up\nselect 1;\n");
    await assert.rejects(
      createMigration(dir, "b", { typescript: true }),
      (error) => error instanceof MigrationError && /tide's own/.test(error.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
