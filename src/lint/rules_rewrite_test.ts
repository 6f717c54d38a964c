import assert from "node:assert/strict";
import type { MigrationMeasurement, StatementMeasurement } from "./measurement.ts";
import { loadParser } from "./sql_parser.ts";
import { upStatements } from "./statements.ts";
import { timezoneRule } from "./rules_rewrite.ts";

const parse = await loadParser();

/** `timezone-rewrite`'s findings for an up whose last statement took `at` from `before` to `after`. */
function flagged(sql: string, before: string, after: string): number[] {
  const up = { path: "002_m.up.sql", sql, line: 1, column: 1 };
  const migration = { version: "002", name: "m", up, noTransaction: false, checksum: "" };
  const statements = upStatements(migration, parse);
  const index = statements.length - 1;
  const measured = {
    index,
    rewritten: [],
    probes: new Map([["before type:at", [{ type: before }]], ["after type:at", [{ type: after }]]]),
  } as unknown as StatementMeasurement;
  const measurement = { statements: new Map([[index, measured]]) } as MigrationMeasurement;
  return timezoneRule({ migration, statements, measurement }).map((draft) => draft.statement);
}

Deno.test("timezone-rewrite: timestamp <-> timestamptz unless the migration sets a UTC zone", () => {
  const [plain, zoned] = ["timestamp without time zone", "timestamp with time zone"];
  const alter = "ALTER TABLE t ALTER COLUMN at TYPE timestamptz;";
  assert.deepEqual(flagged(alter, plain, zoned), [0]);
  assert.deepEqual(flagged(alter, zoned, plain), [0]);
  assert.deepEqual(flagged(`SET timezone TO 'Etc/UTC';\n${alter}`, plain, zoned), []);
  assert.deepEqual(flagged(`SET LOCAL TIME ZONE 'UTC';\n${alter}`, plain, zoned), []);
  assert.deepEqual(flagged(`SET TIME ZONE 'Europe/Berlin';\n${alter}`, plain, zoned), [1]);
  assert.deepEqual(flagged(alter, zoned, zoned), []);
  assert.deepEqual(flagged("ALTER TABLE t ALTER COLUMN at TYPE bigint;", "integer", "bigint"), []);
});
