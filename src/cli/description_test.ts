import { deepEqual, equal, match } from "node:assert/strict";
import { join } from "node:path";
import { onEachCliDatabase } from "../_test_support/cli_databases.ts";
import { FIXTURE } from "../_test_support/cli_harness.ts";

const FILES = {
  "001_users.up.sql": "-- Description: Adds the users table\ncreate table users (id int);\n",
  "001_users.down.sql": "drop table users;\n",
  "002_posts.up.sql": "-- Posts, one per user\ncreate table posts (id int);\n",
  "002_posts.down.sql": "drop table posts;\n",
  "003_plain.up.sql": "create table plain (id int);\n",
};

Deno.test("status and history show each migration's description, in text and JSON", async (t) => {
  await onEachCliDatabase(t, FILES, async ({ cwd, tide }) => {
    equal((await tide("up", "--to", "002")).code, 0);
    const status = await tide("status");
    match(status.stdout, /^VERSION +NAME +STATE +DESCRIPTION$/m);
    match(status.stdout, /^001 +users +applied .+ UTC +Adds the users table$/m);
    match(status.stdout, /^002 +posts +applied .+ UTC +Posts, one per user$/m);
    match(status.stdout, /^003 +plain +pending$/m);
    const json = JSON.parse((await tide("status", "--json")).stdout);
    deepEqual(json.applied.map((e: { description?: string }) => e.description), [
      "Adds the users table",
      "Posts, one per user",
    ]);
    equal("description" in json.pending[0], false);

    equal((await tide("down", "--json")).code, 0);
    const history = await tide("history");
    match(history.stdout, /^STARTED +ACTION +MIGRATION +OUTCOME +TIME +BY +DESCRIPTION +ERROR$/m);
    match(history.stdout, /\bdown +002_posts +success .* Posts, one per user$/m);
    const entries = JSON.parse((await tide("history", "--json")).stdout).entries;
    deepEqual(entries.map((e: { description: string | null }) => e.description), [
      "Adds the users table",
      "Posts, one per user",
      "Posts, one per user",
    ]);

    // Recorded in the ledger: still known once the file is gone.
    for (const file of ["001_users.up.sql", "001_users.down.sql"]) {
      await Deno.remove(join(cwd, "migrations", file));
    }
    const missing = JSON.parse((await tide("status", "--json")).stdout).missing;
    deepEqual(missing.map((e: { description?: string }) => e.description), [
      "Adds the users table",
    ]);
  });
});

Deno.test("status and history print no description column when no migration has one", async (t) => {
  await onEachCliDatabase(t, FIXTURE, async ({ tide }) => {
    equal((await tide("up")).code, 0);
    match((await tide("status")).stdout, /^VERSION +NAME +STATE$/m);
    match(
      (await tide("history")).stdout,
      /^STARTED +ACTION +MIGRATION +OUTCOME +TIME +BY +ERROR$/m,
    );
  }, ["pglite"]);
});
