import assert from "node:assert/strict";
import { classifyStatement, type StatementKind } from "./classify.ts";
import { sqlTokens } from "./split.ts";

Deno.test("classifyStatement() finds COPY with the client as source or sink, and only that", () => {
  const cases: [string, StatementKind][] = [
    ["COPY cp FROM stdin", "copy-from-stdin"],
    ["copy public.cp (id, name) from STDIN with (format csv)", "copy-from-stdin"],
    ['COPY "from" FROM stdin', "copy-from-stdin"],
    ["-- the rows follow\nCOPY cp FROM stdin", "copy-from-stdin"],
    ["/* a */ COPY BINARY cp FROM stdin", "copy-from-stdin"],
    ["COPY cp TO stdout", "copy-to-stdout"],
    ["COPY (SELECT * FROM cp WHERE a = 'to') TO STDOUT (FORMAT csv)", "copy-to-stdout"],
    ["COPY cp FROM '/srv/cp.csv'", "other"],
    ["COPY cp FROM PROGRAM 'cat /srv/cp.csv'", "other"],
    ["COPY (SELECT 1 FROM stdin) TO '/tmp/x'", "other"],
    ["COPY cp TO '/tmp/stdout'", "other"],
    ["SELECT 'COPY cp FROM stdin'", "other"],
    ["CREATE TABLE copy (stdin int)", "other"],
  ];
  for (const [sql, kind] of cases) assert.equal(classifyStatement(sql).kind, kind, sql);
});

Deno.test("classifyStatement() tells transaction control from savepoints and from BEGIN ... END bodies", () => {
  const cases: [string, StatementKind, string][] = [
    ["BEGIN", "transaction-control", "BEGIN"],
    ["begin work", "transaction-control", "BEGIN"],
    ["BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE", "transaction-control", "BEGIN"],
    ["START TRANSACTION", "transaction-control", "START TRANSACTION"],
    ["COMMIT", "transaction-control", "COMMIT"],
    ["commit and chain", "transaction-control", "COMMIT"],
    ["END", "transaction-control", "END"],
    ["END TRANSACTION", "transaction-control", "END"],
    ["ABORT", "transaction-control", "ABORT"],
    ["ROLLBACK", "transaction-control", "ROLLBACK"],
    ["ROLLBACK WORK", "transaction-control", "ROLLBACK"],
    ["PREPARE TRANSACTION 'tx1'", "transaction-control", "PREPARE TRANSACTION"],
    ["COMMIT PREPARED 'tx1'", "transaction-control", "COMMIT PREPARED"],
    ["ROLLBACK PREPARED 'tx1'", "transaction-control", "ROLLBACK PREPARED"],
    ["SAVEPOINT before_backfill", "savepoint", "SAVEPOINT"],
    ["RELEASE SAVEPOINT before_backfill", "savepoint", "RELEASE"],
    ["ROLLBACK TO before_backfill", "savepoint", "ROLLBACK"],
    ["ROLLBACK TRANSACTION TO SAVEPOINT before_backfill", "savepoint", "ROLLBACK"],
    ["PREPARE get_user AS SELECT 1", "other", "PREPARE"],
    ["START_TIME", "other", "START_TIME"],
    ["DO $$ BEGIN COMMIT; END $$", "other", "DO"],
    [
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END",
      "other",
      "CREATE",
    ],
    [
      "CREATE FUNCTION g() RETURNS void AS $fn$ BEGIN ROLLBACK; END $fn$ LANGUAGE plpgsql",
      "other",
      "CREATE",
    ],
    ["CALL finish_backfill()", "other", "CALL"],
    ["SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "other", "SET"],
  ];
  for (const [sql, kind, command] of cases) {
    const found = classifyStatement(sql);
    assert.equal(found.kind, kind, sql);
    assert.equal(found.command, command, sql);
  }
});

Deno.test("classifyStatement() gives the offset of the first word after leading comments", () => {
  const sql = "-- undo it all\n/* really */ ROLLBACK";
  assert.equal(classifyStatement(sql).offset, sql.indexOf("ROLLBACK"));
});

Deno.test("sqlTokens() keeps strings, quoted names and dollar quotes whole and counts parentheses", () => {
  const tokens = [...sqlTokens("COPY (SELECT 'a b', \"c d\", $q$ e ) f $q$) TO x")];
  assert.deepEqual(tokens.map((t) => [t.word ?? "·", t.depth]), [
    ["copy", 0],
    ["·", 0],
    ["select", 1],
    ["·", 1],
    ["·", 1],
    ["·", 1],
    ["·", 1],
    ["·", 1],
    ["·", 0],
    ["to", 0],
    ["x", 0],
  ]);
});
