import assert from "node:assert/strict";
import { MigrationSourceError } from "../errors.ts";
import { parseMigrationFiles } from "./load.ts";

const file = (path: string, text: string) => ({ path, bytes: new TextEncoder().encode(text) });

async function loadProblems(files: Record<string, string>) {
  try {
    await parseMigrationFiles(Object.entries(files).map(([path, text]) => file(path, text)));
  } catch (error) {
    if (error instanceof MigrationSourceError) return error.problems;
    throw error;
  }
  return [];
}

Deno.test("loading refuses COPY ... FROM STDIN and TO STDOUT, at file:line:column, saying what to do instead", async () => {
  const problems = await loadProblems({
    "db/001_cp.up.sql": "CREATE TABLE cp (id int);\nCOPY cp FROM stdin;\n1\n\\.\n",
    "db/001_cp.down.sql": "-- keep a copy\n  COPY cp TO STDOUT;\nDROP TABLE cp;\n",
    "db/002_ok.sql": "-- migrate:up\nCOPY cp FROM '/srv/cp.csv';\n-- migrate:down\n" +
      "COPY (SELECT 1) TO '/tmp/stdout';\n",
  });
  assert.deepEqual(problems.map((p) => [p.code, p.file, p.line, p.column]), [
    // The dump's data line is psql's, not SQL: named too, with every other problem.
    ["PSQL_COMMAND", "db/001_cp.up.sql", 4, 1],
    ["UNSUPPORTED_COPY", "db/001_cp.up.sql", 2, 1],
    ["UNSUPPORTED_COPY", "db/001_cp.down.sql", 2, 3],
  ]);
  const [fromStdin, toStdout] = problems.slice(1).map((p) => p.message);
  assert.match(fromStdin, /^Cannot load db\/001_cp\.up\.sql:2:1: COPY \.\.\. FROM STDIN/);
  assert.match(fromStdin, /no data stream to feed it/);
  assert.match(fromStdin, /INSERT \.\.\. VALUES/);
  assert.match(fromStdin, /outside the migrations/);
  assert.match(toStdout, /COPY \.\.\. TO STDOUT sends its rows to the client/);
});

Deno.test("loading refuses transaction control in a transactional migration, at file:line:column", async () => {
  const problems = await loadProblems({
    "001_rb.up.sql": "CREATE TABLE rb (id int);\nROLLBACK;\n",
    "002_half.up.sql": "CREATE TABLE half (id int);\nCOMMIT;\nSELECT 1/0;\n",
    // An outer BEGIN/COMMIT pair is tide's own transaction (outer_transaction.ts); a second
    // transaction in one file is not.
    "003_begin.sql": "-- migrate:up\nBEGIN;\nCREATE TABLE b (id int);\nEND;\nBEGIN;\n" +
      "CREATE TABLE c (id int);\nCOMMIT;\n-- migrate:down\nDROP TABLE c, b;\n",
    "004_2pc.up.sql": "PREPARE TRANSACTION 'x';\n/* then */ COMMIT PREPARED 'x';\nABORT;\n",
  });
  assert.deepEqual(problems.map((p) => [p.code, p.file, p.line, p.column]), [
    ["TRANSACTION_CONTROL", "001_rb.up.sql", 2, 1],
    ["TRANSACTION_CONTROL", "002_half.up.sql", 2, 1],
    ["TRANSACTION_CONTROL", "003_begin.sql", 2, 1],
    ["TRANSACTION_CONTROL", "003_begin.sql", 4, 1],
    ["TRANSACTION_CONTROL", "003_begin.sql", 5, 1],
    ["TRANSACTION_CONTROL", "003_begin.sql", 7, 1],
    ["TRANSACTION_CONTROL", "004_2pc.up.sql", 1, 1],
    ["TRANSACTION_CONTROL", "004_2pc.up.sql", 2, 12],
    ["TRANSACTION_CONTROL", "004_2pc.up.sql", 3, 1],
  ]);
  assert.match(problems[0].message, /^Cannot load 001_rb\.up\.sql:2:1: ROLLBACK /);
  assert.match(problems[0].message, /-- tide:no-transaction/);
  assert.match(problems[7].message, /COMMIT PREPARED/);
});

Deno.test("loading accepts BEGIN ... END bodies, savepoints, and transaction control outside a transaction", async () => {
  const problems = await loadProblems({
    "001_bodies.up.sql": "DO $$ BEGIN PERFORM 1; COMMIT; END $$;\n" +
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n" +
      "CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN ROLLBACK; END $fn$;\n" +
      "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n" +
      "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\nRELEASE SAVEPOINT s;\n" +
      "SELECT 'COMMIT; ROLLBACK';\n-- ROLLBACK;\n",
    "002_own.up.sql": "-- tide:no-transaction\nBEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n",
  });
  assert.deepEqual(problems, []);
});
