import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { connect } from "../drivers/connect.ts";
import { MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { loadMigrations } from "../files/load.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { writeMigrations } from "../_test_support/scenario.ts";
import type { MigrationVerdict, VerifyReport } from "./report.ts";
import { DATA_ONLY_NOTE, verifyMigrations } from "./round_trip.ts";
import { buildMigrations, type MigrationCase } from "./testdata/build.ts";
import { EXACT_FILES } from "./testdata/exact.ts";
import { LOSSY_EXPECTED, LOSSY_FILES } from "./testdata/lossy.ts";

async function migrationsOf(files: Record<string, string>): Promise<Migration[]> {
  const dir = await writeMigrations(files);
  try {
    return await loadMigrations(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function verdict(report: VerifyReport, version: string): MigrationVerdict {
  const found = report.migrations.find((m) => m.version === version);
  ok(found, `no verdict for ${version}`);
  return found;
}

/** Each failing version fails at its step with its problem; every other version is ok. */
async function assertLossyVerdicts(t: Deno.TestContext, report: VerifyReport): Promise<void> {
  for (const m of report.migrations) {
    const expected = LOSSY_EXPECTED[m.version];
    await t.step(`${m.version}_${m.name} is ${expected ? expected.failure : "ok"}`, () => {
      if (!expected) {
        deepEqual(m.problems, [], `${m.version} should round-trip`);
        equal(m.ok, true);
        return;
      }
      equal(m.ok, false);
      equal(m.failure, expected.failure, m.problems.join("\n"));
      ok(m.problems.some((p) => expected.problem.test(p)), m.problems.join("\n"));
    });
  }
}

const lossy = await migrationsOf(LOSSY_FILES);
const exact = await migrationsOf(EXACT_FILES);
const lossyVersions = lossy.map((m) => m.version);
const failingCount = Object.keys(LOSSY_EXPECTED).length;

Deno.test("verifyMigrations() reports every lossy down at its own migration on PGlite", async (t) => {
  const report = await verifyMigrations({ migrations: lossy });
  deepEqual(report.migrations.map((m) => m.version), lossyVersions);
  await assertLossyVerdicts(t, report);
  equal(report.ok, false);
  deepEqual(report.totals, {
    verified: lossy.length,
    passed: lossy.length - failingCount,
    failed: failingCount,
    skipped: 0,
  });

  await t.step("a down that errors is located at its file, line and column", () => {
    const { error } = verdict(report, "015");
    match(error?.file ?? "", /015_down_errors\.down\.sql$/);
    deepEqual([error?.line, error?.column], [2, 8]);
    match(error?.message ?? "", /missing_column/);
  });

  await t.step("an up that errors is located, and the next migration starts without it", () => {
    const { error } = verdict(report, "020");
    match(error?.file ?? "", /020_up_errors\.sql$/);
    deepEqual([error?.line, error?.column], [3, 8]);
    equal(verdict(report, "021").ok, true); // 021 creates the table 020 failed to keep
  });

  await t.step("a schema difference comes with the text diff of both snapshots", () => {
    const { diff } = verdict(report, "002");
    match(diff ?? "", /^--- before up\n\+\+\+ after down\n/);
    match(diff ?? "", /^\+CREATE INDEX item_code_idx ON public\.item/m);
  });

  await t.step("changes say what each up did", () => {
    const changes = verdict(report, "017").changes;
    ok(changes.some((c) => c.kind === "table" && c.name === "public.note" && c.change === "added"));
    ok(changes.every((c) => c.change === "added"), JSON.stringify(changes));
  });

  await t.step("a failed no-transaction down is rebuilt, so the next migration verifies", () => {
    equal(verdict(report, "022").failure, "down");
    equal(verdict(report, "023").ok, true); // renames the index the failed down had dropped
  });
});

Deno.test("verifyMigrations() with from applies earlier migrations once and verifies the rest", async () => {
  const report = await verifyMigrations({ migrations: lossy, from: "013" });
  deepEqual(report.migrations.map((m) => m.version), lossyVersions.slice(12));
  equal(verdict(report, "013").failure, "down-differs");
  equal(verdict(report, "014").failure, "down-differs");
});

Deno.test("verifyMigrations() with ignoreColumnOrder accepts a column re-added at the end", async () => {
  const report = await verifyMigrations({
    migrations: lossy,
    from: "012",
    ignoreColumnOrder: true,
  });
  equal(verdict(report, "013").ok, true, verdict(report, "013").problems.join("\n"));
  equal(verdict(report, "012").failure, "down-differs"); // a lost ON DELETE is still reported
  // Without it, 013 fails on column order alone, and says so; 012 fails for more.
  const strict = await verifyMigrations({ migrations: lossy, from: "012" });
  equal(verdict(strict, "013").columnOrderOnly, true);
  equal(verdict(strict, "012").columnOrderOnly, undefined);
});

Deno.test("verifyMigrations() with failFast stops at the first failure and skips the rest", async () => {
  const seen: string[] = [];
  const report = await verifyMigrations({
    migrations: lossy,
    failFast: true,
    onVerdict: (v) => seen.push(v.version),
  });
  deepEqual(seen, ["001", "002"]);
  deepEqual(report.migrations.map((m) => m.version), ["001", "002"]);
  deepEqual(report.totals, { verified: 2, passed: 1, failed: 1, skipped: lossy.length - 2 });
});

Deno.test("verifyMigrations() passes a rich migration set whose downs are all exact", async () => {
  const report = await verifyMigrations({ migrations: exact, schema: "app" });
  for (const m of report.migrations) deepEqual(m.problems, [], `${m.version} ${m.name}`);
  equal(report.ok, true);
  equal(report.totals.passed, exact.length);
  // The templates point at the schema option, which exists before the first migration.
  ok(verdict(report, "001").changes.some((c) => c.name === "app.users" && c.change === "added"));
});

Deno.test("verifyMigrations() loads an extension PGlite ships, such as citext", async () => {
  const migrations = await migrationsOf({
    "001_citext.up.sql": "create extension citext;\ncreate table tag (name citext primary key);\n",
    "001_citext.down.sql": "drop table tag;\ndrop extension citext;\n",
  });
  const report = await verifyMigrations({ migrations });
  deepEqual(report.migrations[0].problems, []);
});

Deno.test("verifyMigrations() refuses an extension PGlite lacks, naming it", async () => {
  const migrations = await migrationsOf({
    "001_gis.up.sql": "create extension postgis;\n",
    "001_gis.down.sql": "drop extension postgis;\n",
  });
  await rejects(verifyMigrations({ migrations }), (error) => {
    ok(error instanceof MigrationError);
    equal(error.code, "UNSUPPORTED_EXTENSION");
    match(error.message, /"postgis"/);
    match(error.message, /--database-url/);
    return true;
  });
});

Deno.test("verifyMigrations() on PostgreSQL reports the same verdicts and drops its databases", async (t) => {
  const url = await testDatabaseUrl();
  await using admin = await connect(url);
  const verifyDatabases = async () =>
    (await admin.query<{ name: string }>(
      "select datname as name from pg_database where datname like 'tide_verify_%'",
    )).map((r) => r.name);
  const before = new Set(await verifyDatabases());
  let during: Promise<string[]> | undefined;
  const report = await verifyMigrations({
    migrations: lossy,
    databaseUrl: url,
    onVerdict: () => during ??= verifyDatabases(),
  });
  await assertLossyVerdicts(t, report);
  const ours = (await during ?? []).filter((name) => !before.has(name));

  await t.step("the throwaway databases existed during the run and are gone after", async () => {
    ok(ours.length > 0, "no throwaway database was seen during the run");
    const left = new Set(await verifyDatabases());
    deepEqual(ours.filter((name) => left.has(name)), []);
  });

  await t.step("the exact set passes there too", async () => {
    const exactReport = await verifyMigrations({
      migrations: exact,
      schema: "app",
      databaseUrl: url,
    });
    for (const m of exactReport.migrations) deepEqual(m.problems, [], `${m.version} ${m.name}`);
  });
});

const DATA_ONLY: MigrationCase[] = [
  { version: "001", name: "users", up: "create table users (id int primary key, email text);" },
  { version: "002", name: "backfill", up: "insert into users values (1, 'A@X.ORG');" },
  { version: "003", name: "lowercase", up: "update users set email = lower(email);", down: "  " },
  { version: "004", name: "add_name", up: "alter table users add column name text;" },
];

Deno.test("verifyMigrations() passes a data-only migration without a down, with a note", async () => {
  const migrations = buildMigrations(DATA_ONLY);
  const report = await verifyMigrations({ migrations });
  const [users, backfill, lowercase, addName] = report.migrations;
  for (const dataOnly of [backfill, lowercase]) {
    equal(dataOnly.ok, true, dataOnly.problems.join("\n"));
    equal(dataOnly.status, "data-only");
    equal(dataOnly.note, DATA_ONLY_NOTE);
    deepEqual([dataOnly.problems, dataOnly.changes, dataOnly.failure], [[], [], undefined]);
  }
  // An up that changes the schema still needs a down, the first one included.
  for (const schemaChange of [users, addName]) {
    equal(schemaChange.failure, "no-down");
    equal(schemaChange.status, "failed");
    equal(schemaChange.note, undefined);
    match(schemaChange.problems[0], /has no down script, so it cannot be rolled back/);
  }
  deepEqual(report.totals, { verified: 4, passed: 2, failed: 2, skipped: 0 });
});

Deno.test("verifyMigrations() says an extension created without a down needs one, not what its script ran", async () => {
  // UPchieve's pg_trgm migration: the extension's own script runs CREATE OPERATOR CLASS and more.
  const migrations = buildMigrations([{
    version: "001",
    name: "trigram",
    up: "create extension if not exists pg_trgm;",
  }]);
  const [trigram] = (await verifyMigrations({ migrations })).migrations;
  equal(trigram.failure, "no-down");
  match(trigram.problems[0], /has no down script, so it cannot be rolled back/);
});

Deno.test("verifyMigrations() with strictData fails a data-only migration without a down", async () => {
  const report = await verifyMigrations({
    migrations: buildMigrations(DATA_ONLY.slice(0, 2)),
    strictData: true,
  });
  const backfill = verdict(report, "002");
  deepEqual([backfill.ok, backfill.status, backfill.failure], [false, "failed", "no-down"]);
  match(backfill.problems[0], /changes no schema \(data only\).*--strict-data/);
});

Deno.test("verifyMigrations() round-trips a data-only migration that has a down", async () => {
  const report = await verifyMigrations({
    migrations: buildMigrations([
      {
        version: "001",
        name: "t",
        up: "create table t (id int primary key);",
        down: "drop table t;",
      },
      { version: "002", name: "seed", up: "insert into t values (1);", down: "delete from t;" },
    ]),
  });
  for (const m of report.migrations) {
    deepEqual([m.ok, m.status, m.note], [true, "round-trips", undefined], m.problems.join("\n"));
  }
});

/** A runner's tracking table, as Diesel creates it before any migration, and a role. */
const SETUP = {
  path: "verify_setup.sql",
  sql: `create table __diesel_schema_migrations (
  version varchar(50) primary key not null,
  run_on timestamp not null default current_timestamp
);
do $$ begin create role app_reader; exception when duplicate_object then null; end $$;
`,
};

const ALTERS_TRACKING = buildMigrations([{
  version: "001",
  name: "tracking_comment",
  up: "comment on table __diesel_schema_migrations is 'diesel';\n" +
    "create table report (id int);\ngrant select on report to app_reader;",
  down: "drop table report;\ncomment on table __diesel_schema_migrations is null;",
}]);

for (const where of ["PGlite", "PostgreSQL"] as const) {
  Deno.test(`verifyMigrations() runs the setup before the first migration, on ${where}`, async () => {
    const databaseUrl = where === "PGlite" ? undefined : await testDatabaseUrl();
    const withSetup = await verifyMigrations({
      migrations: ALTERS_TRACKING,
      setup: SETUP,
      databaseUrl,
    });
    deepEqual(withSetup.migrations[0].problems, []);
    // The setup's table is in the schema before the up: the up changes it, it does not add it.
    deepEqual(
      withSetup.migrations[0].changes.map((c) => `${c.kind} ${c.name} ${c.change}`),
      ["table public.__diesel_schema_migrations changed", "table public.report added"],
    );
    const without = await verifyMigrations({ migrations: ALTERS_TRACKING, databaseUrl });
    equal(without.migrations[0].failure, "up");
    match(without.migrations[0].problems[0], /is diesel's tracking table.*--setup file/);
  });
}

Deno.test("verifyMigrations() names the setup file and line when the setup fails", async () => {
  const setup = { path: "db/verify_setup.sql", sql: "create table a (id int);\nselect nope;\n" };
  await rejects(verifyMigrations({ migrations: ALTERS_TRACKING, setup }), (error) => {
    ok(error instanceof MigrationError);
    equal(error.code, "SQL_ERROR");
    match(error.message, /^Running the verify setup before the first migration failed: /);
    match(error.message, /db\/verify_setup\.sql:2:8/);
    match(error.message, /Fix db\/verify_setup\.sql/);
    deepEqual([error.file, error.line, error.column], ["db/verify_setup.sql", 2, 8]);
    return true;
  });
});

Deno.test("verifyMigrations() loads an extension the setup creates on PGlite", async () => {
  const report = await verifyMigrations({
    setup: { path: "setup.sql", sql: "create extension citext;" },
    migrations: buildMigrations([{
      version: "001",
      name: "tags",
      up: "create table tag (name citext primary key);",
      down: "drop table tag;",
    }]),
  });
  deepEqual(report.migrations[0].problems, []);
});

/** Times the server stores while the schema is built, and real differences next to them. */
const TIME_LITERALS: MigrationCase[] = [
  {
    version: "001",
    name: "defaults",
    up: `create domain stamp as timestamptz default 'now';
create table event (
  id int primary key,
  at timestamp default 'now'::timestamp,
  at_tz timestamptz default 'now',
  on_day date default 'today',
  at_time time default 'now',
  stamped stamp,
  check (at > timestamp 'now' - interval '100 years')
);
create index event_recent_idx on event (id) where at > '2000-01-01'::timestamp;`,
    down: "drop table event;\ndrop domain stamp;",
  },
  {
    version: "002",
    name: "views",
    up: "create view recent as select id from event " +
      "where at > timestamp 'now' - interval '1 month' and on_day >= date 'today';",
    down: "drop view recent;",
  },
  {
    version: "003",
    name: "function",
    up: "create function started(since timestamptz default 'now') returns timestamptz " +
      "language sql return timestamptz 'now';",
    down: "drop function started;",
  },
  {
    version: "004",
    name: "view_rebuilt_by_down",
    up: "drop view recent;\ncreate view recent as select id from event;",
    down: "drop view recent;\ncreate view recent as select id from event " +
      "where at > timestamp 'now' - interval '1 month' and on_day >= date 'today';",
  },
  {
    version: "005",
    name: "fixed_date_lost",
    up: "create view old as select id from event where on_day > date '2020-01-01';",
    down: "drop view old;",
  },
  {
    version: "006",
    name: "fixed_date_changed",
    up: "create or replace view old as select id from event where on_day > date '2021-06-01';",
    down: "create or replace view old as select id from event where on_day > date '2020-01-02';",
  },
  {
    version: "007",
    name: "interval_changed",
    up: "drop view recent;\ncreate view recent as select id from event where at > now();",
    down: "drop view recent;\ncreate view recent as select id from event " +
      "where at > timestamp 'now' - interval '2 months' and on_day >= date 'today';",
  },
];

for (const where of ["PGlite", "PostgreSQL"] as const) {
  Deno.test(`verifyMigrations() takes no time the server stored during the run for a difference, on ${where}`, async () => {
    const report = await verifyMigrations({
      migrations: buildMigrations(TIME_LITERALS),
      databaseUrl: where === "PGlite" ? undefined : await testDatabaseUrl(),
    });
    const failing = report.migrations.filter((m) => !m.ok).map((m) => m.version);
    for (const m of report.migrations.filter((m) => !failing.includes(m.version))) {
      deepEqual(m.problems, [], `${m.version} ${m.name}`);
    }
    // A literal from outside the run, or a difference beside one from inside, still counts.
    deepEqual(failing, ["006", "007"]);
    match(verdict(report, "006").problems[0], /view public\.old: definition changed/);
    match(verdict(report, "007").problems[0], /view public\.recent: definition changed/);
  });
}

Deno.test("verifyMigrations() runs files that hold their own BEGIN and COMMIT inside its transaction", async () => {
  const wrapped = (sql: string) => `BEGIN;\n${sql}\nCOMMIT;\n`;
  const report = await verifyMigrations({
    migrations: buildMigrations([
      {
        version: "001",
        name: "t",
        up: wrapped("create table t (id int primary key);"),
        down: wrapped("drop table t;"),
      },
      {
        version: "002",
        name: "a",
        up: wrapped("alter table t add column a int;"),
        down: wrapped("alter table t drop column a;"),
      },
      {
        version: "003",
        name: "b",
        up: wrapped("alter table t add column b int;"),
        down: wrapped("alter table t drop column a;\nselect missing;"),
      },
      {
        version: "004",
        name: "c",
        up: wrapped("alter table t add column c int;"),
        down: wrapped("select 1;"),
      },
    ]),
  });
  const problems = report.migrations.map((m) => m.problems);
  deepEqual(problems.slice(0, 2), [[], []]);
  equal(report.migrations[2].failure, "down");
  // The error is located in the file as written.
  deepEqual([report.migrations[2].error?.line, report.migrations[2].error?.column], [3, 8]);
  // A lossy down is still one, wrapped or not.
  equal(report.migrations[3].failure, "down-differs");
  match(problems[3][0], /column public\.t\.c exists after down but not before up/);
});

Deno.test("verifyMigrations() passes as data only no up that runs DDL snapshots do not hold", async () => {
  const report = await verifyMigrations({
    setup: { path: "setup.sql", sql: "create role auditor;" },
    migrations: buildMigrations([
      { version: "001", name: "t", up: "create table t (id int);", down: "drop table t;" },
      { version: "002", name: "family", up: "create operator family fam using btree;" },
      { version: "003", name: "grant", up: "grant select on t to auditor;" },
      { version: "004", name: "temp_work", up: "create table w (id int); drop table w;" },
    ]),
  });
  const [, family, grant, tempWork] = report.migrations;
  equal(family.failure, "no-down");
  match(family.problems[0], /runs CREATE OPERATOR FAMILY, whose effect schema snapshots do not/);
  equal(grant.failure, "no-down");
  deepEqual(grant.changes.map((c) => c.description), [
    "table public.t: grants GRANT SELECT ON TABLE public.t TO auditor; added",
  ]);
  // A table made and dropped again within the up leaves nothing behind.
  deepEqual([tempWork.ok, tempWork.status], [true, "data-only"]);
});

Deno.test("verifyMigrations() fails a down that leaves a privilege behind or loses one", async () => {
  const report = await verifyMigrations({
    setup: { path: "setup.sql", sql: "create role auditor;" },
    migrations: buildMigrations([
      {
        version: "001",
        name: "t",
        up: "create table t (id int, note text);",
        down: "drop table t;",
      },
      { version: "002", name: "grant", up: "grant select on t to auditor;", down: "select 1;" },
      {
        version: "003",
        name: "column_grant",
        up: "grant update (note) on t to auditor;",
        down: "revoke update (note) on t from auditor;",
      },
      {
        version: "004",
        name: "recreated",
        up: "drop table t;",
        down: "create table t (id int, note text);",
      },
      {
        version: "005",
        name: "exact",
        up: "create table u (id int);\ngrant select on u to auditor;",
        down: "revoke select on u from auditor;\ndrop table u;",
      },
    ]),
  });
  const failures = report.migrations.map((m) => m.failure ?? "ok");
  deepEqual(failures, ["ok", "down-differs", "ok", "down-differs", "ok"]);
  match(verdict(report, "002").problems[0], /public\.t: grants GRANT SELECT .* added/);
  // Dropping and re-creating the table loses both its grants.
  match(verdict(report, "004").problems.join("\n"), /public\.t: grants .* removed/);
  match(verdict(report, "004").problems.join("\n"), /public\.t\.note: grants .* removed/);
});

Deno.test("verifyMigrations() verifies migrations that SET ROLE to the owner of their objects", async () => {
  const report = await verifyMigrations({
    setup: {
      path: "setup.sql",
      sql: "do $$ begin create role app_owner; exception when duplicate_object then null; end $$;",
    },
    migrations: buildMigrations([
      {
        version: "001",
        name: "schema",
        up: "create schema app authorization app_owner;",
        down: "drop schema app;",
      },
      {
        version: "002",
        name: "as_owner",
        up: "set local role app_owner;\ncreate table app.t (id int);",
        down: "set local role app_owner;\ndrop table app.t;",
      },
      {
        version: "003",
        name: "lossy_as_owner",
        up: "set local role app_owner;\ncreate table app.u (id int);",
        down: "select 1;",
      },
    ]),
  });
  deepEqual(report.migrations.map((m) => m.failure ?? "ok"), ["ok", "ok", "down-differs"]);
});
