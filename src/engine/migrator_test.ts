import assert from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../drivers/connect.ts";
import type { Driver } from "../drivers/driver.ts";
import type { MigrationError } from "../errors.ts";
import { loadMigrations } from "../files/load.ts";
import { migrationLockKey } from "./lock.ts";
import type { Migration } from "../files/migration.ts";
import { Migrator, type MigratorOptions } from "./migrator.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";

const SHOP = {
  "001_customers.up.sql":
    "create table customers (id int generated always as identity primary key, name text not null);",
  "001_customers.down.sql": "drop table customers;",
  "002_orders.up.sql":
    "create table orders (\n  id int generated always as identity primary key,\n  customer_id int not null references customers\n);",
  "002_orders.down.sql": "drop table orders;",
  "003_seed.sql":
    "-- migrate:up\ninsert into customers (name) values ('Ada');\n-- migrate:down\ndelete from customers;\n",
};

async function migratorFor(
  driver: Driver,
  dir: string,
  options: Partial<MigratorOptions> = {},
): Promise<Migrator> {
  return new Migrator({ driver, migrations: await loadMigrations(dir), ...options });
}

async function tables(driver: Driver): Promise<string[]> {
  const rows = await driver.query<{ name: string }>(
    "select table_name::text as name from information_schema.tables where table_schema = 'public' order by 1",
  );
  return rows.map((row) => row.name);
}

Deno.test("Migrator.up() applies pending migrations in order and records each", async (t) => {
  const dir = await writeMigrations(SHOP);
  await onEachDatabase(t, async (driver) => {
    const migrator = await migratorFor(driver, dir, { actor: "ada" });
    const result = await migrator.up();
    assert.deepEqual(result.steps.map((s) => s.version), ["001", "002", "003"]);
    assert.deepEqual(await tables(driver), [
      "customers",
      "orders",
      "tide_migration_log",
      "tide_migrations",
    ]);
    const [row] = await driver.query<Record<string, string>>(
      "select checksum, checksum_algorithm, applied_by, down_sql from tide_migrations where version = '002'",
    );
    assert.match(row.checksum, /^[0-9a-f]{64}$/);
    assert.equal(row.checksum_algorithm, "sha256-lf");
    assert.match(row.applied_by, /\(ada\)$/);
    assert.equal(row.down_sql, "drop table orders;");
    assert.deepEqual((await migrator.up()).steps, [], "a second run finds nothing to do");
    const status = await migrator.status();
    assert.deepEqual(status.applied.map((s) => s.version), ["001", "002", "003"]);
    assert.deepEqual(status.pending, []);
    const history = await migrator.history();
    assert.deepEqual(history.map((h) => `${h.action}:${h.version}:${h.outcome}`), [
      "up:001:success",
      "up:002:success",
      "up:003:success",
    ]);
  });
});

Deno.test("Migrator.up() leaves no trace of a failed migration and names file:line:column", async (t) => {
  const dir = await writeMigrations({
    ...SHOP,
    "004_broken.up.sql": "create table invoices (id int);\n\ninsert into nope values (1);\n",
    "004_broken.down.sql": "drop table invoices;",
  });
  await onEachDatabase(t, async (driver) => {
    const migrator = await migratorFor(driver, dir);
    await assert.rejects(() => migrator.up(), (error: MigrationError) => {
      assert.equal(error.code, "SQL_ERROR");
      assert.equal(error.file, join(dir, "004_broken.up.sql"));
      assert.deepEqual([error.line, error.column], [3, 13]);
      assert.match(error.message, /004_broken\.up\.sql:3:13: relation "nope" does not exist/);
      return true;
    });
    assert.ok(!(await tables(driver)).includes("invoices"), "the failed migration left a table");
    const status = await migrator.status();
    assert.deepEqual(status.applied.map((s) => s.version), ["001", "002", "003"]);
    assert.deepEqual(status.pending.map((s) => s.version), ["004"]);
    const last = (await migrator.history()).at(-1)!;
    assert.deepEqual([last.version, last.action, last.outcome], ["004", "up", "failure"]);
  });
});

