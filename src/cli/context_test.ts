import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import { resolveCliSettings } from "./context.ts";
import type { CliIo } from "./output.ts";

async function withConfig(config: unknown, fn: (cwd: string) => Promise<void>): Promise<void> {
  const cwd = await Deno.makeTempDir({ prefix: "tide-cli-config-" });
  try {
    await Deno.writeTextFile(join(cwd, "tide.json"), JSON.stringify(config));
    await fn(cwd);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

function io(cwd: string, env: Record<string, string> = {}): CliIo {
  const vars = new Map(Object.entries(env));
  return { stdout() {}, stderr() {}, isTerminal: false, env: { get: (k) => vars.get(k) }, cwd };
}

const CONFIG = {
  dir: "db",
  databaseUrl: "postgres://top/app",
  lockWaitMs: 1000,
  environments: {
    staging: { databaseUrl: "postgres://staging/app", schema: "staging_schema" },
    local: { schema: "local_schema" },
  },
};

Deno.test("resolveCliSettings() prefers flags, then the environment, then DATABASE_URL, then the top level", async () => {
  await withConfig(CONFIG, async (cwd) => {
    const env = { DATABASE_URL: "postgres://env-var/app" };
    const flags = await resolveCliSettings({
      env: "staging",
      "database-url": "memory://",
      schema: "s",
    }, io(cwd, env));
    equal(flags.databaseUrl, "memory://");
    equal(flags.schema, "s");
    const staging = await resolveCliSettings({ env: "staging" }, io(cwd, env));
    equal(staging.databaseUrl, "postgres://staging/app");
    equal(staging.schema, "staging_schema");
    const local = await resolveCliSettings({}, io(cwd, { ...env, TIDE_ENV: "local" }));
    equal(local.databaseUrl, "postgres://env-var/app");
    equal(local.schema, "local_schema");
    const top = await resolveCliSettings({}, io(cwd));
    equal(top.databaseUrl, "postgres://top/app");
    equal(top.dir, "db");
    equal(top.lockWaitMs, 1000);
  });
});

Deno.test("resolveCliSettings() fills in the defaults without a config file", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "tide-cli-config-" });
  try {
    const settings = await resolveCliSettings({ "lock-timeout": "5s" }, io(cwd));
    equal(settings.dir, "migrations");
    equal(settings.databaseUrl, undefined);
    equal(settings.schema, "public");
    equal(settings.table, "tide_migrations");
    equal(settings.lockWaitMs, 60_000);
    equal(settings.lockTimeoutMs, 5_000);
    equal(settings.protected, false);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("resolveCliSettings() does not expand an unset ${VAR} in a URL that a flag overrides", async () => {
  await withConfig({ databaseUrl: "${UNSET_TIDE_URL}" }, async (cwd) => {
    const settings = await resolveCliSettings({ "database-url": "memory://" }, io(cwd));
    equal(settings.databaseUrl, "memory://");
    await rejects(resolveCliSettings({}, io(cwd)), MigrationError);
  });
});

Deno.test("resolveCliSettings() rejects an unknown environment with CONFIG_ERROR", async () => {
  await withConfig(CONFIG, async (cwd) => {
    await rejects(resolveCliSettings({ env: "prod" }, io(cwd)), (error) => {
      equal(error instanceof MigrationError && error.code, "CONFIG_ERROR");
      return true;
    });
  });
});

Deno.test("resolveCliSettings() reads the network timeout from --network-timeout and networkTimeoutMs", async () => {
  await withConfig({ networkTimeoutMs: 90_000 }, async (cwd) => {
    equal((await resolveCliSettings({}, io(cwd))).networkTimeoutMs, 90_000);
    const flag = await resolveCliSettings({ "network-timeout": "2m" }, io(cwd));
    equal(flag.networkTimeoutMs, 120_000);
  });
  const cwd = await Deno.makeTempDir({ prefix: "tide-cli-config-" });
  try {
    equal((await resolveCliSettings({}, io(cwd))).networkTimeoutMs, 3_600_000);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("resolveCliSettings() reads the verify group: flags, then environment, then top level", async () => {
  const config = {
    verify: { setup: "db/setup.sql" },
    environments: { strict: { verify: { strictData: true } } },
  };
  await withConfig(config, async (cwd) => {
    const top = await resolveCliSettings({}, io(cwd));
    deepEqual(top.verify, { strictData: false, ignoreColumnOrder: false, setup: "db/setup.sql" });
    const strict = await resolveCliSettings({ env: "strict" }, io(cwd));
    deepEqual(strict.verify, { strictData: true, ignoreColumnOrder: false, setup: "db/setup.sql" });
    const flags = await resolveCliSettings({ "strict-data": true, setup: "other.sql" }, io(cwd));
    deepEqual(flags.verify, { strictData: true, ignoreColumnOrder: false, setup: "other.sql" });
  });
  const cwd = await Deno.makeTempDir({ prefix: "tide-cli-config-" });
  try {
    deepEqual((await resolveCliSettings({}, io(cwd))).verify, {
      strictData: false,
      ignoreColumnOrder: false,
      setup: "",
    });
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("resolveCliSettings() rejects an unknown or mistyped verify setting with CONFIG_ERROR", async () => {
  const cases: [unknown, RegExp][] = [
    [
      { verify: { strict: true } },
      /"verify\.strict" is not a setting \(known: strictData, ignoreColumnOrder, setup\)/,
    ],
    [{ verify: { strictData: "yes" } }, /"verify\.strictData" must be a boolean/],
    [{ verify: true }, /"verify" must be an object/],
    [{ environments: { ci: { verify: [] } } }, /"environments\.ci\.verify" must be an object/],
  ];
  for (const [config, message] of cases) {
    await withConfig(config, async (cwd) => {
      await rejects(resolveCliSettings({}, io(cwd)), (error) => {
        ok(error instanceof MigrationError && error.code === "CONFIG_ERROR");
        match(error.message, message);
        return true;
      });
    });
  }
});
