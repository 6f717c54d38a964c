import assert from "node:assert/strict";
import { join } from "node:path";
import { MigrationError } from "../../errors.ts";
import { loadMigrations, parseMigrationFiles } from "../load.ts";
import type { Migration } from "../migration.ts";
import { detectFormat } from "./detect.ts";
import { FORMAT_NAMES } from "./format.ts";
import { readTree } from "./tree.ts";

const testdata = join(import.meta.dirname!, "testdata");
const PATTERN = String.raw`V(?<version>\d+)\.(?<name>[^.]+)\.(?<direction>up|down)\.sql`;

/** One line per migration: version, name, flags, files relative to the fixture. */
function summary(dir: string, migrations: readonly Migration[]): string[] {
  const rel = (path?: string) => path?.slice(dir.length + 1) ?? "-";
  return migrations.map((m) =>
    [
      m.version,
      m.name,
      [m.noTransaction && "no-tx", m.empty && "empty", m.repeatable && "repeatable"]
        .filter(Boolean).join(",") || "-",
      rel(m.up.path),
      rel(m.down?.path),
    ].join(" ")
  );
}

const EXPECTED: Record<string, string[]> = {
  tide: [
    "001 create_accounts - 001_create_accounts.up.sql 001_create_accounts.down.sql",
    "002 index_accounts_email no-tx 002_index_accounts_email.sql 002_index_accounts_email.sql",
    "003 create_orders - 003_create_orders.sql 003_create_orders.sql",
    "004 order_total - 004_order_total.up.sql 004_order_total.down.sql",
    "005 add_accounts_plan - 005_add_accounts_plan.up.sql 005_add_accounts_plan.down.sql",
  ],
  "golang-migrate": [
    "000001 create_accounts - 000001_create_accounts.up.sql 000001_create_accounts.down.sql",
    "000002 index_accounts_email no-tx 000002_index_accounts_email.up.sql " +
    "000002_index_accounts_email.down.sql",
    "000003 create_orders - 000003_create_orders.up.sql 000003_create_orders.down.sql",
    "000004 noop_for_mysql empty 000004_noop_for_mysql.up.sql -",
    "000005 order_total - 000005_order_total.up.sql 000005_order_total.down.sql",
    "000006 add_accounts_plan - 000006_add_accounts_plan.up.sql 000006_add_accounts_plan.down.sql",
  ],
  dbmate: [
    "20240105093000 create_accounts - 20240105093000_create_accounts.sql " +
    "20240105093000_create_accounts.sql",
    "20240106110000 index_accounts_email no-tx 20240106110000_index_accounts_email.sql " +
    "20240106110000_index_accounts_email.sql",
    "20240110080000 create_orders - 20240110080000_create_orders.sql " +
    "20240110080000_create_orders.sql",
    "20240112150000 reserved empty 20240112150000_reserved.sql -",
    "20240201120000 order_total - 20240201120000_order_total.sql 20240201120000_order_total.sql",
    "20240215100000 add_accounts_plan - 20240215100000_add_accounts_plan.sql " +
    "20240215100000_add_accounts_plan.sql",
  ],
  goose: [
    "00001 create_accounts - 00001_create_accounts.sql 00001_create_accounts.sql",
    "00002 index_accounts_email no-tx 00002_index_accounts_email.sql " +
    "00002_index_accounts_email.sql",
    "00003 create_orders - 00003_create_orders.sql 00003_create_orders.sql",
    "00004 order_total - 00004_order_total.sql 00004_order_total.sql",
    "00005 add_accounts_plan - 00005_add_accounts_plan.sql 00005_add_accounts_plan.sql",
    "00006 placeholder empty 00006_placeholder.sql -",
  ],
  flyway: [
    "1 create_accounts - V1__create_accounts.sql U1__create_accounts.sql",
    "1_1 index_accounts_email no-tx V1_1__index_accounts_email.sql " +
    "U1_1__index_accounts_email.sql",
    "2 create_orders - V2__create_orders.sql U2__create_orders.sql",
    "2.1 order_total - sub/V2.1__order_total.sql sub/U2.1__order_total.sql",
    "10 add_accounts_plan - V10__add_accounts_plan.sql U10__add_accounts_plan.sql",
    "R__account_totals account_totals repeatable R__account_totals.sql -",
  ],
  sqlx: [
    "20240105093000 create_accounts - 20240105093000_create_accounts.up.sql " +
    "20240105093000_create_accounts.down.sql",
    "20240106110000 index_accounts_email no-tx 20240106110000_index_accounts_email.up.sql " +
    "20240106110000_index_accounts_email.down.sql",
    "20240110080000 create_orders - 20240110080000_create_orders.up.sql " +
    "20240110080000_create_orders.down.sql",
    "20240201120000 order_total - 20240201120000_order_total.up.sql " +
    "20240201120000_order_total.down.sql",
    "20240215100000 add_accounts_plan - 20240215100000_add_accounts_plan.up.sql " +
    "20240215100000_add_accounts_plan.down.sql",
  ],
  diesel: [
    "00000000000000 diesel_initial_setup - 00000000000000_diesel_initial_setup/up.sql " +
    "00000000000000_diesel_initial_setup/down.sql",
    "20240105093000 create_accounts - 2024-01-05-093000_create_accounts/up.sql " +
    "2024-01-05-093000_create_accounts/down.sql",
    "20240106110000 index_accounts_email no-tx 2024-01-06-110000_index_accounts_email/up.sql " +
    "2024-01-06-110000_index_accounts_email/down.sql",
    "20240110080000 create_orders - 2024-01-10-080000_create_orders/up.sql " +
    "2024-01-10-080000_create_orders/down.sql",
    "20240112150000 nothing_for_postgres empty 2024-01-12-150000_nothing_for_postgres/up.sql -",
    "20240215100000 add_accounts_plan - 2024-02-15-100000_add_accounts_plan/up.sql " +
    "2024-02-15-100000_add_accounts_plan/down.sql",
  ],
  "node-pg-migrate": [
    "1704447000000 create-accounts - 1704447000000_create-accounts.sql " +
    "1704447000000_create-accounts.sql",
    "1704538800000 create-orders - 1704538800000_create-orders.sql " +
    "1704538800000_create-orders.sql",
    "1706788800000 order-total - 1706788800000_order-total.sql 1706788800000_order-total.sql",
    "1707991200000 add-accounts-plan - 1707991200000_add-accounts-plan.sql " +
    "1707991200000_add-accounts-plan.sql",
    "1708000000000 seed-plans - 1708000000000_seed-plans.sql -",
  ],
  popx: [
    "20240105093000000000 accounts - 20240105093000000000_accounts.up.sql " +
    "20240105093000000000_accounts.down.sql",
    "20240106110000000000 accounts_email no-tx " +
    "20240106110000000000_accounts_email.autocommit.up.sql " +
    "20240106110000000000_accounts_email.autocommit.down.sql",
    "20240110080000000000 orders - 20240110080000000000_orders.postgres.up.sql " +
    "20240110080000000000_orders.postgres.down.sql",
    "20240112150000000000 cockroach_only empty 20240112150000000000_cockroach_only.up.sql -",
    "20240215100000000000 accounts_plan - 20240215100000000000_accounts_plan.up.sql " +
    "20240215100000000000_accounts_plan.down.sql",
  ],
  prisma: [
    "20240105093000 init - 20240105093000_init/migration.sql -",
    "20240110080000 orders - 20240110080000_orders/migration.sql -",
    "20240215100000 account_plan - 20240215100000_account_plan/migration.sql -",
    "20240301120000 drop_nothing empty 20240301120000_drop_nothing/migration.sql -",
  ],
  plain: [
    "001 create_accounts - 001_create_accounts.sql -",
    "002 create_orders - 002_create_orders.sql -",
    "003 order_total - 003_order_total.sql -",
    "004 add_accounts_plan - 004_add_accounts_plan.sql -",
    "005 seed - 005_seed.sql -",
  ],
  sqitch: [
    "1 accounts - deploy/accounts.sql revert/accounts.sql",
    "2 accounts_email_idx no-tx deploy/accounts_email_idx.sql revert/accounts_email_idx.sql",
    "3 orders - deploy/orders.sql revert/orders.sql",
    "4 order_total - deploy/order_total@v1.0.sql revert/order_total@v1.0.sql",
    "5 order_total - deploy/order_total.sql revert/order_total.sql",
  ],
  maragudk: [
    "1 0001_create_accounts - 0001_create_accounts.up.sql 0001_create_accounts.down.sql",
    "2 0001_create_orders - 0001_create_orders.up.sql 0001_create_orders.down.sql",
    "3 0002_index_orders_account - 0002_index_orders_account_up.sql " +
    "0002_index_orders_account_down.sql",
    "4 0003_add_accounts_plan - 0003_add_accounts_plan.up.sql 0003_add_accounts_plan.down.sql",
    "5 0004_noop empty 0004_noop.up.sql -",
  ],
  pattern: [
    "1 create_accounts - V1.create_accounts.up.sql V1.create_accounts.down.sql",
    "2 create_orders - V2.create_orders.up.sql V2.create_orders.down.sql",
    "3 order_total - V3.order_total.up.sql V3.order_total.down.sql",
    "4 add_accounts_plan - V4.add_accounts_plan.up.sql V4.add_accounts_plan.down.sql",
    "5 noop empty V5.noop.up.sql -",
  ],
};

