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
