import assert from "node:assert/strict";
import type { Driver } from "../drivers/driver.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import { connect } from "../drivers/connect.ts";
import {
  type AppliedFields,
  type AppliedMigration,
  type Bookkeeping,
  Ledger,
  type LogFields,
} from "./ledger.ts";
import { onEachDatabase } from "../_test_support/scenario.ts";
import { transactionEnvelope } from "./transaction_envelope.ts";

/** Awkward text in every column that takes text. */
const ODD = `it's "odd" \\ back $1 $$ {{schema}} 🐘\nline`;

const ROW_A: AppliedFields = {
  version: "001",
  name: `a ${ODD}`,
  checksum: "ab".repeat(32),
  checksumAlgorithm: "sha256-lf",
  status: "applied",
  appliedBy: `postgres (o'brien)`,
  downSql: `drop table "t";\n-- ${ODD}`,
  downNoTransaction: true,
  error: null,
  description: `d ${ODD}`,
  requires: ["auth:003", `${ODD}:1`],
  downFile: `f ${ODD}.ts`,
};
const ROW_B: AppliedFields = {
  ...ROW_A,
  version: "002",
  name: "b",
  downSql: null,
  description: null,
  requires: [],
  downFile: null,
};

function entry(row: AppliedFields, action: LogFields["action"]): LogFields {
  return {
    version: row.version,
    name: row.name,
    action,
    outcome: "success",
    error: null,
    performedBy: row.appliedBy,
    description: row.description,
  };
}

const MODULE = `m'1 $1`;

/** The columns of ROW_B's tracking row that differ from ROW_A's. */
const B_COLUMNS = {
  version: "002",
  name: "b",
  down_sql: null,
  description: null,
  requires: null,
  down_file: null,
};
/** The columns of ROW_B's log rows that differ from ROW_A's. */
const B_LOGGED = { version: "002", name: "b", description: null };

/** The two ways bookkeeping is written, each into its own ledger (schemas with odd names). */
const PATHS = {
  /** Inline, in the message of a transactional migration. */
  inline: {
    schema: "inline $1",
    write: (driver: Driver, bookkeeping: Bookkeeping) =>
      driver.exec(
        transactionEnvelope({ timeouts: "", bookkeeping: bookkeeping.sql })("SELECT 1").text,
      ),
  },
  /** Parameterised, after a no-transaction script. */
  parameterised: {
    schema: `par"am $2`,
    write: (driver: Driver, bookkeeping: Bookkeeping) => bookkeeping.run(driver, 7.4),
  },
} as const;

/** Every column of both tables, minus the ids, timestamps and durations, checked sane. */
async function contents(driver: Driver, schema: string) {
  const rows = async (table: string, order: string) =>
    (await driver.query<{ row: Record<string, unknown> }>(
      `SELECT to_jsonb(t) AS row FROM ${quoteIdentifier(schema)}.${table} t ORDER BY ${order}`,
    )).map((r) => r.row);
  const tracking = (await rows("tide_migrations", "module, version")).map((row) => {
    const { applied_at, execution_time_ms, ...rest } = row;
    assert.ok(!Number.isNaN(Date.parse(String(applied_at))), `applied_at ${applied_at}`);
    assert.ok(Number.isInteger(execution_time_ms) && Number(execution_time_ms) >= 0);
    return rest;
  });
  const log = (await rows("tide_migration_log", "id")).map((row) => {
    const { id, started_at, duration_ms, ...rest } = row;
    assert.ok(Number.isInteger(id) && Number(id) > 0, `id ${id}`);
    assert.ok(!Number.isNaN(Date.parse(String(started_at))), `started_at ${started_at}`);
    assert.ok(Number.isInteger(duration_ms) && Number(duration_ms) >= 0);
    return rest;
  });
  return { tracking, log };
}

