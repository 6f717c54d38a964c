import assert, { AssertionError } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  assertRoundTrip,
  assertVerdict,
  runRoundTripSteps,
  type StepRunner,
  verifyRoundTrip,
} from "./round_trip.ts";

const lossy = new URL("./testdata/lossy", import.meta.url);

/** Records each step's name and what it threw, like Deno's runner would report it. */
function recordingRunner(): { t: StepRunner; steps: { name: string; error?: unknown }[] } {
  const steps: { name: string; error?: unknown }[] = [];
  const t = {
    step: async (name: string, fn: () => unknown) => {
      try {
        await fn();
        steps.push({ name });
        return true;
      } catch (error) {
        steps.push({ name, error });
        return false;
      }
    },
  } as StepRunner;
  return { t, steps };
}

Deno.test("runRoundTripSteps() runs one step per migration and fails only the lossy one", async () => {
  const { t, steps } = recordingRunner();
  await runRoundTripSteps(t, { dir: lossy });
  assert.deepEqual(steps.map((s) => [s.name, s.error === undefined]), [
    ["001_create_items", true],
    ["002_add_items_price", false],
    ["003_create_tags", true],
  ]);
  const error = steps[1].error;
  assert.ok(error instanceof AssertionError);
  assert.match(error.message, /002_add_items_price does not round-trip \(down-differs\)/);
  assert.match(error.message, /items_name_idx exists after down but not before up/);
  assert.match(error.message, /--- before up\n\s*\+\+\+ after down/);
  assert.match(error.message, /\+.*items_name_idx/);
});

Deno.test("assertRoundTrip() names every failing migration with its diff", async () => {
  const error = await assertRoundTrip({ dir: fileURLToPath(lossy) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof AssertionError, "a lossy down must fail the assertion");
  assert.match(error.message, /^1 of 3 migrations do not round-trip/);
  assert.match(error.message, /002_add_items_price/);
  assert.doesNotMatch(error.message, /001_create_items|003_create_tags/);
  assert.match(error.message, /items_name_idx/);
});

Deno.test("verifyRoundTrip() verifies only the migrations from the given version", async () => {
  const report = await verifyRoundTrip({ dir: lossy, from: "003" });
  assert.deepEqual(report.migrations.map((v) => [v.version, v.ok]), [["003", true]]);
  assert.equal(report.ok, true);
});

Deno.test("roundTripTest() fails under deno test with a step named after the lossy migration", async () => {
  const fixture = fileURLToPath(new URL("./testdata/lossy_round_trip.ts", import.meta.url));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--no-check", fixture],
    cwd: fileURLToPath(new URL("..", import.meta.url)), // where deno.json maps the npm packages
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.success, false, text);
  assert.match(text, /lossy round-trip \.\.\./);
  assert.match(text, /001_create_items \.\.\. ok/);
  assert.match(text, /002_add_items_price \.\.\. FAILED/);
  assert.match(text, /003_create_tags \.\.\. ok/);
  assert.match(text, /items_name_idx exists after down but not before up/);
  assert.match(text, /\+\+\+ after down/);
});

Deno.test("assertVerdict() keeps the database password out of the failure", () => {
  const url = "postgres://app:s%40cret-pw@db.example.com/app";
  const verdict = {
    version: "001",
    name: "create_items",
    ok: false,
    problems: ["up failed: could not reach postgres://app:s%40cret-pw@db.example.com/app"],
    failure: "up" as const,
    changes: [],
    error: { file: "001.sql", line: 1, column: 1, message: "password s@cret-pw rejected" },
    durationMs: 1,
  };
  assert.throws(() => assertVerdict(verdict, url), (error: Error) => {
    assert.match(error.message, /001_create_items does not round-trip \(up\)/);
    assert.doesNotMatch(error.message, /cret-pw/);
    return true;
  });
});
