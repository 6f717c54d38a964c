import assert from "node:assert/strict";
import type { Row } from "../../drivers/driver.ts";
import { thrown } from "../../_test_support/thrown.ts";
import type { AdoptTool, AppliedRef, ReadOptions } from "./source.ts";
import { ADOPT_SOURCES } from "./sources.ts";

const T1 = new Date("2024-03-01T10:00:00Z");
const T2 = new Date("2024-03-02T10:00:00Z");

/** What a reader makes of some rows: the refs, shortened to `by:key`. */
function read(tool: AdoptTool, rows: Row[], options: ReadOptions = {}): string[] {
  return ADOPT_SOURCES[tool].interpret(rows, options).map(short);
}

function short(ref: AppliedRef): string {
  if (ref.by === "name") return `name:${ref.name}`;
  if (ref.by === "through") return `through:${ref.version}${ref.fileRequired ? "" : "?"}`;
  return `version:${ref.version}${ref.legacyPrefix ? "*" : ""}`;
}

function refusal(tool: AdoptTool, rows: Row[], options: ReadOptions = {}): string {
  const error = thrown(() => ADOPT_SOURCES[tool].interpret(rows, options));
  return `${error.code}: ${error.message}`;
}

Deno.test("golang-migrate's one row means every migration up to its version", () => {
  assert.deepEqual(read("golang-migrate", []), []);
  assert.deepEqual(read("golang-migrate", [{ version: "3", dirty: false }]), ["through:3"]);
  assert.deepEqual(read("golang-migrate", [{ version: "-1", dirty: false }]), []);
});

Deno.test("golang-migrate's dirty flag and a second row are refused with what to do", () => {
  assert.match(
    refusal("golang-migrate", [{ version: "4", dirty: true }]),
    /^ADOPT_DIRTY: .*version 4 dirty.*`migrate force V`/,
  );
  assert.match(refusal("golang-migrate", [{ version: "-1", dirty: true }]), /^ADOPT_DIRTY/);
  assert.match(
    refusal("golang-migrate", [{ version: "3", dirty: false }, { version: "4", dirty: false }]),
    /^ADOPT_INCONSISTENT: .*2 rows \(versions 3, 4\)/,
  );
});

Deno.test("goose counts a version applied when its latest row (by id) says so", () => {
  const rows = [
    { version: "0", isApplied: true, appliedAt: T1 },
    { version: "1", isApplied: true, appliedAt: T1 },
    { version: "2", isApplied: true, appliedAt: T1 },
    { version: "3", isApplied: true, appliedAt: T1 },
    { version: "3", isApplied: false, appliedAt: T2 },
    { version: "2", isApplied: false, appliedAt: T2 },
    { version: "2", isApplied: true, appliedAt: T2 },
  ];
  assert.deepEqual(read("goose", rows), ["version:1", "version:2"]);
  const [, two] = ADOPT_SOURCES.goose.interpret(rows, {});
  assert.deepEqual(two.appliedAt, T2, "the latest run's time");
});

Deno.test("dbmate, Diesel and popx list each applied version; others are refused", () => {
  assert.deepEqual(read("dbmate", [{ version: "20240301100000" }]), ["version:20240301100000"]);
  assert.match(refusal("dbmate", [{ version: "abc" }]), /^ADOPT_INCONSISTENT: .*"abc"/);
  assert.deepEqual(read("diesel", [{ version: "00000000000000", appliedAt: T1 }]), [
    "version:00000000000000",
  ]);
  assert.match(refusal("diesel", [{ version: "2019-11-11", appliedAt: T1 }]), /INCONSISTENT/);
  assert.deepEqual(
    read("popx", [{ version: "20191100000001" }, { version: "20200101000000000" }]),
    [
      "version:20191100000001*",
      "version:20200101000000000",
    ],
  );
});

