import assert from "node:assert/strict";
import type { Migration } from "../files/migration.ts";
import { verifyMigrations } from "../verify/round_trip.ts";
import { createLintSession, lintMigrations } from "./lint.ts";
import type { LintReport } from "./report.ts";

function migration(version: string, up: string, down?: string, noTransaction = false): Migration {
  const script = (kind: string, sql: string) => ({
    path: `migrations/${version}_m.${kind}.sql`,
    sql,
    line: 1,
    column: 1,
  });
  return {
    version,
    name: "m",
    up: script("up", up),
    down: down === undefined ? undefined : script("down", down),
    noTransaction,
    checksum: "",
  };
}

const USERS = migration(
  "001",
  "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);",
  "DROP TABLE users;",
);

function rules(report: LintReport, version: string): string[] {
  return report.migrations.find((m) => m.version === version)!.findings.map((f) => f.rule);
}

Deno.test("lintMigrations() counts tide's own lock timeout as one in force", async () => {
  const add = migration("002", "ALTER TABLE users ADD COLUMN nickname text;");
  const without = await lintMigrations({ migrations: [USERS, add] });
  assert.ok(rules(without, "002").includes("no-lock-timeout"));
  const withTimeout = await lintMigrations({ migrations: [USERS, add], lockTimeoutMs: 2000 });
  assert.ok(!rules(withTimeout, "002").includes("no-lock-timeout"));
});

Deno.test("lintMigrations() gives a rewrite that is no column change its own way around", async () => {
  const views = migration(
    "002",
    "CREATE INDEX users_email ON users (email);\n" +
      "ALTER TABLE users ADD COLUMN visits integer NOT NULL DEFAULT 0;\n" +
      "CREATE MATERIALIZED VIEW user_count AS SELECT count(*) AS n FROM users;",
  );
  const cases = [
    [
      "REFRESH MATERIALIZED VIEW user_count;",
      /^REFRESH MATERIALIZED VIEW CONCURRENTLY public\.user_count:/,
    ],
    ["REINDEX TABLE users;", /^REINDEX \.\.\. CONCURRENTLY .*-- tide:no-transaction\.$/],
    ["CLUSTER users USING users_email;", /^Rebuild public\.users online with pg_repack/],
    ["ALTER TABLE users ALTER COLUMN visits TYPE bigint;", /^Add a new column, backfill it/],
  ] as const;
  for (const [sql, fix] of cases) {
    const report = await lintMigrations({ migrations: [USERS, views, migration("003", sql)] });
    const finding = report.migrations.at(-1)!.findings.find((f) => f.rule === "table-rewrite");
    assert.match(finding?.fix ?? "(no table-rewrite finding)", fix, sql);
  }
});

Deno.test("lintMigrations() applies config levels and reads tide:allow, Squawk and eugene ignores", async () => {
  const up = "ALTER TABLE users ADD COLUMN meta json;\n" +
    "-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN meta;\n" +
    "-- tide:allow drop-column\nALTER TABLE users DROP COLUMN email;\n";
  const report = await lintMigrations({
    migrations: [USERS, migration("002", up)],
    lockTimeoutMs: 1000,
    rules: { "prefer-jsonb": "error", "multiple-alter-table": "off", "lock-held": "off" },
  });
  const findings = report.migrations[1].findings.map((f) => [f.rule, f.severity, f.line]);
  assert.deepEqual(findings, [
    ["prefer-jsonb", "error", 1],
    ["drop-column", "info", 3],
    ["drop-column", "warning", 5],
    ["invalid-allow", "error", 5],
  ]);
  assert.equal(report.migrations[1].findings[1].suppressed, "-- squawk-ignore ban-drop-column");
});

Deno.test("lintMigrations() says in the evidence when a table could not be filled", async () => {
  const odd = migration("001", "CREATE TABLE odd (a int, b int, CHECK (a > 100));");
  const check = migration("002", "ALTER TABLE odd ADD CONSTRAINT b_positive CHECK (b > 0);");
  const report = await lintMigrations({ migrations: [odd, check], lockTimeoutMs: 1000 });
  const [finding] = report.migrations[1].findings;
  assert.equal(finding.rule, "constraint-scan");
  assert.equal(finding.evidence.scan?.rows, 0);
  assert.match(finding.evidence.note ?? "", /public\.odd could not be filled: .*check constraint/);
});

Deno.test("lintMigrations() measures an up that fails on the seeded rows again on empty tables", async () => {
  const check = migration(
    "002",
    "ALTER TABLE users ADD CONSTRAINT short CHECK (length(email) > 5);",
  );
  const report = await lintMigrations({ migrations: [USERS, check], lockTimeoutMs: 1000 });
  const lint = report.migrations[1];
  assert.equal(lint.measured, true);
  assert.deepEqual(lint.findings.map((f) => f.rule), ["constraint-scan"]);
  assert.equal(lint.locks[0].relation, "public.users");
});

Deno.test("lintMigrations() reports an up that fails, and measures the migrations after it", async () => {
  const broken = migration("002", "ALTER TABLE users ADD COLUMN x nope;");
  const index = migration("003", "CREATE INDEX users_email ON users (email);");
  const report = await lintMigrations({ migrations: [USERS, broken, index], lockTimeoutMs: 1000 });
  assert.deepEqual(rules(report, "002"), ["apply-failed"]);
  assert.deepEqual(rules(report, "003"), ["index-not-concurrent"]);
});

Deno.test("a lint session inside verifyMigrations() leaves the verdicts as verification alone gives them", async () => {
  // The down re-adds a NOT NULL column without a default: it works only on an empty table.
  const drop = migration(
    "002",
    "ALTER TABLE users DROP COLUMN email;",
    "ALTER TABLE users ADD COLUMN email text NOT NULL;",
  );
  const index = migration(
    "003",
    "CREATE INDEX users_id ON users (id);",
    "DROP INDEX users_id;",
  );
  const migrations = [USERS, drop, index];
  const alone = await verifyMigrations({ migrations });
  const lint = await createLintSession({ migrations, lint: (m) => m.version !== "001" });
  const together = await verifyMigrations({ migrations, observer: lint.observer });
  const verdicts = (r: typeof alone) => r.migrations.map((v) => [v.version, v.ok, v.failure]);
  assert.deepEqual(verdicts(together), verdicts(alone));
  const report = lint.report();
  assert.deepEqual(rules(report, "002"), ["no-lock-timeout", "drop-column"]);
  assert.ok(rules(report, "003").includes("index-not-concurrent"));
  const lone = await lintMigrations({ migrations, lint: (m) => m.version !== "001" });
  assert.deepEqual(
    lone.migrations.map((m) => m.findings.map((f) => f.rule)),
    report.migrations.map((m) => m.findings.map((f) => f.rule)),
  );
});