Deno.test("Migrator.up() runs a no-transaction migration statement by statement", async (t) => {
  const dir = await writeMigrations({
    ...SHOP,
    "004_index.up.sql":
      "-- tide:no-transaction\ncreate index concurrently orders_customer_idx on orders (customer_id);\n" +
      "create index concurrently customers_name_idx on customers (name);\n",
    "004_index.down.sql":
      "-- tide:no-transaction\ndrop index concurrently orders_customer_idx;\ndrop index concurrently customers_name_idx;\n",
  });
  await onEachDatabase(t, async (driver) => {
    const migrator = await migratorFor(driver, dir);
    await migrator.up();
    const indexes = () =>
      driver.query("select indexname from pg_indexes where indexname like '%_idx' order by 1");
    assert.equal((await indexes()).length, 2);
    await migrator.down();
    assert.equal((await indexes()).length, 0);
  });
});

Deno.test("Migrator.up() sends each transactional migration and its bookkeeping as one exec", async (t) => {
  const dir = await writeMigrations({
    ...SHOP,
    "004_index.up.sql":
      "-- tide:no-transaction\ncreate index a on orders (id);\ncreate index b on orders (id);",
  });
  await onEachDatabase(t, async (driver) => {
    const calls: string[] = [];
    const spy: Driver = {
      kind: driver.kind,
      target: driver.target,
      exec: (sql) => (calls.push("exec"), driver.exec(sql)),
      query: (sql, params) => (calls.push("query"), driver.query(sql, params)),
      transaction: (fn) => (calls.push("transaction"), driver.transaction(fn)),
      close: () => driver.close(),
      [Symbol.asyncDispose]: () => driver.close(),
    };
    const perStep: string[] = [];
    const migrator = await migratorFor(spy, dir, {
      onProgress: (event) => {
        if (event.type === "start") calls.length = 0;
        if (event.type === "done") perStep.push(`${event.step.version}: ${calls.join(" ")}`);
      },
    });
    await migrator.up();
    assert.deepEqual(perStep, [
      "001: exec",
      "002: exec",
      "003: exec",
      // Outside a transaction: the lock checked by a query of its own, its row marked under
      // way, each statement, the progress noted between them, then the bookkeeping. (001-003
      // check the lock inside their one message.)
      "004: query query exec query exec query",
    ]);
    // The bookkeeping did happen: in that one exec for 001-003, by the query for 004.
    const status = await migrator.status();
    assert.deepEqual(status.applied.map((s) => s.version), ["001", "002", "003", "004"]);
  }, ["pglite"]);
});

Deno.test("a no-transaction migration that fails halfway blocks later runs until repaired", async (t) => {
  const dir = await writeMigrations({
    ...SHOP,
    "004_half.up.sql": "-- tide:no-transaction\ncreate table half (id int);\nselect 1/0;\n",
    "004_half.down.sql": "drop table half;",
    "005_next.up.sql": "create table next (id int);",
  });
  await onEachDatabase(t, async (driver) => {
    const migrator = await migratorFor(driver, dir);
    await assert.rejects(() => migrator.up(), { code: "SQL_ERROR", message: /statement 2 of 2/ });
    assert.ok((await tables(driver)).includes("half"), "the first statement stays applied");
    assert.deepEqual((await migrator.status()).failed.map((s) => s.version), ["004"]);
    await assert.rejects(() => migrator.up(), {
      code: "FAILED_MIGRATION",
      message: /tide repair --yes --mark-rolled-back 004/,
    });
    await driver.exec("drop table half");
    assert.deepEqual(await migrator.repair({ markRolledBack: "004" }), {
      rechecksummed: [],
      downsStored: [],
      resolved: ["004"],
    });
    await assert.rejects(() => migrator.up(), { code: "SQL_ERROR", message: /statement 2 of 2/ });
    await migrator.repair({ markApplied: "004" }); // the user finished it by hand
    assert.deepEqual((await migrator.up()).steps.map((s) => s.version), ["005"]);
  });
});

Deno.test("a no-transaction down that fails halfway is recorded as failed too", async (t) => {
  const dir = await writeMigrations({
    ...SHOP,
    "004_pair.up.sql":
      "-- tide:no-transaction\ncreate table left_t (id int);\ncreate table right_t (id int);",
    "004_pair.down.sql": "-- tide:no-transaction\ndrop table left_t;\ndrop table nope;",
  });
  await onEachDatabase(t, async (driver) => {
    const migrator = await migratorFor(driver, dir);
    await migrator.up();
    await assert.rejects(() => migrator.down(), { code: "SQL_ERROR", message: /statement 2 of 2/ });
    assert.deepEqual((await migrator.status()).failed.map((s) => s.version), ["004"]);
    await assert.rejects(() => migrator.down(), {
      code: "FAILED_MIGRATION",
      message: /Cannot roll back.*--mark-rolled-back 004/,
    });
    await driver.exec("drop table right_t"); // the user finishes the down by hand
    await migrator.repair({ markRolledBack: "004" });
    assert.deepEqual((await migrator.status()).applied.map((s) => s.version), [
      "001",
      "002",
      "003",
    ]);
    assert.ok(!(await tables(driver)).includes("left_t"));
  });
});

