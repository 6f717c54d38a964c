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
    step: async (definition: { name: string; fn: () => unknown }) => {
      const { name, fn } = definition;
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
  // The failure is thrown from the line that registered the test, not from inside tide.
  assert.match(text, /^\s+at .*testdata\/lossy_round_trip\.ts:4:1$/m);
  assert.doesNotMatch(text, /^\s+at .*(testing\/round_trip\.ts|src\/verify\/)/m);
  // Each step waits for its own verdict, so it shows the time its migration took.
  const times = [...text.matchAll(/^\s+\d{3}_\w+ \.\.\. (?:ok|FAILED) \((\w+)\)$/gm)];
  assert.equal(times.length, 3, text);
  assert.ok(times.every(([, time]) => time !== "0ms"), times.map(([line]) => line).join("\n"));
});

/** The `at ...` lines of a stack. */
function frames(error: Error): string[] {
  return (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
}

Deno.test("assertRoundTrip() fails from the caller's line, without tide's own frames", async () => {
  const error = await assertRoundTrip({ dir: lossy }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof AssertionError);
  const stack = frames(error);
  assert.match(stack[0], /testing\/round_trip_test\.ts:\d+:\d+\)?$/, error.stack);
  assert.ok(!stack.some((f) => /testing\/round_trip\.ts|src\/verify\//.test(f)), error.stack);
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

Deno.test("verifyRoundTrip() and runRoundTripSteps() apply first what the migrations require of other modules", async () => {
  const root = await Deno.makeTempDir();
  try {
    const write = async (path: string, text: string) => {
      await Deno.mkdir(`${root}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
      await Deno.writeTextFile(`${root}/${path}`, text);
    };
    await write(
      "app/001_orders.up.sql",
      "-- tide:requires auth:001\ncreate table orders (user_id int references users (id));\n",
    );
    await write("app/001_orders.down.sql", "drop table orders;\n");
    await write("auth/001_users.up.sql", "create table users (id int primary key);\n");
    const options = { dir: `${root}/app`, module: "app", modules: { auth: `${root}/auth` } };
    const report = await verifyRoundTrip(options);
    assert.deepEqual(report.totals, { verified: 1, passed: 1, failed: 0, skipped: 0 });
    const { t, steps } = recordingRunner();
    await runRoundTripSteps(t, options);
    assert.deepEqual(steps.map((s) => [s.name, s.error]), [["001_orders", undefined]]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
