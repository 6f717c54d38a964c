import { equal, ok } from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { type CliIo, errorJson, formatTable, Output } from "./output.ts";

function capture(): { io: CliIo; lines: string[] } {
  const lines: string[] = [];
  const io: CliIo = {
    stdout: (line) => lines.push(`out ${line}`),
    stderr: (line) => lines.push(`err ${line}`),
    isTerminal: false,
    env: { get: () => undefined },
    cwd: ".",
  };
  return { io, lines };
}

Deno.test("Output scrubs the URL's password from every line, error and JSON object", () => {
  const { io, lines } = capture();
  const text = new Output(io);
  text.addSecretUrl("postgres://app:s%40cret@db/app");
  text.line("value s@cret and s%40cret");
  text.error(new Error("unexpected: s@cret"));
  const json = new Output(io, { json: true });
  json.addSecretUrl("postgres://app:s%40cret@db/app");
  json.result({ note: "s@cret" });
  json.error(new Error("s@cret"));
  equal(lines.length, 4);
  for (const line of lines) {
    ok(!line.includes("s@cret") && !line.includes("s%40cret"), line);
    ok(line.includes("***"), `scrubbed, not dropped: ${line}`);
  }
});

Deno.test("Output prints only errors with --quiet", () => {
  const { io, lines } = capture();
  const out = new Output(io, { quiet: true });
  out.line("Applied: 001_a in 1ms");
  out.warn("careful");
  out.error(new Error("boom"));
  equal(lines.join("\n"), "err error: boom");
});

Deno.test("errorJson() carries a MigrationError's code, file, line, column and version", () => {
  const error = new MigrationError("SQL_ERROR", "Cannot apply 002_a.up.sql:3:7: boom.", {
    file: "migrations/002_a.up.sql",
    line: 3,
    column: 7,
    version: "002",
  });
  const json = errorJson(error);
  equal(json.code, "SQL_ERROR");
  equal(json.file, "migrations/002_a.up.sql");
  equal(json.line, 3);
  equal(json.column, 7);
  equal(json.version, "002");
  equal(errorJson(new Error("x")).code, "INTERNAL");
});

Deno.test("formatTable() aligns every column but the last", () => {
  equal(formatTable([["A", "BB", "C"], ["long", "x", "y"]]).join("\n"), "A     BB  C\nlong  x   y");
});
