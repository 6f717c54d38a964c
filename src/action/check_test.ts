import assert from "node:assert/strict";
import { join } from "node:path";
import { fakeEngine } from "../_test_support/action_fake_engine.ts";
import type { EngineVerifyOptions } from "./engine.ts";
import { checkMigrations } from "./check.ts";
import { readInputs } from "./inputs.ts";
import { loadMigrations } from "../files/load.ts";
import type { ActionIo } from "./io.ts";

async function withWorkspace(fn: (workspace: string) => Promise<void>): Promise<void> {
  const workspace = await Deno.makeTempDir({ prefix: "tide-action-check-" });
  try {
    await Deno.mkdir(join(workspace, "migrations"));
    await Deno.writeTextFile(join(workspace, "migrations/001_a.up.sql"), "create table a ();\n");
    await Deno.writeTextFile(join(workspace, "migrations/001_a.down.sql"), "drop table a;\n");
    await fn(workspace);
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
}

function ioFor(workspace: string, inputs: Record<string, string>, seen: EngineVerifyOptions[]) {
  return {
    workspace,
    getInput: (name: string) => inputs[name] ?? "",
    warning: () => {},
    env: { get: () => undefined },
    engine: {
      ...fakeEngine,
      verifyMigrations: (options: EngineVerifyOptions) => {
        seen.push(options);
        return fakeEngine.verifyMigrations(options);
      },
    },
  } as unknown as ActionIo;
}

Deno.test("checkMigrations() passes the verify-setup file's SQL to the round-trip check", async () => {
  await withWorkspace(async (workspace) => {
    await Deno.writeTextFile(join(workspace, "setup.sql"), "create role app;\n");
    const seen: EngineVerifyOptions[] = [];
    const io = ioFor(workspace, { "verify-setup": "setup.sql" }, seen);
    const plan = await checkMigrations(io, await readInputs(io));
    assert.equal(plan.verdict, "pass");
    assert.deepEqual(seen[0].setup, { path: "setup.sql", sql: "create role app;\n" });
  });
});

Deno.test("checkMigrations() reports a verify-setup file it cannot read as a finding", async () => {
  await withWorkspace(async (workspace) => {
    const seen: EngineVerifyOptions[] = [];
    const io = ioFor(workspace, { "verify-setup": "missing.sql" }, seen);
    const plan = await checkMigrations(io, await readInputs(io));
    assert.equal(plan.verdict, "fail");
    assert.equal(seen.length, 0);
    assert.match(plan.findings[0].message, /Reading the verify-setup file missing\.sql failed/);
    assert.equal(plan.findings[0].file, "missing.sql");
  });
});

Deno.test("checkMigrations() verifies with the config's verify settings, as tide verify does", async () => {
  await withWorkspace(async (workspace) => {
    const seen: EngineVerifyOptions[] = [];
    await Deno.writeTextFile(
      join(workspace, "tide.json"),
      '{ "verify": { "strictData": true, "ignoreColumnOrder": true } }',
    );
    const io = ioFor(workspace, {}, seen);
    await checkMigrations(io, await readInputs(io));
    assert.deepEqual([seen[0].strictData, seen[0].ignoreColumnOrder], [true, true]);
  });
});

Deno.test("checkMigrations() checks the SQL migrations beside a goose Go one, warning of it", async () => {
  const workspace = await Deno.makeTempDir({ prefix: "tide-action-check-" });
  try {
    await Deno.mkdir(join(workspace, "migrations"));
    const sql = "-- +goose Up\ncreate table a ();\n-- +goose Down\ndrop table a;\n";
    await Deno.writeTextFile(join(workspace, "migrations/00001_a.sql"), sql);
    await Deno.writeTextFile(join(workspace, "migrations/00002_backfill.go"), "package m\n");
    const seen: EngineVerifyOptions[] = [];
    const warnings: string[] = [];
    const base = ioFor(workspace, { format: "goose" }, seen);
    const io = {
      ...base,
      warning: (message: string) => warnings.push(message),
      // The goose reading is the real one.
      engine: { ...base.engine, loadMigrations },
    } as ActionIo;
    const plan = await checkMigrations(io, await readInputs(io));
    assert.equal(plan.verdict, "pass");
    assert.deepEqual(seen[0].migrations.map((m) => m.version), ["00001"]);
    assert.match(warnings.join("\n"), /00002_backfill\.go is a code migration/);
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});
