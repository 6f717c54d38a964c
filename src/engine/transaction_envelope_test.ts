import assert from "node:assert/strict";
import { BARE, transactionEnvelope } from "./transaction_envelope.ts";

const SCRIPT = "CREATE TABLE t (id int);\n-- the end";

Deno.test("transactionEnvelope() sends BEGIN, timeouts, script, bookkeeping and COMMIT as one text", () => {
  const sent = transactionEnvelope({
    timeouts: "SET LOCAL lock_timeout = '5ms';",
    bookkeeping: "INSERT INTO log VALUES (1)",
  })(SCRIPT);
  assert.equal(
    sent.text,
    "BEGIN; SET LOCAL lock_timeout = '5ms';\nCREATE TABLE t (id int);\n-- the end\n;\n" +
      "INSERT INTO log VALUES (1);\nCOMMIT;",
  );
});

Deno.test("transactionEnvelope() maps offsets into the script and clamps those around it", () => {
  const sent = transactionEnvelope({ timeouts: "", bookkeeping: "INSERT INTO log VALUES (1)" })(
    SCRIPT,
  );
  const at = (needle: string) => sent.scriptOffset(sent.text.indexOf(needle));
  assert.equal(at("(id int)"), SCRIPT.indexOf("(id int)"));
  assert.equal(at("BEGIN"), 0, "before the script: its start");
  assert.equal(at("INSERT"), SCRIPT.length, "after the script: its end");
  assert.equal(sent.scriptOffset(sent.text.length), SCRIPT.length);
});

Deno.test("BARE sends the script as it is", () => {
  const sent = BARE(SCRIPT);
  assert.equal(sent.text, SCRIPT);
  assert.equal(sent.scriptOffset(5), 5);
  assert.equal(sent.scriptOffset(SCRIPT.length + 3), SCRIPT.length);
});
