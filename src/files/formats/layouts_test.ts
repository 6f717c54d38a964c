// Layouts found in public projects' migration histories, each written anew for tide.
import assert from "node:assert/strict";
import { MigrationError } from "../../errors.ts";
import { loadMigrations, parseMigrationFiles } from "../load.ts";
import { createMigration } from "../scaffold.ts";

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

const names = (ms: { version: string; name: string }[]) => ms.map((m) => `${m.version} ${m.name}`);

Deno.test("maragudk: names sharing a numeric prefix are separate migrations, in name order", async () => {
  const ms = await load("maragudk", {
    "0001_create_b.up.sql": "create table b ();",
    "0001_create_a.up.sql": "create table a ();",
    "0001_create_a.down.sql": "drop table a;",
    "0002_add_index_up.sql": "create index b_idx on b ((1));",
    "0002_add_index_down.sql": "drop index b_idx;",
  });
  assert.deepEqual(names(ms), ["1 0001_create_a", "2 0001_create_b", "3 0002_add_index"]);
  assert.equal(ms[0].down?.sql, "drop table a;");
  assert.equal(ms[1].down, undefined);
  assert.equal(ms[2].down?.sql, "drop index b_idx;");
});

Deno.test("maragudk: an up written both as x.up.sql and x_up.sql is refused", async () => {
  const error = await refusal(load("maragudk", {
    "0001_a.up.sql": "select 1;",
    "0001_a_up.sql": "select 2;",
  }));
  assert.equal(error.code, "DUPLICATE_VERSION");
  assert.match(error.message, /db\/0001_a_up\.sql: another up file is also named "0001_a"/);
});

Deno.test("maragudk: a down no up shares a name with is named as unread, not run", async () => {
  const unread: string[] = [];
  const ms = await load("maragudk", {
    "0001_drop_job_id.up.sql": "select 1;",
    "0001_drop_jobs_id.down.sql": "select 2;",
  }, { onUnread: (file: { path: string }) => unread.push(file.path) });
  assert.deepEqual(names(ms), ["1 0001_drop_job_id"]);
  assert.equal(ms[0].down, undefined);
  assert.deepEqual(unread, ["db/0001_drop_jobs_id.down.sql"]);
});

Deno.test("tide: two ups of one version with different names point at --format maragudk", async () => {
  const error = await refusal(load("tide", {
    "0001_a.up.sql": "select 1;",
    "0001_b.up.sql": "select 2;",
  }));
  assert.equal(error.code, "DUPLICATE_VERSION");
  assert.match(error.message, /pass --format maragudk if maragudk\/migrate runs them/);
});

Deno.test("pattern: postgrator's do/undo name the directions", async () => {
  const pattern = String.raw`(?<version>\d+)\.(?<direction>do|undo)\.(?<name>.+)\.sql`;
  const ms = await load("pattern", {
    "0001.do.users.sql": "create table users ();",
    "0001.undo.users.sql": "drop table users;",
    "0002.do.seed.sql": "select 1;",
  }, { pattern });
  assert.deepEqual(names(ms), ["0001 users", "0002 seed"]);
  assert.equal(ms[0].down?.sql, "drop table users;");
  assert.equal(ms[1].down, undefined);
});

Deno.test("pattern: a direction that is not up or down is refused, not read as an up", async () => {
  const pattern = String.raw`(?<version>\d+)\.(?<direction>\w+)\.sql`;
  const error = await refusal(load("pattern", {
    "1.up.sql": "select 1;",
    "1.back.sql": "select 2;",
  }, { pattern }));
  assert.equal(error.code, "INVALID_FILE_NAME");
  assert.match(error.message, /db\/1\.back\.sql: its direction "back" is neither up/);
});

Deno.test("pattern: two ups of one version are reported, not reduced to one", async () => {
  const pattern = String.raw`(?<version>\d+)_(?<name>[a-z]+)\.sql`;
  const error = await refusal(load("pattern", { "1_a.sql": "select 1;", "1_b.sql": "select 2;" }, {
    pattern,
  }));
  assert.equal(error.code, "DUPLICATE_VERSION");
});

Deno.test("goose and node-pg-migrate: code migrations are left out where the caller asks", async () => {
  for (
    const [format, code, sql] of [
      ["goose", "00002_backfill.go", "00001_a.sql"],
      ["node-pg-migrate", "1700000000002_backfill.js", "1700000000001_a.sql"],
    ]
  ) {
    const skipped: string[] = [];
    const text = format === "goose"
      ? "-- +goose Up\ncreate table a ();\n-- +goose Down\ndrop table a;\n"
      : "-- Up Migration\ncreate table a ();\n-- Down Migration\ndrop table a;\n";
    const unread: string[] = [];
    const ms = await load(format, { [code]: "code", [sql]: text }, {
      onCodeMigration: (path: string) => skipped.push(path),
      onUnread: (file: { path: string }) => unread.push(file.path),
    });
    assert.equal(ms.length, 1, format);
    assert.deepEqual(skipped, [`db/${code}`], format);
    assert.deepEqual(unread, [], format);
    const refused = await refusal(load(format, { [code]: "code", [sql]: text }));
    assert.equal(refused.code, "INVALID_FILE_NAME", format);
  }
});

