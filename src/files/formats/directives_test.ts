import assert from "node:assert/strict";
import { MigrationError } from "../../errors.ts";
import { parseMigrationFiles } from "../load.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function load(format: string, files: Record<string, string>, extra = {}) {
  return parseMigrationFiles(
    Object.entries(files).map(([path, text]) => ({ path: `db/${path}`, bytes: bytes(text) })),
    { dir: "db", format, ...extra },
  );
}

async function refusal(promise: Promise<unknown>): Promise<MigrationError> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof MigrationError, String(error));
  return error;
}

Deno.test("goose: a StatementBegin block is one statement; NO TRANSACTION and ENVSUB apply", async () => {
  const [m] = await load("goose", {
    "00001_f.sql": "-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\n" +
      "create function f() returns int language plpgsql as $$ begin return 1; end; $$;\n" +
      "-- +goose StatementEnd\n-- +goose ENVSUB ON\ngrant execute on function f() to ${ROLE};\n" +
      "-- +goose ENVSUB OFF\nselect '${ROLE}';\n-- +goose Down\ndrop function f();\n",
  }, { env: (name: string) => (name === "ROLE" ? "app" : undefined) });
  assert.equal(m.noTransaction, true);
  const statements = m.up.statements!.map(([a, b]) => m.up.sql.slice(a, b).trim());
  assert.deepEqual(statements, [
    "create function f() returns int language plpgsql as $$ begin return 1; end; $$;",
    "grant execute on function f() to app;",
    "select '${ROLE}';",
  ]);
  assert.equal(m.down?.sql.trim(), "drop function f();");
  assert.equal(m.up.line, 3);
});

Deno.test("goose: Go migrations are refused by name, annotations are checked", async () => {
  const go = await refusal(
    load("goose", { "00002_backfill.go": "package m", "00001_a.sql": "-- +goose Up\nselect 1;\n" }),
  );
  assert.match(go.message, /00002_backfill\.go: goose Go migrations are Go code/);
  const typo = await refusal(load("goose", { "00001_a.sql": "-- +goose Upp\nselect 1;\n" }));
  assert.equal(typo.code, "INVALID_DIRECTIVE");
  const none = await refusal(load("goose", { "00001_a.sql": "select 1;\n" }));
  assert.equal(none.code, "INVALID_SECTIONS");
});

Deno.test("dbmate: transaction:false on a marker, and a missing down block is refused", async () => {
  const [m] = await load("dbmate", {
    "20240101000000_i.sql":
      "-- migrate:up transaction:false\ncreate index concurrently i on t (x);\n" +
      "-- migrate:down\ndrop index i;\n",
  });
  assert.equal(m.noTransaction, true);
  const error = await refusal(load("dbmate", { "1_a.sql": "-- migrate:up\nselect 1;\n" }));
  assert.match(error.message, /requires a down block/);
  // UPchieve's cities migration: the marker indented under the ALTER TABLE it follows.
  const indented =
    "-- migrate:up\nalter table t\n    add c int\n    -- migrate:down\n    drop c;\n";
  const at = await refusal(load("dbmate", { "1_a.sql": indented }));
  assert.match(
    at.message,
    /1_a\.sql:4:5: dbmate reads "-- migrate:down" only at the start of a line/,
  );
});

Deno.test("flyway: placeholders from the config and built-ins, executeInTransaction, naming keys", async () => {
  const [m] = await load("flyway", {
    "flyway.conf": "flyway.sqlMigrationPrefix=M\nflyway.placeholders.owner=conf\n",
    "M1__a.sql": "create table ${flyway:defaultSchema}.t (); -- ${owner} ${flyway:filename}",
    "M1__a.sql.conf": "executeInTransaction=false\n",
    "V2__ignored.sql": "not read: not a migration under this prefix",
  }, { placeholders: { owner: "config" }, schema: "shop" });
  assert.equal(m.up.sql, "create table shop.t (); -- config M1__a.sql");
  assert.equal(m.noTransaction, true);
  const error = await refusal(load("flyway", { "V1__a.sql": "select '${missing}';" }));
  assert.equal(error.code, "UNKNOWN_TEMPLATE");
});

Deno.test("sqlx: -- no-transaction counts only as the file's first line", async () => {
  const [a, b] = await load("sqlx", {
    "1_a.sql": "-- no-transaction\ncreate index concurrently i on t (x);",
    "2_b.sql": "\n-- no-transaction\nselect 1;",
  });
  assert.deepEqual([a.noTransaction, b.noTransaction], [true, false]);
});

Deno.test("popx: the postgres file wins, then the dialect-free one; every up needs a down", async () => {
  const [m] = await load("popx", {
    "1_a.up.sql": "select 'all';",
    "1_a.down.sql": "",
    "1_a.postgres.up.sql": "select 'pg';",
    "1_a.mysql.up.sql": "select 'mysql';",
  });
  assert.equal(m.up.sql, "select 'pg';");
  const error = await refusal(load("popx", { "1_a.up.sql": "select 1;" }));
  assert.match(error.message, /requires a down file/);
});

Deno.test("sqitch: a plan whose requires are unmet is refused at its line", async () => {
  const plan = "%project=p\n\nb [a] 2024-01-01T00:00:00Z A <a@x>\na 2024-01-01T00:00:00Z A <a@x>\n";
  const error = await refusal(load("sqitch", {
    "sqitch.plan": plan,
    "deploy/a.sql": "select 1;",
    "deploy/b.sql": "select 1;",
  }));
  assert.match(
    error.message,
    /sqitch\.plan:3:1: change "b" requires "a", which is not planned before it/,
  );
});

Deno.test("sqitch: an outer BEGIN/COMMIT becomes tide's transaction, positions kept", async () => {
  const [m] = await load("sqitch", {
    "sqitch.plan": "%project=p\na 2024-01-01T00:00:00Z A <a@x>\n",
    "deploy/a.sql": "-- Deploy\nBEGIN;\ncreate table a ();\nCOMMIT;\n",
  });
  assert.equal(m.noTransaction, false);
  assert.equal(m.up.sql, "-- Deploy\n      \ncreate table a ();\n       \n");
});

Deno.test("diesel: metadata.toml run_in_transaction = false runs outside a transaction", async () => {
  const [m] = await load("diesel", {
    "2024-01-01-000000_i/up.sql": "create index concurrently i on t (x);",
    "2024-01-01-000000_i/metadata.toml": "run_in_transaction = false\n",
  });
  assert.deepEqual([m.version, m.noTransaction, m.down], ["20240101000000", true, undefined]);
});

Deno.test("node-pg-migrate: JavaScript migrations are refused by name", async () => {
  const error = await refusal(load("node-pg-migrate", {
    "1700000000000_a.js": "exports.up = () => {};",
  }));
  assert.match(error.message, /1700000000000_a\.js: node-pg-migrate JavaScript/);
});

Deno.test("pattern: a missing version group is a config error", async () => {
  const error = await refusal(load("pattern", { "a.sql": "" }, { pattern: "(?<name>.+)\\.sql" }));
  assert.equal(error.code, "CONFIG_ERROR");
});
