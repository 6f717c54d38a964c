/**
 * Adopting from each tool's table as the tool writes it (DDL and rows in testdata/), on PGlite
 * and PostgreSQL: one database each, every tool in a schema of its own, found through
 * `search_path` as the tool's unqualified table name would be.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Driver } from "../../drivers/driver.ts";
import type { MigrationErrorCode } from "../../errors.ts";
import { loadMigrations } from "../../files/load.ts";
import type { Migration } from "../../files/migration.ts";
import { onEachDatabase, writeMigrations } from "../../_test_support/scenario.ts";
import { Migrator } from "../migrator.ts";
import { connect } from "../../drivers/connect.ts";
import type { AdoptOptions } from "./adopt.ts";
import type { AdoptTool } from "./source.ts";

interface Scenario {
  tool: AdoptTool;
  /** The project's migrations, in tide's layout... */
  files?: Record<string, string>;
  /** ...or as a loader of the tool's own layout would return them. */
  migrations?: Migration[];
  /** The tool's table, to check it is left as it was. */
  table: string;
  /** What the tool counts as applied, as tide's files spell the versions. */
  applied: string[];
  /** What `tide up` would then apply. */
  pending: string[];
  /** When the tool applied some of them, as its table says. */
  appliedAt?: Record<string, string>;
  options?: Partial<AdoptOptions>;
  /** A later state the tool can be left in, which adopting refuses. */
  refuse?: { fixture: string; code: MigrationErrorCode; message: RegExp };
}

/** A pair of files: an up creating `table`, a down dropping it. */
function pair(stem: string, table: string): Record<string, string> {
  return {
    [`${stem}.up.sql`]: `create table ${table} (id bigint primary key);\n`,
    [`${stem}.down.sql`]: `drop table ${table};\n`,
  };
}

/** A migration as a sqitch loader would give it: its change, ordered as in `sqitch.plan`. */
function sqitchChange(version: string, change: string): Migration {
  const up = { path: `db/deploy/${change}.sql`, sql: `-- ${change}`, line: 1, column: 1 };
  const down = { ...up, path: `db/revert/${change}.sql` };
  return { version, name: change, up, down, noTransaction: false, checksum: `sum-${change}` };
}

