import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { connect } from "../drivers/connect.ts";
import { onEachCliDatabase } from "../_test_support/cli_databases.ts";

// No downs: fresh needs none.
const FILES = {
  "001_users.up.sql": "create table users (id int);\n",
  "002_posts.up.sql": "create table posts (id int);\n",
};

async function sql(url: string, text: string): Promise<unknown[]> {
  await using db = await connect(url);
  return await db.query(text);
}

const SCRATCH = "select to_regclass('scratch') is not null as found";

Deno.test("tide fresh drops the schema's objects and applies every migration again", async (t) => {
  await onEachCliDatabase(t, FILES, async ({ url, tide }) => {
    equal((await tide("up", "--to", "001")).code, 0);
    await sql(url, "create table scratch (id int)");

    const dry = await tide("fresh", "--dry-run");
    equal(dry.code, 0, dry.stderr);
    match(dry.stdout, /^Would drop the schema "public" with everything in it \(tide's tracking/m);
    match(dry.stdout, /^-- Would apply: 001_users\ncreate table users/m);
    deepEqual(await sql(url, SCRATCH), [{ found: true }], "a dry run drops nothing");

    const run = await tide("fresh", "--verbose");
    equal(run.code, 0, run.stderr);
    match(run.stdout, /^Applying: 001_users\n {4}create table users \(id int\) {2}-- /m);
    match(run.stdout, /^Dropped the schema "public" with everything in it, then applied 2 /m);
    deepEqual(await sql(url, SCRATCH), [{ found: false }]);
    const status = JSON.parse((await tide("status", "--json")).stdout);
    deepEqual(status.applied.map((e: { version: string }) => e.version), ["001", "002"]);

    const json = JSON.parse((await tide("fresh", "--json")).stdout);
    deepEqual([json.direction, json.dryRun, json.schemas], ["fresh", false, ["public"]]);
    deepEqual(json.migrations.map((m: { version: string }) => m.version), ["001", "002"]);
  });
});

Deno.test("tide fresh is refused on a protected environment without --yes, as down is", async (t) => {
  await onEachCliDatabase(t, FILES, async ({ cwd, url, tide }) => {
    const config = { environments: { shared: { databaseUrl: url, protected: true } } };
    await Deno.writeTextFile(join(cwd, "tide.json"), JSON.stringify(config));
    equal((await tide("up", "--env", "shared")).code, 0);
    await sql(url, "create table scratch (id int)");
    const refused = await tide("fresh", "--env", "shared");
    equal(refused.code, 1);
    match(refused.stderr, /Refusing `tide fresh`: the environment "shared" is marked "protected"/);
    match(refused.stderr, /run it again with --yes/);
    deepEqual(await sql(url, SCRATCH), [{ found: true }]);
    equal(
      (await tide("fresh", "--env", "shared", "--dry-run")).code,
      0,
      "a dry run needs no --yes",
    );
    equal((await tide("fresh", "--env", "shared", "--yes")).code, 0);
    deepEqual(await sql(url, SCRATCH), [{ found: false }]);
  }, ["pglite"]);
});