Deno.test("Flyway: the latest run of each migration decides, baselines count, undo takes back", () => {
  const row = (rank: number, version: string | null, type: string, description = "d") => ({
    rank,
    version,
    description,
    type,
    script: version === null ? `R__${description}.sql` : `V${version}__${description}.sql`,
    success: true,
    appliedAt: T1,
  });
  const rows = [
    row(0, null, "SCHEMA", "<< Flyway Schema Creation >>"),
    row(1, "1", "BASELINE", "<< Flyway Baseline >>"),
    row(2, "1.1", "SQL"),
    row(3, "2", "SQL"),
    row(4, null, "SQL", "refresh views"),
    row(5, "3", "SQL"),
    row(6, "3", "UNDO_SQL"),
    row(7, "4", "SQL"),
    row(8, "4", "DELETE"),
    row(9, null, "SQL", "refresh views"),
  ];
  assert.deepEqual(read("flyway", rows), [
    "through:1?",
    "version:1.1",
    "version:2",
    "name:refresh views",
  ]);
});

Deno.test("a failed Flyway row is refused until `flyway repair`", () => {
  const failed = {
    rank: 3,
    version: "3",
    description: "x",
    type: "SQL",
    script: "V3__x.sql",
    success: false,
    appliedAt: T1,
  };
  assert.match(refusal("flyway", [failed]), /^ADOPT_DIRTY: .*V3__x\.sql \(rank 3\).*flyway repair/);
});

Deno.test("sqlx lists its rows; a row with success = false is refused", () => {
  const ok = { version: "20240301100000", description: "users", success: true, appliedAt: T1 };
  assert.deepEqual(read("sqlx", [ok]), ["version:20240301100000"]);
  assert.match(
    refusal("sqlx", [ok, { ...ok, version: "20240302100000", success: false }]),
    /^ADOPT_DIRTY: .*20240302100000 \(users\) applied partway/,
  );
});

Deno.test("node-pg-migrate and Prisma names match by their number, else by the whole name", () => {
  assert.deepEqual(
    read("node-pg-migrate", [
      { name: "1700000000000_add-users", appliedAt: T1 },
      { name: "seed", appliedAt: T1 },
    ]),
    ["version:1700000000000", "name:seed"],
  );
  const prisma = (name: string, finishedAt: Date | null, rolledBack = false) => ({
    name,
    finishedAt,
    rolledBack,
    logs: null,
  });
  assert.deepEqual(
    read("prisma", [
      prisma("0_init", T1),
      prisma("20240301100000_add_users", null, true),
      prisma("20240301100000_add_users", T2),
      prisma("20240302100000_add_index", null, true),
    ]),
    ["version:0", "version:20240301100000"],
    "a rolled-back attempt counts for nothing, a later successful one does",
  );
});

Deno.test("a failed Prisma migration is refused with the resolve commands and its error", () => {
  const failed = {
    name: "20240301100000_add_users",
    finishedAt: null,
    rolledBack: false,
    logs: 'relation "users" already exists\nmore',
  };
  assert.match(
    refusal("prisma", [failed]),
    /^ADOPT_DIRTY: .*20240301100000_add_users \(relation "users" already exists\).*migrate resolve --applied/,
  );
});

Deno.test("sqitch adopts the deployed changes of its one project, or of --from-project", () => {
  const change = (name: string, project: string) => ({ change: name, project, appliedAt: T1 });
  assert.deepEqual(read("sqitch", [change("users", "app"), change("posts", "app")]), [
    "name:users",
    "name:posts",
  ]);
  const two = [change("users", "app"), change("jobs", "queue")];
  assert.match(refusal("sqitch", two), /^ADOPT_INCONSISTENT: .*several projects \(app, queue\)/);
  assert.deepEqual(read("sqitch", two, { project: "queue" }), ["name:jobs"]);
  assert.match(refusal("sqitch", two, { project: "ap" }), /no deployed change of project "ap"/);
  assert.deepEqual(read("sqitch", []), []);
});