const SCENARIOS: Scenario[] = [
  {
    tool: "golang-migrate",
    files: {
      ...pair("000001_create_users", "users"),
      ...pair("000002_create_orders", "orders"),
      ...pair("000003_create_items", "items"),
    },
    table: "schema_migrations",
    applied: ["000001", "000002"],
    pending: ["000003"],
    refuse: {
      fixture: "golang_migrate_dirty.sql",
      code: "ADOPT_DIRTY",
      message: /version 3 dirty.*`migrate force V`/,
    },
  },
  {
    tool: "goose",
    files: {
      ...pair("00001_create_users", "users"),
      ...pair("00002_create_orders", "orders"),
      ...pair("00003_create_items", "items"),
      ...pair("00004_create_tags", "tags"),
    },
    table: "goose_db_version",
    applied: ["00001", "00002"],
    pending: ["00003", "00004"],
    appliedAt: { "00002": "2024-01-11 14:30:00" },
  },
  {
    tool: "dbmate",
    files: {
      "20240110090000_create_users.sql":
        "-- migrate:up\ncreate table users (id int);\n\n-- migrate:down\ndrop table users;\n",
      "20240111143000_create_orders.sql":
        "-- migrate:up\ncreate table orders (id int);\n\n-- migrate:down\ndrop table orders;\n",
      "20240112081500_create_items.sql":
        "-- migrate:up\ncreate table items (id int);\n\n-- migrate:down\ndrop table items;\n",
    },
    table: "schema_migrations",
    applied: ["20240110090000", "20240111143000"],
    pending: ["20240112081500"],
  },
  {
    tool: "flyway",
    files: {
      "V1__create_users.sql": "create table users (id int);\n",
      "V1_1__add_users_email.sql": "alter table users add column email text;\n",
      "V2__create_orders.sql": "create table orders (id int);\n",
      "V3__seed_products.sql": "insert into orders values (1);\n",
      "U3__seed_products.sql": "delete from orders;\n",
      "V4__index_orders.sql": "create index on orders (id);\n",
    },
    table: "flyway_schema_history",
    applied: ["1", "1_1", "2"],
    pending: ["3", "4"],
    appliedAt: { "1_1": "2024-01-11 14:30:00" },
    refuse: {
      fixture: "flyway_failed.sql",
      code: "ADOPT_DIRTY",
      message: /failed migrations: V4__index_orders\.sql \(rank 6\).*flyway repair/,
    },
  },
  {
    tool: "sqlx",
    files: {
      ...pair("20240110090000_create_users", "users"),
      ...pair("20240111143000_add_email", "emails"),
      ...pair("20240112081500_create_posts", "posts"),
    },
    table: "_sqlx_migrations",
    applied: ["20240110090000", "20240111143000"],
    pending: ["20240112081500"],
    appliedAt: { "20240111143000": "2024-01-11 14:30:00" },
    refuse: {
      fixture: "sqlx_failed.sql",
      code: "ADOPT_DIRTY",
      message: /migration 20240112081500 \(create posts\) applied partway/,
    },
  },
  {
    tool: "diesel",
    files: {
      ...pair("00000000000000_diesel_initial_setup", "diesel_setup"),
      ...pair("20240110090000_create_users", "users"),
      ...pair("20240111143000_create_posts", "posts"),
    },
    table: "__diesel_schema_migrations",
    applied: ["00000000000000", "20240110090000"],
    pending: ["20240111143000"],
    appliedAt: { "20240110090000": "2024-01-10 09:00:01" },
  },
  {
    tool: "node-pg-migrate",
    files: {
      ...pair("1704877200000_create-users", "users"),
      ...pair("1704963600000_add-email", "emails"),
      ...pair("1705050000000_create-posts", "posts"),
    },
    table: "pgmigrations",
    applied: ["1704877200000", "1704963600000"],
    pending: ["1705050000000"],
  },
  {
    tool: "prisma",
    files: {
      "20240110090000_init.up.sql": "create table users (id int);\n",
      "20240111143000_add_posts.up.sql": "create table posts (id int);\n",
      "20240112081500_add_index.up.sql": "create index on posts (id);\n",
    },
    table: "_prisma_migrations",
    applied: ["20240110090000", "20240111143000"],
    pending: ["20240112081500"],
    appliedAt: { "20240111143000": "2024-01-11 15:00:01" },
    refuse: {
      fixture: "prisma_failed.sql",
      code: "ADOPT_DIRTY",
      message: /20240112081500_add_index \(Database error code: 42703\).*resolve --applied/,
    },
  },
  {
    tool: "sqitch",
    migrations: [
      sqitchChange("1", "appschema"),
      sqitchChange("2", "users"),
      sqitchChange("3", "flips"),
    ],
    table: "sqitch.changes",
    applied: ["1", "2"],
    pending: ["3"],
    appliedAt: { "2": "2024-01-11 14:30:00" },
    refuse: {
      fixture: "sqitch_two_projects.sql",
      code: "ADOPT_INCONSISTENT",
      message: /several projects \(flipr, queue\)\. Pass --from-project NAME/,
    },
  },
  {
    tool: "popx",
    files: {
      ...pair("20191100000001000000_identities", "identities"),
      ...pair("20191100000001000001_identities_index", "identities_index"),
      ...pair("20191100000002000000_requests", "requests"),
      ...pair("20200101000000000000_sessions", "sessions"),
    },
    table: "schema_migration",
    applied: ["20191100000001000000", "20191100000001000001", "20191100000002000000"],
    pending: ["20200101000000000000"],
  },
];

const versions = (entries: { version: string }[]) => entries.map((entry) => entry.version);

async function fixture(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`./testdata/${name}`, import.meta.url));
}

async function rowsOf(driver: Driver, table: string): Promise<string[]> {
  const rows = await driver.query<{ row: string }>(
    `SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`,
  );
  return rows.map((r) => r.row);
}

async function at(driver: Driver, time: string): Promise<Date> {
  const [row] = await driver.query<{ at: Date }>("SELECT $1::timestamptz AS at", [time]);
  return row.at;
}

