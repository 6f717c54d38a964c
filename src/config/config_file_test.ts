import assert, { equal, match, rejects } from "node:assert/strict";
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import { loadConfig } from "./config_file.ts";
import { resolveSettings } from "./environments.ts";

async function configWith(text: string): Promise<string> {
  const cwd = await Deno.makeTempDir({ prefix: "tide-config-" });
  await Deno.writeTextFile(join(cwd, "tide.json"), text);
  return cwd;
}

async function refused(text: string, pattern: RegExp): Promise<void> {
  const cwd = await configWith(text);
  try {
    await rejects(loadConfig(cwd), (error) => {
      equal(error instanceof MigrationError && error.code, "CONFIG_ERROR");
      match((error as Error).message, pattern);
      return true;
    });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("loadConfig() refuses durations that are negative, infinite, fractions of a millisecond or above PostgreSQL's limit", async () => {
  await refused(`{ "lockWaitMs": -1 }`, /"lockWaitMs" must not be negative/);
  await refused(`{ "lockWaitMs": 1e999 }`, /"lockWaitMs" must be a finite number/);
  await refused(`{ "lockTimeoutMs": 0.1 }`, /"lockTimeoutMs" .*rounds to 0/);
  await refused(
    `{ "environments": { "p": { "statementTimeoutMs": 99999999999 } } }`,
    /"environments\.p\.statementTimeoutMs" .*at most 2147483647/,
  );
});

Deno.test("loadConfig() refuses schema and table names PostgreSQL cannot hold or tide cannot use", async () => {
  await refused(`{ "schema": "" }`, /"schema" must not be empty/);
  await refused(
    `{ "schema": "pg_catalog" }`,
    /"schema" .*reserved for PostgreSQL's system schemas/,
  );
  await refused(`{ "schema": "${"s".repeat(70)}" }`, /"schema" is 70 bytes long/);
  await refused(`{ "table": "a\\u0000b" }`, /"table" must not contain a NUL/);
  // The log table is <table>_log: 60 bytes of table would need 64.
  await refused(`{ "table": "${"t".repeat(60)}" }`, /"table" .*log table .*64 bytes/);
});

Deno.test("loadConfig() reads a tide.json that starts with a UTF-8 byte order mark", async () => {
  const cwd = await configWith(`\uFEFF{ "dir": "db" }`);
  try {
    equal((await loadConfig(cwd)).dir, "db");
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

async function configOf(body: unknown) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "tide.json"), JSON.stringify(body));
    return await loadConfig(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadConfig() reads lint.rules levels, kept out of the run settings", async () => {
  const config = await configOf({ dir: "db", lint: { rules: { "drop-column": "error" } } });
  assert.deepEqual(config.lint, { rules: { "drop-column": "error" } });
  assert.equal("lint" in resolveSettings(config), false);
});

Deno.test("loadConfig() rejects an unknown lint rule, level or key", async () => {
  for (
    const [lint, message] of [
      [{ rules: { "no-such-rule": "off" } }, /"lint\.rules\.no-such-rule" is not a lint rule/],
      [{ rules: { "drop-column": "fatal" } }, /must be one of off, info, warning, error/],
      [{ levels: {} }, /"lint\.levels" is not a lint setting/],
      ["strict", /"lint" must be an object/],
    ] as const
  ) {
    await assert.rejects(
      configOf({ lint }),
      (error) => error instanceof MigrationError && message.test(error.message),
    );
  }
});
