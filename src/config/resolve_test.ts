import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { resolveRunSettings, type SettingValues } from "./resolve.ts";

async function inProject(
  config: unknown,
  fn: (cwd: string) => Promise<void>,
  file = "tide.json",
): Promise<void> {
  const cwd = await Deno.makeTempDir({ prefix: "tide-resolve-" });
  try {
    await Deno.writeTextFile(join(cwd, file), JSON.stringify(config));
    await fn(cwd);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

const env = (vars: Record<string, string> = {}) => new Map(Object.entries(vars));

Deno.test("resolveRunSettings() says where the database URL came from", async () => {
  const config = {
    databaseUrl: "postgres://top/app",
    environments: { prod: { databaseUrl: "postgres://prod/app" }, dev: {} },
  };
  await inProject(config, async (cwd) => {
    const resolve = (values: SettingValues, vars = {}, environment?: string) =>
      resolveRunSettings({ values, cwd, env: env(vars), environment });
    const vars = { DATABASE_URL: "postgres://var/app" };
    assert.equal((await resolve({ "database-url": "memory://" }, vars)).databaseUrlSource, "flag");
    assert.equal((await resolve({}, vars, "prod")).databaseUrlSource, "environment");
    assert.equal((await resolve({}, vars, "dev")).databaseUrlSource, "DATABASE_URL");
    const top = await resolve({});
    assert.equal(top.databaseUrlSource, "config");
    assert.equal(top.configFile, join(cwd, "tide.json"));
  });
});

Deno.test("resolveRunSettings() gives no URL and no source when nothing names a database", async () => {
  await inProject({ table: "schema_migrations" }, async (cwd) => {
    const settings = await resolveRunSettings({ values: {}, cwd, env: env() });
    assert.equal(settings.databaseUrl, undefined);
    assert.equal(settings.databaseUrlSource, undefined);
    assert.equal(settings.table, "schema_migrations");
  });
});

Deno.test("resolveRunSettings() reads the tide key of deno.json like tide.json", async () => {
  await inProject({ name: "@acme/app", tide: { table: "schema_migrations" } }, async (cwd) => {
    const settings = await resolveRunSettings({ values: {}, cwd, env: env() });
    assert.equal(settings.table, "schema_migrations");
  }, "deno.json");
});

Deno.test("resolveRunSettings() refuses an empty value given, and takes an explicit false", async () => {
  await inProject({ schema: "app", allowOutOfOrder: true }, async (cwd) => {
    const settings = await resolveRunSettings({
      values: { "allow-out-of-order": false },
      cwd,
      env: env(),
    });
    assert.equal(settings.schema, "app");
    assert.equal(settings.allowOutOfOrder, false);
    // `--schema ""` is a mistake, not "use the default": front ends leave out what was not given.
    await assert.rejects(
      resolveRunSettings({ values: { schema: "" }, cwd, env: env() }),
      (error) => error instanceof UsageError && /--schema must not be empty/.test(error.message),
    );
  });
});

Deno.test("resolveRunSettings() names a bad duration the way its caller labels it", async () => {
  await inProject({}, async (cwd) => {
    await assert.rejects(
      resolveRunSettings({
        values: { "statement-timeout": "later" },
        cwd,
        env: env(),
        label: (flag) => `the input ${flag}`,
      }),
      (error) =>
        error instanceof UsageError && /^the input statement-timeout takes/.test(error.message),
    );
  });
});

Deno.test("resolveRunSettings() reads an explicit config file relative to cwd", async () => {
  await inProject({ dir: "db/migrations" }, async (cwd) => {
    const settings = await resolveRunSettings({
      values: {},
      configFile: "settings.json",
      cwd,
      env: env({ TIDE_ENV: "" }),
    });
    assert.equal(settings.dir, "db/migrations");
  }, "settings.json");
});
