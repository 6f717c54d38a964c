import assert from "node:assert/strict";
import type { Driver } from "../drivers/driver.ts";
import { connect } from "../drivers/connect.ts";
import { type AppliedFields, Ledger, type LogFields } from "./ledger.ts";
import { onEachDatabase } from "../_test_support/scenario.ts";

/** The tracking and log tables exactly as tide 0.1 created them, with one migration applied. */
const TIDE_0_1 = `
CREATE TABLE public.tide_migrations (
  module text NOT NULL DEFAULT '', version text NOT NULL, name text NOT NULL,
  checksum text NOT NULL, checksum_algorithm text NOT NULL,
  status text NOT NULL DEFAULT 'applied' CHECK (status IN ('applied', 'failed')),
  applied_at timestamptz NOT NULL DEFAULT now(), execution_time_ms integer NOT NULL,
  applied_by text NOT NULL, down_sql text, down_no_transaction boolean NOT NULL DEFAULT false,
  error text, PRIMARY KEY (module, version));
CREATE TABLE public.tide_migration_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, module text NOT NULL DEFAULT '',
  version text NOT NULL, name text NOT NULL,
  action text NOT NULL CHECK (action IN ('up', 'down', 'baseline', 'repair', 'adopt')),
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure')), error text,
  started_at timestamptz NOT NULL, duration_ms integer NOT NULL, performed_by text NOT NULL);
INSERT INTO public.tide_migrations (version, name, checksum, checksum_algorithm,
  execution_time_ms, applied_by, down_sql) VALUES ('001', 'old', 'c1', 'sha256-lf', 3, 'ci',
  'DROP TABLE old');
INSERT INTO public.tide_migration_log (version, name, action, outcome, started_at, duration_ms,
  performed_by) VALUES ('001', 'old', 'up', 'success', now(), 3, 'ci');`;

const NEW_ROW: AppliedFields = {
  version: "002",
  name: "new",
  checksum: "c2",
  checksumAlgorithm: "sha256-lf",
  status: "applied",
  appliedBy: "ci",
  downSql: null,
  downNoTransaction: false,
  error: null,
  description: "Adds the new table",
  requires: ["auth:003"],
  downFile: "002_new.ts",
};
const NEW_ENTRY: LogFields = {
  version: "002",
  name: "new",
  action: "up",
  outcome: "success",
  error: null,
  performedBy: "ci",
  description: "Adds the new table",
};

async function columns(driver: Driver, table: string): Promise<string[]> {
  const rows = await driver.query<{ name: string }>(
    `SELECT attname::text AS name FROM pg_attribute WHERE attrelid = $1::regclass
     AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return rows.map((row) => row.name);
}

Deno.test("tracking tables made by tide 0.1 are read as they are, and get the new columns under the lock", async (t) => {
  await onEachDatabase(t, async (driver) => {
    await driver.exec(TIDE_0_1);
    const location = { schema: "public", table: "tide_migrations", module: "" };
    const reader = new Ledger(driver, location);
    const [old] = await reader.list(); // read-only: nothing is altered
    assert.deepEqual(
      [old.version, old.description, old.requires, old.downFile],
      ["001", null, [], null],
    );
    assert.equal((await reader.history())[0].description, null);
    assert.ok(!(await columns(driver, "tide_migrations")).includes("description"));

    const ledger = new Ledger(driver, location);
    await ledger.ensure();
    await ledger.ensure(); // a second time: nothing left to add
    assert.deepEqual((await columns(driver, "tide_migrations")).slice(-3), [
      "description",
      "requires",
      "down_file",
    ]);
    assert.equal((await columns(driver, "tide_migration_log")).at(-1), "description");
    await ledger.appliedBookkeeping(NEW_ROW, NEW_ENTRY).run(driver, 1);
    const rows = await new Ledger(driver, location).list();
    assert.deepEqual(
      rows.map((r) => [r.version, r.description, r.requires, r.downFile]),
      [["001", null, [], null], ["002", "Adds the new table", ["auth:003"], "002_new.ts"]],
    );
    const log = await ledger.history();
    assert.deepEqual(log.map((e) => e.description), [null, "Adds the new table"]);
  });
});

Deno.test("a role that does not own 0.1 tracking tables keeps running without the new columns", async (t) => {
  await onEachDatabase(t, async (driver, _kind, url) => {
    await driver.exec(TIDE_0_1);
    await driver.exec(`DROP ROLE IF EXISTS tide_user_0_1; CREATE ROLE tide_user_0_1 LOGIN;
      GRANT SELECT, INSERT, UPDATE, DELETE ON tide_migrations TO tide_user_0_1;
      GRANT SELECT, INSERT ON tide_migration_log TO tide_user_0_1`);
    const asUser = new URL(url);
    asUser.username = "tide_user_0_1";
    await using db = await connect(asUser.href);
    const ledger = new Ledger(db, { schema: "public", table: "tide_migrations", module: "" });
    await ledger.ensure();
    await ledger.appliedBookkeeping(NEW_ROW, NEW_ENTRY).run(db, 1);
    await ledger.appliedBookkeeping({ ...NEW_ROW, version: "003" }, NEW_ENTRY).run(db, 1);
    const rows = await ledger.list();
    assert.deepEqual(rows.map((r) => [r.version, r.description]), [
      ["001", null],
      ["002", null],
      ["003", null],
    ]);
    assert.ok(!(await columns(driver, "tide_migrations")).includes("description"));
    await driver.exec("DROP OWNED BY tide_user_0_1; DROP ROLE tide_user_0_1");
  }, ["postgres"]);
});
