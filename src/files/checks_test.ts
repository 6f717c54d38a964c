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
    ["UNSUPPORTED_COPY", "db/001_cp.up.sql", 2, 1],
    ["UNSUPPORTED_COPY", "db/001_cp.down.sql", 2, 3],
  ]);
  const [fromStdin, toStdout] = problems.map((p) => p.message);
  assert.match(fromStdin, /^Cannot load db\/001_cp\.up\.sql:2:1: COPY \.\.\. FROM STDIN/);
  assert.match(fromStdin, /no data stream to feed it/);
  assert.match(fromStdin, /INSERT \.\.\. VALUES/);
  assert.match(fromStdin, /outside the migrations/);
  assert.match(toStdout, /COPY \.\.\. TO STDOUT sends its rows to the client/);
});
