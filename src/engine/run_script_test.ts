import assert from "node:assert/strict";
import type { Queryable, Row } from "../drivers/driver.ts";
import { MigrationError, SqlError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { ScriptError } from "../errors.ts";
import { renderScript, runScript } from "./run_script.ts";
import { transactionEnvelope } from "./transaction_envelope.ts";

/** A database that records what it is sent and fails when `fail` returns an error. */
class FakeDb implements Queryable {
  readonly sent: string[] = [];
  constructor(private readonly fail: (sql: string) => Error | undefined = () => undefined) {}
  exec(sql: string): Promise<void> {
    this.sent.push(sql);
    const error = this.fail(sql);
    return error === undefined ? Promise.resolve() : Promise.reject(error);
  }
  query<T extends Row = Row>(): Promise<T[]> {
    return Promise.reject(new Error("runScript() must only use exec()."));
  }
}

/** A server error pointing at `needle` in the SQL sent, counted in code points like PostgreSQL. */
function errorAt(sql: string, needle: string, message: string, fields = {}): SqlError {
  const position = [...sql.slice(0, sql.indexOf(needle))].length + 1;
  return new SqlError(message, { position, ...fields });
}

function migration(up: string, options: Partial<Migration> = {}): Migration {
  return {
    version: "003",
    name: "add_users",
    up: { path: "db/003_add_users.sql", sql: up, line: 3, column: 1 },
    noTransaction: false,
    checksum: "0".repeat(64),
    ...options,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ScriptError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ScriptError) return error;
    throw error;
  }
  throw new Error("Expected a ScriptError.");
}

Deno.test("runScript() sends a script whole, with templates rendered for the schema", async () => {
  const db = new FakeDb();
  const sql = "CREATE TABLE {{tables.users}} (id int);\nCREATE INDEX ON {{tables.users}} (id);";
  await runScript(db, migration(sql), "up", { schema: "tenant" });
  assert.deepEqual(db.sent, [
    'CREATE TABLE "tenant"."users" (id int);\nCREATE INDEX ON "tenant"."users" (id);',
  ]);
});

Deno.test("runScript() sends a no-transaction script one statement at a time", async () => {
  const db = new FakeDb();
  const sql = "-- tide:no-transaction\nCREATE INDEX CONCURRENTLY a ON t (x);\nSELECT ';';\n";
  await runScript(db, migration(sql, { noTransaction: true }), "up", {});
  assert.deepEqual(db.sent, [
    "-- tide:no-transaction\nCREATE INDEX CONCURRENTLY a ON t (x)",
    "SELECT ';'",
  ]);
});

Deno.test("runScript() locates a server error in the file through the templates", async () => {
  const sql = "CREATE TABLE {{tables.users}} (\n  id int,\n  name txt\n);";
  const db = new FakeDb((sent) =>
    errorAt(sent, "txt", 'type "txt" does not exist', {
      sqlState: "42704",
      hint: "Did you mean text?",
    })
  );
  const error = await rejection(
    runScript(db, migration(sql), "up", { schema: "a_much_longer_schema" }),
  );
  assert.equal(error.code, "SQL_ERROR");
  assert.deepEqual([error.file, error.line, error.column], ["db/003_add_users.sql", 5, 8]);
  assert.equal(error.version, "003");
  assert.ok(error.cause instanceof SqlError);
  assert.equal(
    error.message,
    'Cannot apply db/003_add_users.sql:5:8: type "txt" does not exist. HINT: Did you mean text?',
  );
  assert.equal(error.statementsDone, 0);
});

Deno.test("runScript() sends a script in its envelope and locates errors through it", async () => {
  const sql = "CREATE TABLE {{tables.users}} (\n  id int,\n  name txt\n);";
  const envelope = transactionEnvelope({
    timeouts: "SET LOCAL lock_timeout = '5000ms'; SET LOCAL statement_timeout = '0ms';",
    bookkeeping: "INSERT INTO bookkeeping VALUES ('🐘', nope)",
  });
  const at = (needle: string) => async () => {
    const db = new FakeDb((sent) => errorAt(sent, needle, "boom"));
    const error = await rejection(runScript(db, migration(sql), "up", { schema: "s", envelope }));
    assert.equal(db.sent.length, 1, "one message");
    assert.match(
      db.sent[0],
      /^BEGIN; SET LOCAL lock_timeout[^]*CREATE TABLE "s"\."users"[^]*COMMIT;$/,
    );
    return [error.line, error.column];
  };
  assert.deepEqual(await at("txt")(), [5, 8]);
  // tide's own SQL around the script is never blamed on a line of the file (issue 8, item 10).
  assert.deepEqual(await at("nope")(), [undefined, undefined], "in the bookkeeping: no line");
  assert.deepEqual(await at("BEGIN")(), [undefined, undefined], "before the script: no line");
});

