import { deepEqual, equal, match } from "node:assert/strict";
import { onEachCliDatabase } from "../_test_support/cli_databases.ts";

const FILES = {
  "001_users.up.sql": "create table users (id int);\n",
  "001_users.down.sql": "drop table users;\n",
  "002_accounts.up.sql": "create table accounts (id int);\n",
  "002_accounts.down.sql": "drop table accounts;\n",
  "003_email.up.sql": "alter table users add column email text;\n",
  "003_email.down.sql": "alter table users drop column email;\n",
  "004_owner.up.sql": "alter table accounts add column owner int;\n",
};

Deno.test("tide down --only V rolls back one older migration once a PGlite copy shows it safe", async (t) => {
  await onEachCliDatabase(t, FILES, async ({ tide }) => {
    equal((await tide("up")).code, 0);

    const refused = await tide("down", "--only", "002", "--json");
    equal(refused.code, 1);
    const error = JSON.parse(refused.stdout).error;
    equal(error.code, "UNSAFE_ROLLBACK");
    match(
      error.message,
      /table public\.accounts removed \(which later migrations changed: column public\.accounts\.owner added\)/,
    );

    const run = await tide("down", "--only", "001", "--json");
    equal(run.code, 1, "001's table was changed by 003");

    const dry = await tide("down", "--only", "003", "--dry-run");
    equal(dry.code, 0, dry.stderr);
    match(dry.stdout, /^-- Would roll back: 003_email\nalter table users drop column email;/m);

    const done = await tide("down", "--only", "003");
    equal(done.code, 0, done.stderr);
    match(done.stdout, /^Rolled back: 003_email in /m);
    const status = await tide("status");
    match(status.stdout, /^003 +email +pending \(out of order\)$/m);
    match(status.stdout, /^004 +owner +applied /m);
    const versions = status.stdout.split("\n").filter((line) => /^\d{3} /.test(line));
    deepEqual(versions.map((line) => line.slice(0, 3)), ["001", "002", "003", "004"]);
    const json = JSON.parse((await tide("status", "--json")).stdout);
    deepEqual(json.pending, [{
      version: "003",
      name: "email",
      file: "003_email.up.sql",
      downFile: "003_email.down.sql",
      outOfOrder: true,
    }]);
    const history = await tide("history");
    match(history.stdout, /\bdown +003_email +success/);

    equal((await tide("down", "--only", "002", "--force")).code, 0, "--force skips the check");
    deepEqual(
      JSON.parse((await tide("status", "--json")).stdout).applied.map((e: { version: string }) =>
        e.version
      ),
      ["001", "004"],
    );
  });
});

Deno.test("tide down --only refuses to go with --count, and --force without --only", async (t) => {
  await onEachCliDatabase(t, FILES, async ({ tide }) => {
    const both = await tide("down", "--only", "002", "--count", "1");
    equal(both.code, 2);
    match(both.stderr, /at most one of --count, --to and --all \(or --only alone\)/);
    const force = await tide("down", "--force");
    equal(force.code, 2);
    match(force.stderr, /--force goes with --only V/);
  }, ["pglite"]);
});