async function adoptsAsTheToolSays(driver: Driver, scenario: Scenario): Promise<void> {
  const schema = `adopt_${scenario.tool.replaceAll("-", "_")}`;
  await driver.exec(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}`);
  await driver.exec(await fixture(`${schema.slice("adopt_".length)}.sql`));
  const migrations = scenario.migrations ??
    await loadMigrations(await writeMigrations(scenario.files!));
  const migrator = new Migrator({ driver, migrations, schema, actor: "ada" });
  const options = { from: scenario.tool, ...scenario.options };
  const before = await rowsOf(driver, scenario.table);

  const dry = await migrator.adopt({ ...options, dryRun: true });
  assert.deepEqual([dry.dryRun, versions(dry.adopted)], [true, scenario.applied]);
  assert.equal((await migrator.history()).length, 0, "a dry run writes nothing");

  const result = await migrator.adopt(options);
  assert.deepEqual([result.dryRun, versions(result.adopted)], [false, scenario.applied]);
  assert.deepEqual(result.changed, [], "every file is as the tool applied it");
  const status = await migrator.status();
  assert.deepEqual(versions(status.applied), scenario.applied);
  assert.deepEqual(versions(status.pending), scenario.pending);
  assert.deepEqual([status.missing, status.edited, status.failed], [[], [], []]);
  for (const [version, time] of Object.entries(scenario.appliedAt ?? {})) {
    const entry = status.applied.find((e) => e.version === version);
    assert.deepEqual(entry?.appliedAt, await at(driver, time), `applied_at of ${version}`);
  }
  const history = await migrator.history();
  assert.deepEqual(history.map((e) => `${e.action} ${e.version}`), [
    ...scenario.applied.map((version) => `adopt ${version}`),
  ]);
  assert.deepEqual(await rowsOf(driver, scenario.table), before, "its table is left as it was");
  assert.deepEqual(versions((await migrator.up({ dryRun: true })).steps), scenario.pending);

  const again = await migrator.adopt(options);
  assert.deepEqual([again.adopted, versions(again.alreadyRecorded)], [[], scenario.applied]);

  if (scenario.refuse) {
    await driver.exec(await fixture(scenario.refuse.fixture));
    const { code, message } = scenario.refuse;
    await assert.rejects(() => migrator.adopt(options), { code, message });
  }
  await driver.exec("RESET search_path");
}

Deno.test("adopt() records what each tool's table says is applied, and leaves that table as it was", async (t) => {
  await onEachDatabase(t, async (driver, _kind, _url, step) => {
    for (const scenario of SCENARIOS) {
      await step.step(scenario.tool, () => adoptsAsTheToolSays(driver, scenario));
    }
  });
});

Deno.test("adopt() names the files changed since sqlx, Flyway or Prisma applied them, by their checksums", async () => {
  await using driver = await connect("memory://");
  const cases = [{
    tool: "sqlx" as const,
    scenario: SCENARIOS.find((s) => s.tool === "sqlx")!,
    edit: "20240111143000_add_email.up.sql",
    same: "20240110090000_create_users.up.sql",
  }, {
    tool: "flyway" as const,
    scenario: SCENARIOS.find((s) => s.tool === "flyway")!,
    edit: "V2__create_orders.sql",
    same: "V1_1__add_users_email.sql",
  }, {
    tool: "prisma" as const,
    scenario: SCENARIOS.find((s) => s.tool === "prisma")!,
    edit: "20240111143000_add_posts.up.sql",
    same: "20240110090000_init.up.sql",
  }];
  for (const { tool, scenario, edit, same } of cases) {
    await driver.exec(`CREATE SCHEMA adopt_${tool}; SET search_path TO adopt_${tool}`);
    await driver.exec(await fixture(`${tool}.sql`));
    const files = { ...scenario.files! };
    files[edit] += "-- edited since it was applied\n";
    // Flyway's checksum ignores line endings and Prisma takes either; sqlx's is of the bytes.
    if (tool !== "sqlx") files[same] = files[same].replaceAll("\n", "\r\n");
    const dir = await writeMigrations(files);
    const migrations = await loadMigrations(dir);
    const migrator = new Migrator({ driver, migrations, schema: `adopt_${tool}`, actor: "ada" });
    const result = await migrator.adopt({ from: tool, dryRun: true });
    assert.deepEqual(result.changed.map((m) => [m.file, m.recorded === m.now]), [
      [join(dir, edit), false],
    ], tool);
    await driver.exec("RESET search_path");
  }
});
