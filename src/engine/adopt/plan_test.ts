import assert from "node:assert/strict";
import { thrown } from "../../_test_support/thrown.ts";
import type { Migration } from "../../files/migration.ts";
import type { AppliedMigration } from "../ledger.ts";
import { type AdoptionInput, planAdoption } from "./plan.ts";
import type { AppliedRef } from "./source.ts";

/** A migration as a loader would return it; `path` is the up file's. */
function migration(
  version: string,
  name: string,
  path = `db/${version}_${name}.up.sql`,
): Migration {
  const up = { path, sql: `-- ${name}`, line: 1, column: 1 };
  const down = { ...up, path: path.replace(".up.", ".down."), sql: `-- undo ${name}` };
  return { version, name, up, down, noTransaction: false, checksum: `sum-${version}` };
}

const FILES = [
  migration("001", "users"),
  migration("002", "posts"),
  migration("003", "tags"),
  migration("010", "audit"),
];

function row(version: string, name: string, status: "applied" | "failed" = "applied") {
  return {
    version,
    name,
    checksum: "x",
    checksumAlgorithm: "sha256-lf",
    status,
    appliedAt: new Date(0),
    executionTimeMs: 0,
    appliedBy: "me",
    downSql: null,
    downNoTransaction: false,
    error: null,
  } satisfies AppliedMigration;
}

const v = (version: string, extra: Partial<AppliedRef> = {}): AppliedRef =>
  ({ by: "version", version, label: version, ...extra }) as AppliedRef;

function plan(refs: AppliedRef[], extra: Partial<AdoptionInput> = {}) {
  return planAdoption({ tool: "dbmate", refs, migrations: FILES, ledger: [], ...extra });
}

const versions = (entries: { version: string }[]) => entries.map((e) => e.version);

Deno.test("planAdoption() matches versions numerically and records the files' spelling", () => {
  const result = plan([v("10"), v("1")]);
  assert.deepEqual(versions(result.adopt), ["001", "010"], "in the files' order");
  assert.equal(result.adopt[0].migration, FILES[0]);
  assert.deepEqual([result.alreadyRecorded, result.onlyInTide, result.skipped], [[], [], []]);
});

Deno.test("planAdoption() keeps the tool's time of each migration", () => {
  const at = new Date("2024-03-01T10:00:00Z");
  assert.deepEqual(plan([v("2", { appliedAt: at })]).adopt[0].appliedAt, at);
  assert.equal(plan([v("2")]).adopt[0].appliedAt, undefined);
});

Deno.test("a golang-migrate version counts every file up to it, and must have a file itself", () => {
  const through = (version: string): AppliedRef => ({
    by: "through",
    version,
    label: version,
    fileRequired: true,
  });
  assert.deepEqual(versions(plan([through("3")]).adopt), ["001", "002", "003"]);
  const error = thrown(() => plan([through("4")]));
  assert.equal(error.code, "MISSING_FILE");
  assert.match(error.message, /applied migrations that have no file here: 4\. Point --dir/);
  assert.deepEqual(
    plan([through("4")], { allowMissing: true }).adopt.map((e) => [e.version, !!e.migration]),
    [["001", true], ["002", true], ["003", true], ["4", false]],
    "with allowMissing, version 4 is recorded without a file",
  );
});

Deno.test("a Flyway baseline counts every file up to it, with or without its own file", () => {
  const baseline: AppliedRef = { by: "through", version: "2.5", label: "2.5", fileRequired: false };
  assert.deepEqual(versions(plan([baseline, v("3")]).adopt), ["001", "002", "003"]);
});

Deno.test("applied migrations without a file are refused, all listed, unless allowMissing", () => {
  const refs = [v("1"), v("7", { name: "gone", label: "7_gone" }), {
    by: "name",
    name: "views",
    label: "R__views.sql",
  } as AppliedRef];
  assert.match(thrown(() => plan(refs)).message, /no file here: 7_gone, R__views\.sql\./);
  const result = plan(refs, { allowMissing: true });
  assert.deepEqual(result.adopt.map((e) => `${e.version}:${e.name}`), ["001:users", "7:gone"]);
  assert.deepEqual(result.skipped, ["R__views.sql"], "no version to record it by");
});

