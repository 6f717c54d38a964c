import { deepEqual, equal, throws } from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { parseCommandArgs, parseDuration, splitCommand } from "./args.ts";

Deno.test("parseDuration() reads ms, s, m, h and plain milliseconds", () => {
  equal(parseDuration("500ms", "--lock-wait"), 500);
  equal(parseDuration("30s", "--lock-wait"), 30_000);
  equal(parseDuration("1.5s", "--lock-wait"), 1_500);
  equal(parseDuration("2m", "--lock-wait"), 120_000);
  equal(parseDuration("1h", "--lock-wait"), 3_600_000);
  equal(parseDuration("1500", "--lock-wait"), 1_500);
});

Deno.test("parseDuration() rejects other text as bad usage naming the flag", () => {
  for (const text of ["", "soon", "5 min", "-1s", "1d"]) {
    throws(() => parseDuration(text, "--statement-timeout"), (error) => {
      equal(error instanceof UsageError, true, text);
      return /--statement-timeout takes a duration/.test((error as Error).message);
    });
  }
});

Deno.test("splitCommand() finds the command after global flags and their values", () => {
  deepEqual(splitCommand(["--dir", "db", "up", "--dry-run"]), {
    name: "up",
    rest: ["--dir", "db", "--dry-run"],
  });
  deepEqual(splitCommand(["--dir=db", "--json", "status"]), {
    name: "status",
    rest: ["--dir=db", "--json"],
  });
  deepEqual(splitCommand(["--help"]), { rest: ["--help"] });
});

Deno.test("parseCommandArgs() is strict: an unknown flag is a UsageError", () => {
  throws(() => parseCommandArgs(["--nope"]), UsageError);
  throws(() => parseCommandArgs(["--dir"]), UsageError);
  const { values, positionals } = parseCommandArgs(["--to", "003", "x", "-q"], {
    to: { type: "string", description: "" },
  });
  deepEqual([values.to, values.quiet, positionals], ["003", true, ["x"]]);
});

Deno.test("parseCommandArgs() reads --name=value, grouped short flags and -- like node's parseArgs", () => {
  const options = {
    count: { type: "string" as const, short: "n", description: "" },
    yes: { type: "boolean" as const, short: "y", description: "" },
  };
  const { values, positionals } = parseCommandArgs(
    ["--dir=db/sql", "-qy", "-n3", "--", "--not-a-flag", "-x"],
    options,
  );
  deepEqual(values, { dir: "db/sql", quiet: true, yes: true, count: "3" });
  deepEqual(positionals, ["--not-a-flag", "-x"]);
  deepEqual(parseCommandArgs(["-n", "4", "-"], options), {
    values: { count: "4" },
    positionals: ["-"],
  });
});

Deno.test("parseCommandArgs() names the flag in every usage error", () => {
  const options = { count: { type: "string" as const, short: "n", description: "" } };
  throws(
    () => parseCommandArgs(["--json=yes"]),
    /^UsageError: Option '--json' does not take an argument\.$/,
  );
  throws(
    () => parseCommandArgs(["--count"], options),
    /Option '-n, --count <value>' argument missing/,
  );
  throws(() => parseCommandArgs(["--count", "--json"], options), /write --count=--json/);
  throws(() => parseCommandArgs(["-z"]), /^UsageError: Unknown option '-z'\.$/);
  throws(() => parseCommandArgs(["--constructor"]), /Unknown option '--constructor'/);
});
