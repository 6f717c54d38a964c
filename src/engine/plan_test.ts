import assert from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import type { AppliedMigration } from "./ledger.ts";
import type { Migration } from "../files/migration.ts";
import { planDown, planUp } from "./plan.ts";

function migration(version: string, options: { down?: string; checksum?: string } = {}): Migration {
  const path = `migrations/${version}_m${version}`;
  return {
    version,
    name: `m${version}`,
    up: { path: `${path}.up.sql`, sql: `-- up ${version}`, line: 1, column: 1 },
    down: options.down === undefined
      ? { path: `${path}.down.sql`, sql: `-- down ${version}`, line: 1, column: 1 }
      : options.down
      ? { path: `${path}.down.sql`, sql: options.down, line: 1, column: 1 }
      : undefined,
    noTransaction: false,
    checksum: options.checksum ?? `sum${version}`,
  };
}

function applied(version: string, extra: Partial<AppliedMigration> = {}): AppliedMigration {
  return {
    version,
    name: `m${version}`,
    checksum: `sum${version}`,
    checksumAlgorithm: "sha256-lf",
    status: "applied",
    appliedAt: new Date(0),
    executionTimeMs: 1,
    appliedBy: "test",
    downSql: `-- stored down ${version}`,
    downNoTransaction: false,
    error: null,
    ...extra,
  };
}

const files = ["001", "002", "003", "010"].map((v) => migration(v));
const versions = (steps: { version: string }[]) => steps.map((step) => step.version);

Deno.test("planUp() picks pending migrations in version order, up to --to", () => {
  const cases: [string, AppliedMigration[], string | undefined, string[]][] = [
    ["fresh database", [], undefined, ["001", "002", "003", "010"]],
    ["some applied", [applied("001"), applied("002")], undefined, ["003", "010"]],
    ["all applied", files.map((m) => applied(m.version)), undefined, []],
    ["up to a version", [applied("001")], "003", ["002", "003"]],
    ["--to compares numerically", [], "3", ["001", "002", "003"]],
  ];
  for (const [label, rows, to, expected] of cases) {
    assert.deepEqual(
      versions(planUp({ migrations: files, applied: rows }, { to })),
      expected,
      label,
    );
  }
});

Deno.test("planUp() refuses an edited applied migration and names its file", () => {
  assert.throws(
    () => planUp({ migrations: files, applied: [applied("001", { checksum: "old" })] }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, "CHECKSUM_MISMATCH");
      assert.match(error.message, /migrations\/001_m001\.up\.sql/);
      assert.match(error.message, /tide repair --yes/);
      return true;
    },
  );
});

Deno.test("planUp() refuses an applied migration whose file is gone unless --allow-missing", () => {
  const rows = [applied("000"), applied("001")];
  assert.throws(() => planUp({ migrations: files, applied: rows }), {
    name: "MigrationError",
    code: "MISSING_FILE",
    message: /000_m000.*--allow-missing/,
  });
  assert.deepEqual(
    versions(planUp({ migrations: files, applied: rows }, { allowMissing: true })),
    ["002", "003", "010"],
  );
});

Deno.test("planUp() refuses a pending migration older than the newest applied one", () => {
  const rows = [applied("001"), applied("003")];
  assert.throws(() => planUp({ migrations: files, applied: rows }), {
    name: "MigrationError",
    code: "OUT_OF_ORDER",
    message: /002_m002\.up\.sql.*--allow-out-of-order/,
  });
  assert.deepEqual(
    versions(planUp({ migrations: files, applied: rows }, { allowOutOfOrder: true })),
    ["002", "010"],
  );
});

Deno.test("planUp() and planDown() refuse to go on after a half-applied migration", () => {
  const rows = [applied("001"), applied("002", { status: "failed", error: "boom" })];
  for (
    const plan of [
      () => planUp({ migrations: files, applied: rows }),
      () => planDown({ migrations: files, applied: rows }),
    ]
  ) {
    assert.throws(plan, {
      code: "FAILED_MIGRATION",
      message: /tide repair --yes --mark-applied 002.*--mark-rolled-back 002/,
    });
  }
});

Deno.test("planUp() rejects an unknown --to version", () => {
  assert.throws(() => planUp({ migrations: files, applied: [] }, { to: "004" }), {
    code: "UNKNOWN_VERSION",
  });
});

Deno.test("planDown() rolls back the last one by default, by count, down to a version, or all", () => {
  const rows = files.map((m) => applied(m.version));
  const cases: [string, Parameters<typeof planDown>[1], string[]][] = [
    ["default", {}, ["010"]],
    ["count", { count: 2 }, ["010", "003"]],
    ["count beyond what is applied", { count: 9 }, ["010", "003", "002", "001"]],
    ["to a version, which stays applied", { to: "002" }, ["010", "003"]],
    ["all", { all: true }, ["010", "003", "002", "001"]],
  ];
  for (const [label, options, expected] of cases) {
    assert.deepEqual(
      versions(planDown({ migrations: files, applied: rows }, options)),
      expected,
      label,
    );
  }
});

Deno.test("planDown() uses the stored down SQL when the file is gone", () => {
  const [step] = planDown({ migrations: files, applied: [applied("001"), applied("099")] });
  assert.equal(step.version, "099");
  assert.equal(step.migration, undefined);
  assert.equal(step.storedDownSql, "-- stored down 099");
});

Deno.test("planDown() refuses a migration with no down anywhere, before rolling back anything", () => {
  const migrations = [migration("001"), migration("002", { down: "" })];
  const rows = [applied("001"), applied("002", { downSql: null })];
  assert.throws(() => planDown({ migrations, applied: rows }, { all: true }), {
    code: "NO_DOWN",
    message: /002_m002\.up\.sql/,
  });
});

Deno.test("planDown() rejects a --to version that is not applied", () => {
  assert.throws(() => planDown({ migrations: files, applied: [applied("001")] }, { to: "003" }), {
    code: "UNKNOWN_VERSION",
  });
});

Deno.test("planUp() says so when a row was recorded with another checksum algorithm", () => {
  const rows = [applied("001", { checksumAlgorithm: "md5" })];
  assert.throws(() => planUp({ migrations: files, applied: rows }), {
    code: "CHECKSUM_MISMATCH",
    message: /"md5".*tide repair --yes/,
  });
});

Deno.test("every refusal of the planner is a MigrationError with the refusal's code", () => {
  const half = [applied("001"), applied("002", { status: "failed", error: "boom" })];
  const noDown = [migration("001", { down: "" })];
  const cases: [string, () => unknown][] = [
    [
      "CHECKSUM_MISMATCH",
      () => planUp({ migrations: files, applied: [applied("001", { checksum: "x" })] }),
    ],
    ["MISSING_FILE", () => planUp({ migrations: files, applied: [applied("000")] })],
    [
      "OUT_OF_ORDER",
      () => planUp({ migrations: files, applied: [applied("001"), applied("003")] }),
    ],
    ["FAILED_MIGRATION", () => planUp({ migrations: files, applied: half })],
    ["FAILED_MIGRATION", () => planDown({ migrations: files, applied: half })],
    ["UNKNOWN_VERSION", () => planUp({ migrations: files, applied: [] }, { to: "004" })],
    ["UNKNOWN_VERSION", () => planDown({ migrations: files, applied: [] }, { to: "001" })],
    [
      "NO_DOWN",
      () => planDown({ migrations: noDown, applied: [applied("001", { downSql: null })] }),
    ],
  ];
  for (const [code, plan] of cases) {
    assert.throws(plan, (error) => error instanceof MigrationError && error.code === code, code);
  }
});
