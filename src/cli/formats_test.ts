import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "../_test_support/cli_harness.ts";
import { onEachDatabase } from "../_test_support/scenario.ts";
import { FORMAT_NAMES } from "../files/formats/format.ts";
import { loadMigrations } from "../files/load.ts";

const testdata = join(import.meta.dirname!, "..", "files", "formats", "testdata");
const PATTERN = String.raw`V(?<version>\d+)\.(?<name>[^.]+)\.(?<direction>up|down)\.sql`;

function flags(format: string): string[] {
  return ["--format", format, ...(format === "pattern" ? ["--pattern", PATTERN] : [])];
}

interface VerdictJson {
  version: string;
  ok: boolean;
  failure?: string;
  status?: string;
  changes?: unknown[];
  file?: string;
  downFile?: string;
}

Deno.test("tide verify --format X --json round-trips each format's fixture in place on PGlite", async (t) => {
  for (const format of FORMAT_NAMES) {
    await t.step(format, async () => {
      const dir = join(testdata, format);
      const run = await runCli(["verify", "--dir", dir, "--json", ...flags(format)], {
        cwd: Deno.cwd(),
      });
      const report = JSON.parse(run.stdout);
      const migrations = await loadMigrations(dir, { format, pattern: PATTERN });
      const verdicts: VerdictJson[] = report.migrations;
      assert.deepEqual(verdicts.map((v) => v.version), migrations.map((m) => m.version));
      for (const [i, m] of migrations.entries()) {
        const verdict = verdicts[i];
        assert.equal(verdict.file, m.up.path.slice(dir.length + 1), format);
        assert.equal(verdict.downFile, m.down?.path.slice(dir.length + 1));
        const where = `${format} ${m.version}: ${run.stdout}`;
        if (m.down !== undefined) assert.equal(verdict.failure, undefined, where);
        else if (verdict.status === "data-only") {
          // Passes without a down only when its up changed no schema.
          assert.deepEqual([verdict.ok, verdict.changes], [true, []], where);
        } else if (verdict.status !== "re-applies") assert.equal(verdict.failure, "no-down", where);
      }
    });
  }
});

Deno.test("tide up --format X applies a fixture in place, and status names its files", async (t) => {
  for (const format of ["goose", "diesel", "sqitch", "flyway"]) {
    await t.step(format, async (t) => {
      await onEachDatabase(t, async (driver, kind, memoryOrServer) => {
        // Each CLI run opens its own connection: on PGlite, a database on disk they all share.
        const folder = kind === "pglite" ? await Deno.makeTempDir() : undefined;
        const url = folder ? `pglite://${folder}` : memoryOrServer;
        const dir = join(testdata, format);
        const args = ["--dir", dir, "--database-url", url, "--table", `tide_${format}`];
        const up = await runCli(["up", "--json", ...args, ...flags(format)], { cwd: Deno.cwd() });
        assert.equal(up.code, 0, up.stderr);
        const applied = JSON.parse(up.stdout).migrations;
        const migrations = await loadMigrations(dir, { format });
        assert.equal(applied.length, migrations.length);
        const status = await runCli(["status", "--json", ...args], { cwd: Deno.cwd() });
        const json = JSON.parse(status.stdout);
        assert.deepEqual(json.pending, []);
        assert.equal(json.applied[0].file, migrations[0].up.path.slice(dir.length + 1));
        // A repeatable is never rolled back: its view would keep the function from dropping.
        if (format === "flyway" && folder === undefined) {
          await driver.exec("drop view account_totals");
        }
        if (format !== "flyway" || folder === undefined) {
          const down = await runCli(["down", "--all", "--yes", ...args], { cwd: Deno.cwd() });
          assert.equal(down.code, 0, down.stderr);
        }
        if (folder) await Deno.remove(folder, { recursive: true });
      }, format === "goose" ? ["pglite", "postgres"] : ["postgres"]);
    });
  }
});

Deno.test("tide verify, lint and generate-down --format goose leave a Go migration out, naming it, and check the SQL ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "00001_a.sql"),
      "-- +goose Up\ncreate table a (id int);\n-- +goose Down\ndrop table a;\n",
    );
    await Deno.writeTextFile(join(dir, "00002_backfill.go"), "package migrations\n");
    const run = await runCli(["verify", "--dir", dir, "--format", "goose", "--json"], {
      cwd: Deno.cwd(),
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).migrations.map((v: VerdictJson) => v.version), [
      "00001",
    ]);
    assert.match(run.stderr, /00002_backfill\.go is a code migration, which tide cannot run/);
    // lint and generate-down run the SQL ones alike.
    for (const command of [["lint", "--all"], ["generate-down", "--dry-run"]]) {
      const other = await runCli([...command, "--dir", dir, "--format", "goose"], {
        cwd: Deno.cwd(),
      });
      assert.equal(other.code, 0, other.stderr);
      assert.match(other.stderr, /00002_backfill\.go is a code migration, which tide cannot run/);
    }
    const status = await runCli(["status", "--dir", dir, "--format", "goose"], { cwd: Deno.cwd() });
    assert.equal(status.code, 1);
    assert.match(status.stderr, /goose Go migrations are Go code/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