Deno.test("Migrator.down() rolls back from the stored SQL after the file was deleted", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations(SHOP);
    await (await migratorFor(driver, dir)).up();
    await Deno.remove(join(dir, "002_orders.up.sql"));
    await Deno.remove(join(dir, "002_orders.down.sql"));
    await Deno.remove(join(dir, "003_seed.sql"));
    const migrator = await migratorFor(driver, dir);
    await assert.rejects(() => migrator.up(), { code: "MISSING_FILE" });
    const result = await migrator.down({ count: 2 });
    assert.deepEqual(result.steps.map((s) => s.version), ["003", "002"]);
    assert.deepEqual(await tables(driver), ["customers", "tide_migration_log", "tide_migrations"]);
    assert.equal((await driver.query("select * from customers")).length, 0);
  });
});

Deno.test("an edited applied migration stops up until repair re-records it", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const dir = await writeMigrations(SHOP);
    await (await migratorFor(driver, dir)).up();
    await Deno.writeTextFile(
      join(dir, "002_orders.up.sql"),
      SHOP["002_orders.up.sql"] + "\n-- edited\n",
    );
    const migrator = await migratorFor(driver, dir);
    await assert.rejects(() => migrator.up(), {
      code: "CHECKSUM_MISMATCH",
      message: /002_orders\.up\.sql/,
    });
    assert.deepEqual((await migrator.status()).edited.map((s) => s.version), ["002"]);
    assert.deepEqual((await migrator.repair()).rechecksummed, ["002"]);
    assert.deepEqual((await migrator.up()).steps, []);
    assert.equal((await migrator.history()).at(-1)!.action, "repair");
  });
});

Deno.test("a checksum ignores line endings, so a CRLF checkout is not an edit", async () => {
  const lf = await loadMigrations(await writeMigrations(SHOP));
  const crlf = await loadMigrations(
    await writeMigrations(
      Object.fromEntries(Object.entries(SHOP).map(([k, v]) => [k, v.replaceAll("\n", "\r\n")])),
    ),
  );
  const sums = (migrations: Migration[]) => migrations.map((m) => m.checksum);
  assert.deepEqual(sums(crlf), sums(lf));
});

Deno.test("down --to, down --all, redo, reset and baseline", async (t) => {
  const dir = await writeMigrations(SHOP);
  await onEachDatabase(t, async (driver) => {
    const migrator = await migratorFor(driver, dir);
    const applied = async () => (await migrator.status()).applied.map((s) => s.version);
    await migrator.up();
    assert.deepEqual((await migrator.down({ to: "001" })).steps.map((s) => s.version), [
      "003",
      "002",
    ]);
    assert.deepEqual(await applied(), ["001"]);
    assert.deepEqual((await migrator.up({ to: "002" })).steps.map((s) => s.version), ["002"]);
    assert.deepEqual(
      (await migrator.redo()).steps.map((s) => `${s.direction}:${s.version}`),
      ["down:002", "up:002"],
    );
    const dry = await migrator.down({ all: true, dryRun: true });
    assert.deepEqual(dry.steps.map((s) => s.sql), ["drop table orders;", "drop table customers;"]);
    assert.deepEqual(await applied(), ["001", "002"], "a dry run changes nothing");
    assert.equal((await migrator.reset()).steps.length, 5);
    assert.deepEqual(await applied(), ["001", "002", "003"]);
    await migrator.down({ all: true });
    assert.deepEqual(await tables(driver), ["tide_migration_log", "tide_migrations"]);
    await driver.exec(SHOP["001_customers.up.sql"]);
    assert.deepEqual((await migrator.baseline("001")).map((s) => s.version), ["001"]);
    assert.deepEqual((await migrator.up()).steps.map((s) => s.version), ["002", "003"]);
  });
});

