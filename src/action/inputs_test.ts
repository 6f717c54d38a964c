import assert from "node:assert/strict";
import { join } from "node:path";
import { MigrationError, UsageError } from "../errors.ts";
import { parseFailOn, readInputs } from "./inputs.ts";

function io(inputs: Record<string, string>, workspace = "/ws", vars: Record<string, string> = {}) {
  return {
    workspace,
    getInput: (name: string) => inputs[name] ?? "",
    env: { get: (name: string) => vars[name] },
  };
}

Deno.test("readInputs() resolves dir against the workspace and working-directory", async () => {
  assert.equal((await readInputs(io({}))).dir, "/ws/migrations");
  assert.equal(
    (await readInputs(io({ "working-directory": "app", dir: "db/sql" }))).dir,
    "/ws/app/db/sql",
  );
  assert.equal((await readInputs(io({ dir: "/abs/migrations" }))).dir, "/abs/migrations");
});

Deno.test("readInputs() defaults to the check mode with a comment and every finding failing", async () => {
  const inputs = await readInputs(io({}));
  assert.equal(inputs.mode, "check");
  assert.equal(inputs.comment, true);
  assert.equal(inputs.failOn.size, 5);
});

Deno.test("readInputs() rejects an unknown mode and a non-boolean comment", async () => {
  await assert.rejects(readInputs(io({ mode: "deploy" })), (e) => e instanceof MigrationError);
  await assert.rejects(readInputs(io({ comment: "sometimes" })), /comment is "sometimes"/);
  assert.equal((await readInputs(io({ comment: "false" }))).comment, false);
});

Deno.test("readInputs() requires database-url in the apply mode", async () => {
  await assert.rejects(readInputs(io({ mode: "apply" })), /needs database-url/);
  await assert.rejects(readInputs(io({ mode: "plan" })), /needs database-url/);
});

Deno.test("parseFailOn() reads a comma list and rejects an unknown finding", () => {
  assert.deepEqual([...parseFailOn(" edited , deleted ")], ["edited", "deleted"]);
  assert.throws(() => parseFailOn("edited,typo"), /unknown finding\(s\) typo/);
});

Deno.test("parseFailOn() accepts lint, which an empty fail-on leaves out", () => {
  assert.deepEqual([...parseFailOn("round-trip,lint")], ["round-trip", "lint"]);
  assert.equal(parseFailOn("").has("lint"), false);
});

Deno.test("readInputs() resolves verify-setup against the working directory", async () => {
  assert.equal((await readInputs(io({}))).verifySetup, undefined);
  const inputs = await readInputs(
    io({ "working-directory": "app", "verify-setup": "db/setup.sql" }),
  );
  assert.equal(inputs.verifySetup, "/ws/app/db/setup.sql");
});

Deno.test("readInputs() reads the project's tide.json in the working directory, inputs overriding it", async () => {
  const workspace = await Deno.makeTempDir({ prefix: "tide-inputs-" });
  try {
    await Deno.mkdir(join(workspace, "app"));
    await Deno.writeTextFile(
      join(workspace, "app", "tide.json"),
      JSON.stringify({
        dir: "db/migrations",
        table: "schema_migrations",
        lockTimeoutMs: 1000,
        environments: { production: { databaseUrl: "${PROD_URL}", schema: "app" } },
      }),
    );
    const vars = { PROD_URL: "postgres://app@db/app" };
    const fromConfig = await readInputs(io(
      { mode: "apply", "working-directory": "app", environment: "production" },
      workspace,
      vars,
    ));
    assert.equal(fromConfig.dir, join(workspace, "app", "db", "migrations"));
    assert.equal(fromConfig.settings.table, "schema_migrations");
    assert.equal(fromConfig.settings.lockTimeoutMs, 1000);
    assert.equal(fromConfig.databaseUrl, "postgres://app@db/app");
    assert.equal(fromConfig.schema, "app");
    const overridden = await readInputs(io(
      {
        mode: "apply",
        "working-directory": "app",
        environment: "production",
        table: "tide_migrations",
        "lock-timeout": "5s",
        "statement-timeout": "1m",
        "allow-out-of-order": "true",
      },
      workspace,
      vars,
    ));
    assert.equal(overridden.settings.table, "tide_migrations");
    assert.equal(overridden.settings.lockTimeoutMs, 5000);
    assert.equal(overridden.settings.statementTimeoutMs, 60_000);
    assert.equal(overridden.settings.allowOutOfOrder, true);
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});

Deno.test("readInputs() reads the config input relative to the working directory, and names bad inputs", async () => {
  const workspace = await Deno.makeTempDir({ prefix: "tide-inputs-" });
  try {
    await Deno.writeTextFile(
      join(workspace, "deploy.json"),
      JSON.stringify({ table: "x_migrations" }),
    );
    const inputs = await readInputs(io({ config: "deploy.json" }, workspace));
    assert.equal(inputs.settings.table, "x_migrations");
    await assert.rejects(
      readInputs(io({ config: "deploy.json", "lock-timeout": "soon" }, workspace)),
      (e) => e instanceof UsageError && /The input lock-timeout takes a duration/.test(e.message),
    );
    await assert.rejects(
      readInputs(io({ config: "missing.json" }, workspace)),
      (e) => e instanceof MigrationError && e.code === "CONFIG_ERROR",
    );
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});
