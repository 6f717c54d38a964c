import assert from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { parseFailOn, readInputs } from "./inputs.ts";

function io(inputs: Record<string, string>) {
  return { workspace: "/ws", getInput: (name: string) => inputs[name] ?? "" };
}

Deno.test("readInputs() resolves dir against the workspace and working-directory", () => {
  assert.equal(readInputs(io({})).dir, "/ws/migrations");
  assert.equal(readInputs(io({ "working-directory": "app", dir: "db/sql" })).dir, "/ws/app/db/sql");
  assert.equal(readInputs(io({ dir: "/abs/migrations" })).dir, "/abs/migrations");
});

Deno.test("readInputs() defaults to the check mode with a comment and every finding failing", () => {
  const inputs = readInputs(io({}));
  assert.equal(inputs.mode, "check");
  assert.equal(inputs.comment, true);
  assert.equal(inputs.failOn.size, 5);
});

Deno.test("readInputs() rejects an unknown mode and a non-boolean comment", () => {
  assert.throws(() => readInputs(io({ mode: "deploy" })), (e) => e instanceof MigrationError);
  assert.throws(() => readInputs(io({ comment: "sometimes" })), /comment is "sometimes"/);
  assert.equal(readInputs(io({ comment: "false" })).comment, false);
});

Deno.test("readInputs() requires database-url in the apply mode", () => {
  assert.throws(() => readInputs(io({ mode: "apply" })), /needs database-url/);
});

Deno.test("parseFailOn() reads a comma list and rejects an unknown finding", () => {
  assert.deepEqual([...parseFailOn(" edited , deleted ")], ["edited", "deleted"]);
  assert.throws(() => parseFailOn("edited,typo"), /unknown finding\(s\) typo/);
});

Deno.test("parseFailOn() accepts lint, which an empty fail-on leaves out", () => {
  assert.deepEqual([...parseFailOn("round-trip,lint")], ["round-trip", "lint"]);
  assert.equal(parseFailOn("").has("lint"), false);
});

Deno.test("readInputs() resolves verify-setup against the working directory", () => {
  assert.equal(readInputs(io({})).verifySetup, undefined);
  const inputs = readInputs(io({ "working-directory": "app", "verify-setup": "db/setup.sql" }));
  assert.equal(inputs.verifySetup, "/ws/app/db/setup.sql");
});
