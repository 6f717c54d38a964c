import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { onEachCliDatabase } from "../_test_support/cli_databases.ts";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";

const APP = {
  "001_orders.up.sql": "-- tide:requires auth:002\ncreate table orders (user_id int);\n",
  "001_orders.down.sql": "drop table orders;\n",
};
const AUTH = {
  "001_users.up.sql": "create table users (id int);\n",
  "001_users.down.sql": "drop table users;\n",
  "002_tokens.up.sql": "create table tokens (user_id int);\n",
  "002_tokens.down.sql": "drop table tokens;\n",
};

async function addAuth(cwd: string): Promise<void> {
  await Deno.mkdir(join(cwd, "vendor", "auth"), { recursive: true });
  for (const [name, text] of Object.entries(AUTH)) {
    await Deno.writeTextFile(join(cwd, "vendor", "auth", name), text);
  }
  const config = { module: "app", modules: { auth: "vendor/auth" } };
  await Deno.writeTextFile(join(cwd, "tide.json"), JSON.stringify(config));
}

Deno.test("with modules in the config, up applies them with the app's in a valid order; down refuses what is required", async (t) => {
  await onEachCliDatabase(t, APP, async ({ cwd, tide }) => {
    await addAuth(cwd);
    const alone = await tide("up", "--module", "app");
    equal(alone.code, 1);
    match(
      alone.stderr,
      /001_orders\.up\.sql: it requires auth:002, which is not applied\. Apply module auth first: `tide up --module auth`/,
    );

    const dry = JSON.parse((await tide("up", "--dry-run", "--json")).stdout);
    const labels = dry.migrations.map((m: { module: string; version: string }) =>
      `${m.module}:${m.version}`
    );
    deepEqual(labels, ["auth:001", "auth:002", "app:001"]);
    const up = await tide("up");
    equal(up.code, 0, up.stderr);
    match(
      up.stdout,
      /^Applied: auth:001_users in .*\n(?:.*\n)*Applied: auth:002_tokens in .*\n(?:.*\n)*Applied: app:001_orders in /m,
    );

    const status = JSON.parse((await tide("status", "--module", "auth", "--json")).stdout);
    deepEqual(status.applied.map((e: { version: string }) => e.version), ["001", "002"]);
    const down = await tide("down", "--module", "auth");
    equal(down.code, 1);
    match(down.stderr, /Cannot roll back auth:002: app's applied 001_orders requires it/);
    equal((await tide("down", "--module", "app")).code, 0);
    equal((await tide("down", "--module", "auth")).code, 0);
    match((await tide("up", "--module", "app")).stderr, /requires auth:002, which is not applied/);
  });
});

/** Orders that reference auth's users, and note a domain the verify setup creates. */
const ORDERS = "-- tide:requires auth:001\n" +
  "create table orders (user_id int references users (id), note note_text);\n";
const USERS = { "001_users.up.sql": "create table users (id int primary key);\n" };
const SETUP = "create domain note_text as text;\n";

/**
 * Runs `fn` in a project of module app (`app` files in migrations/) with module auth in
 * vendor/auth (`auth` files) in the config, and the verify setup `setup` when given.
 */
async function withModules(
  files: { app: Record<string, string>; auth: Record<string, string>; setup?: string },
  fn: (cwd: string) => Promise<void>,
): Promise<void> {
  const cwd = await makeProject(files.app);
  try {
    await Deno.mkdir(join(cwd, "vendor", "auth"), { recursive: true });
    for (const [name, text] of Object.entries(files.auth)) {
      await Deno.writeTextFile(join(cwd, "vendor", "auth", name), text);
    }
    if (files.setup !== undefined) await Deno.writeTextFile(join(cwd, "setup.sql"), files.setup);
    const config = {
      module: "app",
      modules: { auth: "vendor/auth" },
      ...(files.setup === undefined ? {} : { verify: { setup: "setup.sql" } }),
    };
    await Deno.writeTextFile(join(cwd, "tide.json"), JSON.stringify(config));
    await fn(cwd);
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
}

Deno.test("verify applies, once and unverified, what the verified migrations require of other modules", async () => {
  const app = {
    // Needs auth's tables: alone, its up fails with `relation "users" does not exist`.
    "001_orders.up.sql": "-- tide:requires auth:002\n" +
      "create table orders (user_id int references users (id));\n" +
      "insert into tokens (user_id) values (1);\n",
    "001_orders.down.sql": "delete from tokens;\ndrop table orders;\n",
  };
  const auth = { ...AUTH, ...USERS, "003_broken.up.sql": "this is not sql;\n" }; // 003: never run
  await withModules({ app, auth }, async (cwd) => {
    for (const args of [[], ["--module", "app"]]) {
      const run = await runCli(["verify", ...args], { cwd });
      equal(run.code, 0, run.stdout + run.stderr);
      match(
        run.stdout,
        /^apply auth:001_users \(required; not verified here\)\napply auth:002_tokens \(required; not verified here\)\nok {4}001_orders in /m,
      );
      match(run.stdout, /1 verified, 1 passed, 0 failed/);
    }
  });
});

Deno.test("generate-down runs the verify setup and applies what the migrations require of other modules first", async () => {
  await withModules(
    { app: { "001_orders.up.sql": ORDERS }, auth: USERS, setup: SETUP },
    async (cwd) => {
      const run = await runCli(["generate-down", "--dry-run", "--json"], { cwd });
      equal(run.code, 0, run.stdout + run.stderr);
      const [down] = JSON.parse(run.stdout).migrations;
      equal(down.status, "proven", run.stdout);
      match(down.sql, /DROP TABLE .*orders/i);
    },
  );
});

Deno.test("lint runs the verify setup and applies what the migrations require of other modules, unlinted", async () => {
  const app = { "001_orders.up.sql": ORDERS, "001_orders.down.sql": "drop table orders;\n" };
  await withModules({ app, auth: USERS, setup: SETUP }, async (cwd) => {
    const run = await runCli(["lint", "--all", "--json"], { cwd });
    const report = JSON.parse(run.stdout);
    deepEqual(report.migrations.map((m: { version: string }) => m.version), ["001"], run.stdout);
    equal(JSON.stringify(report).includes("does not exist"), false, run.stdout);
  });
});

Deno.test("with modules in the config, drift builds every module's applied migrations: no false drift", async (t) => {
  await onEachCliDatabase(t, APP, async ({ cwd, tide }) => {
    await addAuth(cwd);
    equal((await tide("up")).code, 0);
    for (const args of [[], ["--module", "app"]]) {
      const drift = await tide("drift", "--json", ...args);
      equal(drift.code, 0, drift.stdout + drift.stderr);
      equal(JSON.parse(drift.stdout).drift, false, drift.stdout);
    }
  }, ["pglite"]);
});

Deno.test("with modules in the config, dump, diff and new --to build every module's migrations", async () => {
  const app = {
    "001_orders.up.sql": "-- tide:requires auth:001\n" +
      "create table orders (user_id int references users (id));\n",
    "001_orders.down.sql": "drop table orders;\n",
  };
  await withModules({ app, auth: USERS }, async (cwd) => {
    const dump = await runCli(["dump", "--out", "schema.sql"], { cwd });
    equal(dump.code, 0, dump.stderr);
    const schema = await Deno.readTextFile(join(cwd, "schema.sql"));
    match(schema, /^CREATE TABLE public\.orders \(/m);
    match(schema, /^CREATE TABLE public\.users \(/m);
    const same = await runCli(["diff", "--to", "schema.sql"], { cwd });
    equal(same.code, 0, same.stdout + same.stderr);
    await Deno.writeTextFile(
      join(cwd, "schema.sql"),
      `${schema}\nCREATE TABLE public.notes (id integer);\n`,
    );
    const drafted = await runCli(["new", "notes", "--to", "schema.sql"], { cwd });
    equal(drafted.code, 0, drafted.stdout + drafted.stderr);
    const up = await Deno.readTextFile(join(cwd, "migrations", "002_notes.up.sql"));
    match(up, /CREATE TABLE .*notes/i);
    equal(/users/.test(up), false, up);
  });
});