Deno.test("--schema keeps the tracking tables and {{schema}} templates in that schema", async (t) => {
  const dir = await writeMigrations({
    "001_items.up.sql":
      "create table {{tables.items}} (id int);\ncomment on schema {{schema}} is 'x';",
    "001_items.down.sql": "drop table {{tables.items}};",
  });
  await onEachDatabase(t, async (driver) => {
    const migrator = await migratorFor(driver, dir, { schema: 'tenant "one"' });
    await migrator.up();
    const rows = await driver.query<{ name: string }>(
      `select table_name::text as name from information_schema.tables
       where table_schema = 'tenant "one"' order by 1`,
    );
    assert.deepEqual(rows.map((r) => r.name), ["items", "tide_migration_log", "tide_migrations"]);
    const comments = await driver.query(
      `select pg_catalog.obj_description(oid, 'pg_namespace') as comment
       from pg_catalog.pg_namespace where nspname in ('public', 'tenant "one"') order by nspname`,
    );
    assert.deepEqual(comments.map((c) => c.comment), ["standard public schema", "x"]);
    await migrator.down();
    assert.equal((await migrator.status()).applied.length, 0);
  });
});

Deno.test("modules keep their migrations apart in one tracking table", async (t) => {
  const billing = await writeMigrations({
    "001_initial.up.sql": "create table invoices (id int);",
  });
  const auth = await writeMigrations({ "001_initial.up.sql": "create table users (id int);" });
  await onEachDatabase(t, async (driver) => {
    await (await migratorFor(driver, billing, { module: "billing" })).up();
    const result = await (await migratorFor(driver, auth, { module: "auth" })).up();
    assert.deepEqual(result.steps.map((s) => s.version), ["001"]);
    const rows = await driver.query("select module from tide_migrations order by module");
    assert.deepEqual(rows, [{ module: "auth" }, { module: "billing" }]);
  });
});

Deno.test("a migration that keeps hitting lock_timeout is retried, then fails saying so", async (t) => {
  const dir = await writeMigrations({
    ...SHOP,
    "004_alter.up.sql": "alter table customers add column email text;",
  });
  await onEachDatabase(t, async (driver, _kind, url) => {
    const retries: number[] = [];
    const migrator = await migratorFor(driver, dir, {
      lockTimeoutMs: 50,
      lockRetries: 2,
      onProgress: (event) => event.type === "retry" && retries.push(event.attempt),
    });
    await migrator.up({ to: "003" });
    await using blocker = await connect(url);
    await blocker.transaction(async (tx) => {
      await tx.exec("lock table customers in access exclusive mode");
      await assert.rejects(() => migrator.up(), {
        code: "LOCK_TIMEOUT",
        message: /004_alter\.up\.sql.*3 times/,
      });
    });
    assert.deepEqual(retries, [1, 2]);
    assert.deepEqual((await migrator.up()).steps.map((s) => s.version), ["004"]);
  }, ["postgres"]);
});

Deno.test("a run waits for another run's lock and names the holder when the wait runs out", async (t) => {
  const dir = await writeMigrations(SHOP);
  await onEachDatabase(t, async (driver, _kind, url) => {
    await using holder = await connect(url);
    const key = migrationLockKey({ schema: "public", table: "tide_migrations" });
    await holder.query("select pg_advisory_lock($1::bigint)", [key]);
    const waiting = await migratorFor(driver, dir, { lockWaitMs: 300 });
    const started = performance.now();
    await assert.rejects(() => waiting.up(), {
      code: "LOCK_WAIT_TIMEOUT",
      message: /held by pid \d+ \(application "tide"/,
    });
    const waited = performance.now() - started;
    assert.ok(waited >= 250, `gave up after ${waited} ms, before the 300 ms wait ran out`);
    await holder.query("select pg_advisory_unlock($1::bigint)", [key]);
    assert.equal((await waiting.up()).steps.length, 3);
  }, ["postgres"]);
});

Deno.test("concurrent runs on one database apply each migration exactly once", async (t) => {
  const dir = await writeMigrations(SHOP);
  await onEachDatabase(t, async (_driver, _kind, url) => {
    const runs = await Promise.all([1, 2, 3].map(async () => {
      await using driver = await connect(url);
      return await (await migratorFor(driver, dir)).up();
    }));
    const applied = runs.flatMap((run) => run.steps.map((s) => s.version)).sort();
    assert.deepEqual(applied, ["001", "002", "003"]);
  }, ["postgres"]);
});
