import { deepEqual, doesNotMatch, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { onEachCliDatabase } from "../_test_support/cli_databases.ts";

const USERS = {
  "001_users.up.sql": "create table users (id int, email text);\n",
  "001_users.down.sql": "drop table users;\n",
};

const GRAPH_UP = "ctx.log('mirroring users');\n" +
  "await ctx.sql`CREATE TABLE ${ctx.table('graph_sync')} (user_id int)`;";
const GRAPH_DOWN = "await ctx.sql`DROP TABLE ${ctx.table('graph_sync')}`;";

Deno.test("tide new --ts, up, dry runs, verify and status with a TypeScript migration", async (t) => {
  await onEachCliDatabase(t, USERS, async ({ cwd, tide }) => {
    const created = await tide("new", "graph sync", "--ts");
    equal(created.code, 0, created.stderr);
    const path = join(cwd, "migrations", "002_graph_sync.ts");
    match(created.stdout, /^Created: .*002_graph_sync\.ts$/);
    const template = await Deno.readTextFile(path);
    const bodies = [GRAPH_UP, GRAPH_DOWN];
    const written = template.replace(
      /\{\n {2}\/\/ await [^\n]*\n\}/g,
      () => `{\n${bodies.shift()}\n}`,
    );
    equal(bodies.length, 0, "the template has an example body in up and in down");
    await Deno.writeTextFile(path, written);

    const dry = await tide("up", "--dry-run");
    equal(dry.code, 0, dry.stderr);
    match(
      dry.stdout,
      /^-- Would apply: 002_graph_sync\n-- TypeScript: would run up\(ctx\) of 002_graph_sync\.ts; a dry run does not run it/m,
    );
    doesNotMatch(dry.stderr, /no statement|no-op/, "no warning that it holds no statement");
    const dryJson = JSON.parse((await tide("up", "--dry-run", "--json")).stdout);
    deepEqual(dryJson.migrations[1], {
      version: "002",
      name: "graph_sync",
      durationMs: 0,
      sql: "",
      file: "002_graph_sync.ts",
      downFile: "002_graph_sync.ts",
      code: "typescript",
    });

    const up = await tide("up");
    equal(up.code, 0, up.stderr);
    match(up.stdout, /^ {2}002_graph_sync: mirroring users$/m);
    match(up.stdout, /^Applied: 002_graph_sync in /m);
    // Its down is code in the checksummed file: it cannot change on its own.
    doesNotMatch((await tide("status")).stdout, /down changed/);

    const verify = await tide("verify");
    equal(verify.code, 0, verify.stdout);
    match(
      verify.stdout,
      /^ok +002_graph_sync in .*\n {2}note: 002_graph_sync\.ts is TypeScript: verify checks the PostgreSQL schema it leaves, not what it does elsewhere/m,
    );
    const report = JSON.parse((await tide("verify", "--json")).stdout);
    match(report.migrations[1].note, /is TypeScript: verify checks the PostgreSQL schema/);

    await Deno.rename(path, join(cwd, "002_graph_sync.ts.bak"));
    const status = await tide("status");
    match(status.stdout, /^002 +graph_sync +missing file$/m);
    match(
      status.stderr,
      /002_graph_sync was applied from .*002_graph_sync\.ts, which is gone: its down is TypeScript/,
    );
    const down = await tide("down");
    equal(down.code, 1);
    match(down.stderr, /its down is the function down\(\) of .*002_graph_sync\.ts, which is gone/);
  });
});