Deno.test("bookkeeping writes the same rows inline in a transaction and parameterised after a no-transaction script", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const ledgers = Object.values(PATHS).map((path) => ({
      path,
      ledger: new Ledger(driver, { schema: path.schema, table: "tide_migrations", module: MODULE }),
    }));
    for (const { ledger } of ledgers) await ledger.ensure();
    /** Writes `step` both ways and checks both ledgers now hold the same rows. */
    const both = async (what: string, step: (ledger: Ledger) => Bookkeeping) => {
      for (const { path, ledger } of ledgers) await path.write(driver, step(ledger));
      const rows = await contents(driver, PATHS.inline.schema);
      assert.deepEqual(await contents(driver, PATHS.parameterised.schema), rows, what);
      return rows;
    };
    const applied = await both("apply", (l) => l.appliedBookkeeping(ROW_A, entry(ROW_A, "up")));
    const tracked = {
      module: MODULE,
      version: "001",
      name: ROW_A.name,
      checksum: ROW_A.checksum,
      checksum_algorithm: "sha256-lf",
      status: "applied",
      applied_by: ROW_A.appliedBy,
      down_sql: ROW_A.downSql,
      down_no_transaction: true,
      error: null,
      description: ROW_A.description,
      requires: JSON.stringify(ROW_A.requires),
      down_file: ROW_A.downFile,
    };
    const logged = {
      module: MODULE,
      version: "001",
      name: ROW_A.name,
      action: "up",
      outcome: "success",
      error: null,
      performed_by: ROW_A.appliedBy,
      description: ROW_A.description,
    };
    assert.deepEqual(applied, { tracking: [tracked], log: [logged] });

    const error = `boom: ${ODD}`;
    const failed = (row: AppliedFields, action: "up" | "down", dirty: boolean) => (l: Ledger) =>
      l.failedBookkeeping({ row, entry: entry(row, action), error, dirty });
    await both("a failure that left nothing applied", failed(ROW_B, "up", false));
    await both("an up that stopped halfway", failed(ROW_B, "up", true));
    const halfDown = await both("a down that stopped halfway", failed(ROW_A, "down", true));
    const failedLog = { outcome: "failure", error };
    assert.deepEqual(halfDown.tracking, [
      { ...tracked, status: "failed", error },
      { ...tracked, ...B_COLUMNS, status: "failed", error },
    ]);
    assert.deepEqual(halfDown.log.slice(1), [
      { ...logged, ...B_LOGGED, ...failedLog },
      { ...logged, ...B_LOGGED, ...failedLog },
      { ...logged, action: "down", ...failedLog },
    ]);

    const rolledBack = await both(
      "roll back",
      (l) => l.rolledBackBookkeeping("002", entry(ROW_B, "down")),
    );
    assert.deepEqual(rolledBack.tracking.map((row) => row.version), ["001"]);
    assert.deepEqual(rolledBack.log.at(-1), { ...logged, ...B_LOGGED, action: "down" });
  });
});

Deno.test("bookkeeping inline counts from the message's arrival; parameterised takes the client's time", async (t) => {
  await onEachDatabase(t, async (driver) => {
    const ledger = new Ledger(driver, { schema: "public", table: "tide_migrations", module: "" });
    await ledger.ensure();
    const inline = ledger.appliedBookkeeping(ROW_A, entry(ROW_A, "up"));
    const envelope = transactionEnvelope({ timeouts: "", bookkeeping: inline.sql });
    await driver.exec(envelope("SELECT pg_sleep(0.05)").text);
    await ledger.appliedBookkeeping(ROW_B, entry(ROW_B, "up")).run(driver, 7.4);
    const rows = await driver.query<{ version: string; ms: number; log_ms: number }>(
      `SELECT t.version, t.execution_time_ms AS ms, l.duration_ms AS log_ms
       FROM tide_migrations t JOIN tide_migration_log l USING (version) ORDER BY 1`,
    );
    assert.ok(rows[0].ms >= 50 && rows[0].ms < 10_000, `server-timed ${rows[0].ms} ms`);
    assert.ok(rows[0].log_ms >= rows[0].ms, "the log row is written after the tracking row");
    assert.deepEqual(rows[1], { version: "002", ms: 7, log_ms: 7 });
  });
});

