/**
 * Every rule's fixtures (`testdata/<rule>/dangerous` and `/safe`, tide migration directories):
 * the dangerous form is flagged on its last migration, the safe form gets no error and no
 * finding of the rule. Run on PGlite and on PostgreSQL 15, reusing one database each.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { Driver } from "../drivers/driver.ts";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase } from "../_test_support/scenario.ts";
import { lintOnDatabase } from "./lint.ts";
import type { LintReport } from "./report.ts";

const TESTDATA = fileURLToPath(new URL("./testdata", import.meta.url));

async function rules(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(TESTDATA)) if (entry.isDirectory) names.push(entry.name);
  return names.sort();
}

async function lintFixture(db: Driver, rule: string, form: string): Promise<LintReport> {
  await db.exec("RESET ALL; DROP SCHEMA public CASCADE; CREATE SCHEMA public");
  const migrations = await loadMigrations(join(TESTDATA, rule, form));
  return await lintOnDatabase(db, { migrations });
}

function summary(report: LintReport): string {
  return report.migrations.flatMap((m) =>
    m.findings.map((f) => `${m.version}:${f.line} ${f.severity} ${f.rule}: ${f.message}`)
  ).join("\n");
}

Deno.test("each rule flags its dangerous fixture and passes its safe one", (t) =>
  onEachDatabase(t, async (db, _kind, _url, step) => {
    for (const rule of await rules()) {
      await step.step(rule, async () => {
        const dangerous = await lintFixture(db, rule, "dangerous");
        const last = dangerous.migrations.at(-1)!;
        assert.ok(
          last.findings.some((f) => f.rule === rule && f.severity !== "info"),
          `dangerous form of ${rule} not flagged:\n${summary(dangerous)}`,
        );
        const safe = await lintFixture(db, rule, "safe");
        const findings = safe.migrations.flatMap((m) => m.findings);
        assert.ok(
          !findings.some((f) =>
            f.severity === "error" || (f.rule === rule && f.severity !== "info")
          ),
          `safe form of ${rule} flagged:\n${summary(safe)}`,
        );
      });
    }
  }));
