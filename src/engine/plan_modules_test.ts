import assert from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { AppliedMigration } from "./ledger.ts";
import { type ModuleInput, type ModuleRow, planModulesUp, refuseRequired } from "./plan_modules.ts";

/** `module:version` or `module:version<req,req` (the migration and what it requires). */
function migration(spec: string): Migration {
  const [self, reqs = ""] = spec.split("<");
  const [module, version] = self.split(":");
  const requires = reqs.split(",").filter(Boolean).map((r) => {
    const [m, v] = r.split(":");
    return { module: m, version: v };
  });
  return {
    version,
    name: `m${version}`,
    up: { path: `${module || "app"}/${version}_m${version}.up.sql`, sql: "", line: 1, column: 1 },
    noTransaction: false,
    checksum: `sum${module}${version}`,
    ...(requires.length > 0 ? { requires } : {}),
  };
}

function row(spec: string, extra: Partial<AppliedMigration> = {}): ModuleRow {
  const m = migration(spec);
  const [self, reqs = ""] = spec.split("<");
  return {
    module: self.split(":")[0],
    version: m.version,
    name: m.name,
    checksum: m.checksum,
    checksumAlgorithm: "sha256-lf",
    status: "applied",
    appliedAt: new Date(0),
    executionTimeMs: 1,
    appliedBy: "test",
    downSql: null,
    downNoTransaction: false,
    error: null,
    requires: reqs.split(",").filter(Boolean),
    ...extra,
  };
}

/** Modules from specs; rows of a module in the run are its applied migrations. */
function modules(specs: string[], rows: ModuleRow[]): ModuleInput[] {
  const names = [...new Set(specs.map((s) => s.split(":")[0]))];
  return names.map((module) => ({
    module,
    migrations: specs.filter((s) => s.split(":")[0] === module).map(migration),
    applied: rows.filter((r) => r.module === module),
  }));
}

const order = (steps: { module: string; version: string }[]) =>
  steps.map((s) => `${s.module}:${s.version}`);

Deno.test("planModulesUp() orders the steps of several modules so every requirement comes first", () => {
  const cases: [string, string[], ModuleRow[], ModuleRow[], string[]][] = [
    ["no requirement: module by module", ["app:001", "auth:001"], [], [], [
      "app:001",
      "auth:001",
    ]],
    ["app waits for auth", ["app:001<auth:002", "auth:001", "auth:002"], [], [], [
      "auth:001",
      "auth:002",
      "app:001",
    ]],
    ["interleaved", ["app:001", "app:002<auth:001", "auth:001", "auth:002<app:001"], [], [], [
      "app:001",
      "auth:001",
      "app:002",
      "auth:002",
    ]],
    [
      "already applied in the run's module",
      ["app:001<auth:1", "auth:001", "auth:002"],
      [
        row("auth:001"),
      ],
      [],
      ["app:001", "auth:002"],
    ],
    ["applied by a module outside the run", ["app:001<billing:003"], [], [row("billing:003")], [
      "app:001",
    ]],
    ["the default module", [":001", "auth:001<:001"], [], [], [":001", "auth:001"]],
  ];
  for (const [label, specs, rows, elsewhere, expected] of cases) {
    assert.deepEqual(order(planModulesUp(modules(specs, rows), elsewhere)), expected, label);
  }
});

Deno.test("planModulesUp() refuses a requirement nothing meets, naming what to run first", () => {
  const cases: [string, string[], ModuleRow[], RegExp][] = [
    [
      "module outside the run",
      ["app:001<auth:003"],
      [],
      /app\/001_m001\.up\.sql: it requires auth:003, which is not applied\. Apply module auth first: `tide up --module auth`/,
    ],
    [
      "a failed row does not count",
      ["app:001<auth:003"],
      [row("auth:003", { status: "failed" })],
      /requires auth:003, which is not applied/,
    ],
    [
      "a version the module does not have",
      ["app:001<auth:009", "auth:001"],
      [],
      /requires auth:009, which is not applied/,
    ],
    [
      "a cycle",
      ["app:001<auth:001", "auth:001<app:001"],
      [],
      /only planned after it: the requirements form a cycle/,
    ],
  ];
  for (const [label, specs, elsewhere, expected] of cases) {
    assert.throws(
      () => planModulesUp(modules(specs, []), elsewhere),
      (error) =>
        error instanceof MigrationError && error.code === "UNMET_REQUIREMENT" &&
        expected.test(error.message),
      label,
    );
  }
});

Deno.test("planModulesUp() gives --to to the first module only, and keeps each module's refusals", () => {
  const specs = ["app:001", "app:002", "auth:001", "auth:002"];
  assert.deepEqual(order(planModulesUp(modules(specs, []), [], { to: "001" })), [
    "app:001",
    "auth:001",
    "auth:002",
  ]);
  const edited = [row("auth:001", { checksum: "old" })];
  assert.throws(() => planModulesUp(modules(specs, edited), []), { code: "CHECKSUM_MISMATCH" });
});

Deno.test("planModulesUp() counts --count over the whole run, not per module", () => {
  const specs = ["app:001<auth:001", "app:002", "auth:001", "auth:002"];
  assert.deepEqual(order(planModulesUp(modules(specs, []), [], { count: 2 })), [
    "auth:001",
    "app:001",
  ]);
  assert.deepEqual(order(planModulesUp(modules(specs, []), [], { count: 1 })), ["auth:001"]);
});

Deno.test("refuseRequired() refuses to roll back what another module's applied migration requires", () => {
  const requiring = [row("billing:002<auth:003,auth:004"), row(":005<auth:001")];
  const cases: [string, string, string[], RegExp | undefined][] = [
    ["required by billing", "auth", ["004", "003"], /billing's applied 002_m002 requires it/],
    ["compared as versions", "auth", ["3"], /billing's applied 002_m002/],
    ["required by the default module", "auth", ["001"], /the default module's applied 005_m005/],
    ["nothing requires it", "auth", ["002"], undefined],
    ["another module's own versions", "billing", ["003"], undefined],
  ];
  for (const [label, module, versions, expected] of cases) {
    if (expected === undefined) {
      refuseRequired(module, versions, requiring);
      continue;
    }
    assert.throws(
      () => refuseRequired(module, versions, requiring),
      (error) =>
        error instanceof MigrationError && error.code === "STILL_REQUIRED" &&
        expected.test(error.message),
      label,
    );
  }
});