Deno.test("golang-migrate: a file wrapped in BEGIN ... COMMIT runs in tide's transaction", async () => {
  const [m] = await load("golang-migrate", {
    "000001_a.up.sql": "BEGIN;\ncreate table a (id int);\nCOMMIT;\n",
    "000001_a.down.sql": "-- undo\nbegin;\ndrop table a;\nend;\n",
  });
  assert.equal(m.noTransaction, false);
  assert.equal(m.downNoTransaction, false);
  assert.equal(m.up.sql, "      \ncreate table a (id int);\n       \n");
  assert.equal(m.down?.sql, "-- undo\n      \ndrop table a;\n    \n");
});

Deno.test("golang-migrate, dbmate, pattern: other transaction statements run as written, outside one", async () => {
  const halfway = "create table a (id int);\nCOMMIT;\ncreate index concurrently a_i on a (id);\n";
  const [gm] = await load("golang-migrate", {
    "1_a.up.sql": halfway,
    "1_a.down.sql": "drop table a;",
  });
  assert.deepEqual([gm.noTransaction, gm.downNoTransaction], [true, false]);
  assert.equal(gm.up.sql, halfway);
  const [db] = await load("dbmate", {
    "1_a.sql": `-- migrate:up\n${halfway}-- migrate:down\nBEGIN;\ndrop table a;\nCOMMIT;\n`,
  });
  assert.deepEqual([db.noTransaction, db.downNoTransaction], [true, false]);
  const pattern = String.raw`(?<version>\d+)\.(?<direction>do|undo)\.(?<name>.+)\.sql`;
  const [pg] = await load("pattern", { "1.do.a.sql": "BEGIN;\nselect 1;\nCOMMIT;\n" }, { pattern });
  assert.equal(pg.noTransaction, false);
  const savepoint = "SAVEPOINT s;\ncreate table b ();\nROLLBACK TO SAVEPOINT s;\n";
  const [sp] = await load("golang-migrate", { "1_a.up.sql": savepoint });
  assert.equal(sp.noTransaction, false);
});

Deno.test("tide: its own files' outer pair is tide's, any other transaction statement refused", async () => {
  const [m] = await load("tide", { "1_a.up.sql": "BEGIN;\nselect 1;\nCOMMIT;\n" });
  assert.equal(m.noTransaction, false);
  const halfway = "select 1;\nCOMMIT;\nselect 2;\n";
  const error = await refusal(load("tide", { "1_a.up.sql": halfway }));
  assert.equal(error.code, "TRANSACTION_CONTROL");
});

Deno.test("maragudk: tide new writes the next numbered name, sorting last", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/0009_a.up.sql`, "select 1;");
    const created = await createMigration(dir, "add x", { format: "maragudk", now: new Date() });
    assert.deepEqual(created.files, [`${dir}/0010_add_x.up.sql`, `${dir}/0010_add_x.down.sql`]);
    const after = await loadMigrations(dir, { format: "maragudk" });
    assert.deepEqual(names(after), ["1 0009_a", "2 0010_add_x"]);
    assert.equal(created.version, "2");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a down pairs with the up of its version however its name is written, as golang-migrate pairs them", async () => {
  // ente's server/migrations: 30_add_magic_metadata.up.sql beside 30_drop_magic_metadata.down.sql.
  const files = {
    "30_add_magic_metadata.up.sql": "create table a (id int);",
    "30_drop_magic_metadata.down.sql": "drop table a;",
    "0002_b.up.sql": "create table b (id int);",
    "2_b.down.sql": "drop table b;",
  };
  for (const format of ["golang-migrate", "tide", "auto"]) {
    const ms = await load(format, files);
    assert.deepEqual(names(ms), ["0002 b", "30 add_magic_metadata"], format);
    assert.deepEqual(ms.map((m) => m.down?.sql), ["drop table b;", "drop table a;"], format);
  }
});

Deno.test("a pair directory refused for transaction control points to golang-migrate when it reads them", async () => {
  // ente's server/migrations: two BEGIN ... COMMIT blocks in one up, as golang-migrate runs it.
  const blocks =
    "BEGIN;\ncreate table a (id int);\nCOMMIT;\n\nBEGIN;\ncreate table b (id int);\nCOMMIT;\n";
  const files = { "1_a.up.sql": blocks, "1_a.down.sql": "drop table b;\ndrop table a;\n" };
  const detected = await refusal(load("auto", files));
  assert.equal(detected.code, "TRANSACTION_CONTROL");
  assert.match(detected.message, /pass --format golang-migrate/);
  const chosen = await refusal(load("tide", files));
  assert.doesNotMatch(chosen.message, /golang-migrate/);
  const [m] = await load("golang-migrate", files);
  assert.equal(m.up.sql, blocks);
});
