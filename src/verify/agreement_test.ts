import { deepEqual, equal, match, ok } from "node:assert/strict";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import type { MigrationVerdict, VerifyReport } from "./report.ts";
import { verifyMigrations } from "./round_trip.ts";
import { AGREEMENT_CASES, AGREEMENT_SETUP, type Expected } from "./testdata/agreement.ts";
import { buildMigrations } from "./testdata/build.ts";

const migrations = buildMigrations(AGREEMENT_CASES);
const setup = { path: "agreement_setup.sql", sql: AGREEMENT_SETUP };

function assertVerdict(verdict: MigrationVerdict, expected: Expected): void {
  const problems = verdict.problems.join("\n");
  if (expected === "round-trips" || expected === "data-only") {
    deepEqual([verdict.ok, verdict.status, problems], [true, expected, ""]);
    return;
  }
  const [failure, problem] = expected;
  deepEqual([verdict.ok, verdict.failure], [false, failure], problems);
  match(problems, problem);
}

/** What the verdicts of two servers are compared by. */
const outcome = (v: MigrationVerdict) => `${v.status} ${v.failure ?? ""}`.trim();

async function verifyOn(databaseUrl?: string): Promise<VerifyReport> {
  const report = await verifyMigrations({ migrations, setup, databaseUrl });
  deepEqual(report.migrations.map((m) => m.version), migrations.map((m) => m.version));
  return report;
}

Deno.test("verifyMigrations() gives the same verdict on PGlite and PostgreSQL 15 where their catalogs agree", async (t) => {
  const [lite, fifteen] = [await verifyOn(), await verifyOn(await testDatabaseUrl())];
  for (const [i, c] of AGREEMENT_CASES.entries()) {
    await t.step(`${c.version}_${c.name}`, () => {
      assertVerdict(fifteen.migrations[i], c.expect);
      assertVerdict(lite.migrations[i], c.pg18?.expect ?? c.expect);
      if (c.pg18 === undefined) equal(outcome(lite.migrations[i]), outcome(fifteen.migrations[i]));
    });
  }
  await t.step(
    "the corpus covers passes, data-only, every failing step and a catalog difference",
    () => {
      const outcomes = new Set(fifteen.migrations.map(outcome));
      for (const wanted of ["round-trips", "data-only", "failed no-down", "failed up"]) {
        ok(outcomes.has(wanted), wanted);
      }
      for (const wanted of ["failed down", "failed down-differs"]) ok(outcomes.has(wanted), wanted);
      ok(AGREEMENT_CASES.length >= 40);
      ok(AGREEMENT_CASES.some((c) => c.pg18 !== undefined));
    },
  );
});