Deno.test("runScript() locates an error in statement 2 of 3 after emoji and templates", async () => {
  const sql =
    "INSERT INTO {{tables.t}} VALUES ('🐘🐘');\nINSERT INTO {{ tables.t }} VALUES ('😀', nope);\nSELECT 3;";
  const db = new FakeDb((sent) =>
    sent.includes("nope") ? errorAt(sent, "nope", 'column "nope" does not exist') : undefined
  );
  const error = await rejection(
    runScript(db, migration(sql, { noTransaction: true }), "up", { schema: "s" }),
  );
  assert.deepEqual([error.line, error.column], [4, 41]);
  assert.equal(error.statementsDone, 1);
  assert.equal(error.statementCount, 3);
  assert.match(
    error.message,
    /^Cannot apply db\/003_add_users\.sql:4:41 \(statement 2 of 3\): column "nope"/,
  );
  assert.match(error.message, /Statement 1 was applied outside a transaction and it stays applied/);
  assert.equal(db.sent.length, 2);
});

Deno.test("runScript() says 'Cannot roll back' for a failing down and includes DETAIL", async () => {
  const down = { path: "db/003_add_users.down.sql", sql: "DROP TABLE users;", line: 1, column: 1 };
  const db = new FakeDb(() =>
    new SqlError("cannot drop table users because other objects depend on it", {
      detail: "view v depends on table users",
    })
  );
  const error = await rejection(runScript(db, migration("SELECT 1;", { down }), "down", {}));
  assert.equal(
    error.message,
    "Cannot roll back db/003_add_users.down.sql:1:1: cannot drop table users because other " +
      "objects depend on it. DETAIL: view v depends on table users",
  );
});

Deno.test("runScript() points at the failing statement when the server gives no position", async () => {
  const sql = "SELECT 1;\n\n  UPDATE t SET x = 1 / 0;";
  const db = new FakeDb((sent) =>
    sent.startsWith("UPDATE") ? new SqlError("division by zero") : undefined
  );
  const error = await rejection(runScript(db, migration(sql, { noTransaction: true }), "up", {}));
  assert.deepEqual([error.line, error.column], [5, 3]);
});

Deno.test("runScript() refuses to roll back a migration without a down", async () => {
  await assert.rejects(
    runScript(new FakeDb(), migration("SELECT 1;"), "down", {}),
    (error: unknown) => error instanceof MigrationError && error.code === "NO_DOWN",
  );
});

Deno.test("runScript() lets errors that are not from the server through unchanged", async () => {
  const lost = new Error("connection reset");
  const db = new FakeDb(() => lost);
  await assert.rejects(runScript(db, migration("SELECT 1;"), "up", {}), (error) => error === lost);
});

Deno.test("runScript() counts applied statements when a no-transaction run loses its connection", async () => {
  const lost = new MigrationError("CONNECTION_FAILED", "The connection was lost.");
  const db = new FakeDb((sent) => sent === "SELECT 2" ? lost : undefined);
  const error = await rejection(
    runScript(db, migration("SELECT 1; SELECT 2;", { noTransaction: true }), "up", {}),
  );
  assert.equal(error.code, "CONNECTION_FAILED");
  assert.equal(error.statementsDone, 1);
  assert.equal(error.cause, lost);
});

Deno.test("renderScript() from run_script.ts renders the way runScript() sends", async () => {
  const script = { path: "x.sql", sql: "SELECT * FROM {{tables.t}}", line: 1, column: 1 };
  assert.equal(renderScript(script, { schema: "s" }).text, 'SELECT * FROM "s"."t"');
  const db = new FakeDb();
  await runScript(db, migration(script.sql), "up", { schema: "s" });
  assert.deepEqual(db.sent, [renderScript(script, { schema: "s" }).text]);
});

Deno.test("runScript() with eachStatement runs a transactional script one statement at a time, through the hook", async () => {
  const db = new FakeDb();
  const seen: string[] = [];
  await runScript(db, migration("CREATE TABLE a ();\nCREATE TABLE b ();"), "up", {
    eachStatement: async (_db, statement, run) => {
      seen.push(`before ${statement.index + 1}/${statement.count}`);
      await run();
      seen.push(`after ${statement.text}`);
    },
  });
  assert.deepEqual(db.sent, ["CREATE TABLE a ()", "CREATE TABLE b ()"]);
  assert.deepEqual(seen, [
    "before 1/2",
    "after CREATE TABLE a ()",
    "before 2/2",
    "after CREATE TABLE b ()",
  ]);
});

Deno.test("runScript() with eachStatement locates a failure like a script sent whole", async () => {
  const sql = "CREATE TABLE a ();\nCREATE TABLE b (id nope);";
  const fail = (sent: string) =>
    sent.includes("nope") ? errorAt(sent, "nope", 'type "nope" does not exist') : undefined;
  const whole = await rejection(runScript(new FakeDb(fail), migration(sql), "up", {}));
  const split = await rejection(
    runScript(new FakeDb(fail), migration(sql), "up", { eachStatement: (_db, _s, run) => run() }),
  );
  assert.equal(split.message, whole.message);
  assert.equal(split.line, 4);
});

Deno.test("runScript() refuses eachStatement together with an envelope", async () => {
  await assert.rejects(
    runScript(new FakeDb(), migration("SELECT 1;"), "up", {
      envelope: transactionEnvelope({ timeouts: "", bookkeeping: "SELECT 1" }),
      eachStatement: (_db, _s, run) => run(),
    }),
    TypeError,
  );
});