Deno.test("each format loads its fixture into the migrations its tool would run", async (t) => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), [...FORMAT_NAMES].sort());
  for (const [format, expected] of Object.entries(EXPECTED)) {
    await t.step(format, async () => {
      const dir = join(testdata, format);
      const migrations = await loadMigrations(dir, { format, pattern: PATTERN });
      assert.deepEqual(summary(dir, migrations), expected);
    });
  }
});

Deno.test("each fixture loads from bytes as from disk (the Action reads git revisions)", async () => {
  for (const format of FORMAT_NAMES) {
    const dir = join(testdata, format);
    const tree = readTree(dir);
    const files = tree.files.map((file) => ({ path: file.path, bytes: tree.bytes(file) }));
    const fromBytes = await parseMigrationFiles(files, { format, pattern: PATTERN, dir });
    assert.deepEqual(fromBytes, await loadMigrations(dir, { format, pattern: PATTERN }), format);
  }
});

Deno.test("--format auto picks each fixture's format", async () => {
  const lines = FORMAT_NAMES.map((name) =>
    `${name}: ${detectFormat(readTree(join(testdata, name))).name}`
  );
  await assertGolden("detect.golden", lines.join("\n"));
});

Deno.test("--format auto refuses a directory that mixes tools, naming each part", async () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const error = await parseMigrationFiles([
    { path: "db/001_a.up.sql", bytes: bytes("create table a ();") },
    { path: "db/002_b.sql", bytes: bytes("-- +goose Up\ncreate table b ();\n") },
  ], { dir: "db" }).catch((e) => e);
  assert.ok(error instanceof MigrationError);
  assert.equal(error.code, "AMBIGUOUS_FORMAT");
  await assertGolden("ambiguous.golden", error.message);
});

async function assertGolden(name: string, actual: string): Promise<void> {
  const path = join(testdata, name);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(path, actual + "\n");
  assert.equal(actual + "\n", await Deno.readTextFile(path), `differs from ${name}`);
}