Deno.test("popx's 14-digit legacy versions stand for the longer versions they start", () => {
  const popx = [
    migration("20191100000001000000", "identities"),
    migration("20191100000001000001", "identities_index"),
    migration("20191100000002000000", "requests"),
  ];
  const result = plan([v("20191100000001", { legacyPrefix: true })], { migrations: popx });
  assert.deepEqual(versions(result.adopt), ["20191100000001000000", "20191100000001000001"]);
  assert.match(
    thrown(() => plan([v("20191100000001")], { migrations: popx })).message,
    /no file here: 20191100000001\./,
    "without the flag a version is only itself",
  );
});

Deno.test("sqitch changes map by name, as a sqitch loader would name its migrations", () => {
  const sqitch = [
    migration("1", "users", "db/deploy/users.sql"),
    migration("2", "posts", "db/deploy/posts.sql"),
  ];
  const byName = (name: string): AppliedRef => ({ by: "name", name, label: name });
  const result = plan([byName("posts")], { migrations: sqitch, tool: "sqitch" });
  assert.deepEqual(result.adopt.map((e) => e.name), ["posts"]);
  assert.match(
    thrown(() => plan([byName("deploy")], { migrations: sqitch, tool: "sqitch" })).message,
    /no file here: deploy\./,
    "the folder of a file is not its name",
  );
});

Deno.test("a Flyway repeatable maps by its description, spaces standing for underscores", () => {
  const flyway = [
    migration("1", "create_users", "db/V1__create_users.sql"),
    migration("R", "refresh_views", "db/R__refresh_views.sql"),
  ];
  const result = plan([v("1"), {
    by: "name",
    name: "refresh views",
    label: "R__refresh_views.sql",
  }], {
    migrations: flyway,
    tool: "flyway",
  });
  assert.deepEqual(result.adopt.map((e) => e.name), ["create_users", "refresh_views"]);
});

Deno.test("Prisma folder names map by their number, or whole when they have none", () => {
  const prisma = [
    migration("0", "init", "prisma/migrations/0_init/migration.sql"),
    migration(
      "20240301100000",
      "add_users",
      "prisma/migrations/20240301100000_add_users/migration.sql",
    ),
    migration("20240302100000", "seed", "prisma/migrations/seed/migration.sql"),
  ];
  const refs: AppliedRef[] = [
    { by: "version", version: "0", name: "init", label: "0_init" },
    {
      by: "version",
      version: "20240301100000",
      name: "add_users",
      label: "20240301100000_add_users",
    },
    { by: "name", name: "seed", label: "seed" },
  ];
  const result = plan(refs, { migrations: prisma, tool: "prisma" });
  assert.deepEqual(versions(result.adopt), ["0", "20240301100000", "20240302100000"]);
});

Deno.test("adopting into a ledger with rows adds only what it lacks and lists the rest", () => {
  const ledger = [row("001", "users"), row("010", "audit")];
  const result = plan([v("1"), v("2")], { ledger });
  assert.deepEqual(versions(result.adopt), ["002"]);
  assert.deepEqual(result.alreadyRecorded, [{ version: "001", name: "users" }]);
  assert.deepEqual(result.onlyInTide, [{ version: "010", name: "audit" }]);
});

Deno.test("a ledger that records a migration as failed, or spelled otherwise, is a conflict", () => {
  const failed = thrown(() => plan([v("1"), v("2")], { ledger: [row("002", "posts", "failed")] }));
  assert.equal(failed.code, "ADOPT_CONFLICT");
  assert.equal(failed.version, "002");
  assert.match(failed.message, /002_posts is recorded there as failed: .*--mark-applied 002/);
  const spelled = thrown(() => plan([v("1")], { ledger: [row("1", "users")] }));
  assert.match(
    spelled.message,
    /db\/001_users\.up\.sql is recorded there as version 1 \(users\): rename the file to version 1/,
  );
});