Deno.test("upgradeLogActions() lets a log made before `adopt` record it, keeping its rows", async (t) => {
  await onEachDatabase(t, async (driver) => {
    // The log's DDL as tide wrote it before `adopt` existed.
    await driver.exec(`CREATE TABLE old_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      module text NOT NULL DEFAULT '', version text NOT NULL, name text NOT NULL,
      action text NOT NULL CHECK (action IN ('up', 'down', 'baseline', 'repair')),
      outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
      error text, started_at timestamptz NOT NULL, duration_ms integer NOT NULL,
      performed_by text NOT NULL)`);
    const ledger = new Ledger(driver, { schema: "public", table: "old", module: "" });
    await ledger.ensure();
    await ledger.log(driver, { ...entry(ROW_A, "up"), durationMs: 1 });
    const adopted = { ...entry(ROW_B, "adopt"), durationMs: 0 };
    await assert.rejects(() => ledger.log(driver, adopted), /old_log_action_check/);
    await driver.transaction((tx) => ledger.upgradeLogActions(tx));
    await driver.transaction((tx) => ledger.upgradeLogActions(tx)); // a second time: no change
    await ledger.log(driver, adopted);
    assert.deepEqual((await ledger.history()).map((e) => e.action), ["up", "adopt"]);
    const checks = await driver.query<{ name: string; definition: string }>(
      `SELECT conname::text AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE conrelid = 'old_log'::regclass AND contype = 'c' ORDER BY 1`,
    );
    assert.deepEqual(checks.map((c) => c.name), ["old_log_action_check", "old_log_outcome_check"]);
    assert.match(checks[0].definition, /'adopt'/);
    assert.match(checks[1].definition, /'failure'/, "the outcome check is untouched");
    await assert.rejects(() => ledger.log(driver, { ...adopted, action: "x" as "up" }));
  });
});

Deno.test("list(), otherRows() and requiringRows() read each row back as written, typed, through every driver", async (t) => {
  await onEachDatabase(t, async (driver, kind, url) => {
    const where = { schema: "listed $1", table: "tide_migrations" };
    const writer = new Ledger(driver, { ...where, module: MODULE });
    await writer.ensure();
    const before = Date.now();
    for (const row of [ROW_A, ROW_B]) {
      await PATHS.parameterised.write(driver, writer.appliedBookkeeping(row, entry(row, "up")));
    }
    const other = new Ledger(driver, { ...where, module: "other" });
    await PATHS.parameterised.write(driver, other.appliedBookkeeping(ROW_B, entry(ROW_B, "up")));
    const after = Date.now();
    // The rows come as one JSON value: timestamps must come back as dates, the rest typed.
    const typed = (rows: readonly AppliedMigration[]) =>
      rows.map(({ appliedAt, executionTimeMs, ...rest }) => {
        assert.ok(appliedAt instanceof Date, `appliedAt ${appliedAt}`);
        assert.ok(appliedAt.getTime() >= before - 1000 && appliedAt.getTime() <= after + 1000);
        assert.equal(typeof executionTimeMs, "number");
        return rest;
      });
    const readers = kind === "postgres"
      ? [driver, await connect(url, { readOnly: true })] // postgres.js, then the light client
      : [driver];
    for (const reader of readers) {
      const ledger = new Ledger(reader, { ...where, module: MODULE });
      assert.deepEqual(typed(await ledger.list()), [ROW_A, ROW_B], reader.kind);
      assert.deepEqual(typed(await ledger.otherRows()), [{ ...ROW_B, module: "other" }]);
      const requiring = new Ledger(reader, { ...where, module: "other" });
      assert.deepEqual(typed(await requiring.requiringRows()), [{ ...ROW_A, module: MODULE }]);
    }
    await readers[1]?.close();
  });
});
