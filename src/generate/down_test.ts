import { deepEqual, equal, match, ok } from "node:assert/strict";
import { loadMigrations } from "../files/load.ts";
import type { Migration } from "../files/migration.ts";
import { testDatabaseUrl } from "../_test_support/postgres_server.ts";
import { writeMigrations } from "../_test_support/scenario.ts";
import { EXACT_FILES } from "../verify/testdata/exact.ts";
import { LOSSY_FILES } from "../verify/testdata/lossy.ts";
import { type GeneratedDown, generateDowns } from "./down.ts";
import { CORPUS_IRREVERSIBLE, CORPUS_UPS } from "./testdata/corpus.ts";

async function migrationsOf(files: Record<string, string>): Promise<Migration[]> {
  const dir = await writeMigrations(files);
  try {
    return await loadMigrations(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const where = {
  pglite: () => Promise.resolve(undefined),
  postgres: testDatabaseUrl,
};

function summary(results: readonly GeneratedDown[]): string {
  return results.filter((r) => r.status !== "proven")
    .map((r) => `${r.version} ${r.status}: ${r.reason}\n${r.sql}`).join("\n");
}

for (const [kind, url] of Object.entries(where)) {
  Deno.test(`generateDowns() proves the down of every up of the corpus but the irreversible ones, on ${kind}`, async () => {
    const migrations = await migrationsOf(CORPUS_UPS);
    ok(migrations.length >= 60);
    const results = await generateDowns({ migrations, databaseUrl: await url() });
    equal(results.length, migrations.length);
    for (const result of results) {
      const irreversible = CORPUS_IRREVERSIBLE[result.version];
      if (irreversible === undefined) {
        equal(result.status, "proven", summary([result]));
        continue;
      }
      equal(result.status, "irreversible", summary([result]));
      match(result.reason ?? "", irreversible);
    }
  });

  Deno.test(`generateDowns() proves the down of every example migration, on ${kind}`, async () => {
    const migrations = await loadMigrations("migrations");
    const results = await generateDowns({ migrations, databaseUrl: await url() });
    deepEqual(results.map((r) => r.status), migrations.map(() => "proven"), summary(results));
    ok(results.every((r) => r.changesSchema && r.sql !== ""));
  });
}

Deno.test("generateDowns() proves the down of every lossy case's up that applies", async () => {
  const results = await generateDowns({ migrations: await migrationsOf(LOSSY_FILES) });
  const status = Object.fromEntries(results.map((r) => [r.version, r.status]));
  for (const [version, got] of Object.entries(status)) {
    const expected = version === "020" ? "failed" : "proven";
    equal(got, expected, `${version}: ${summary(results.filter((r) => r.version === version))}`);
  }
  match(results.find((r) => r.version === "013")!.reason!, /table public\.item is rebuilt/);
  match(results.find((r) => r.version === "013")!.sql, /INSERT INTO public\.item \(/);
  match(results.find((r) => r.version === "020")!.reason!, /the up failed/);
  equal(results.find((r) => r.version === "016")!.changesSchema, false);
});

Deno.test("generateDowns() writes names as templates when the migrations use them", async () => {
  const migrations = await migrationsOf(EXACT_FILES);
  const results = await generateDowns({ migrations, schema: "app" });
  deepEqual(results.map((r) => r.status), migrations.map(() => "proven"), summary(results));
  const first = results[0].sql;
  match(first, /DROP TABLE \{\{tables\.posts\}\}, \{\{tables\.users\}\};/);
  match(first, /DROP TYPE \{\{schema\}\}\.status;/);
  ok(!first.includes("app."), first);
});

Deno.test("generateDowns() generates only the versions asked for, applying the others", async () => {
  const migrations = await loadMigrations("migrations");
  const results = await generateDowns({ migrations, versions: ["003", "007"] });
  deepEqual(results.map((r) => r.version), ["003", "007"]);
  equal(
    results[1].sql.trim(),
    "ALTER TABLE public.invoices DROP CONSTRAINT invoices_total_not_negative;\n\nALTER TABLE public.invoices DROP COLUMN total_cents;"
      .trim(),
  );
});

Deno.test("generateDowns() never calls a down proven when the round trip finds a difference", async () => {
  const migrations = await migrationsOf({
    "001_base.up.sql": "create table base (id int);\n",
    // Each run creates another table: the re-up cannot give the first up's schema.
    "002_random.up.sql": "do $$ begin execute format('create table t_%s (id int)', " +
      "(extract(epoch from clock_timestamp()) * 1000000)::bigint); end $$;\n",
  });
  const [result] = await generateDowns({ migrations, versions: ["002"] });
  equal(result.status, "failed");
  match(result.reason ?? "", /after the re-up, table public\.t_\d+/);
});

Deno.test("generateDowns() drops the roles an up creates, so the up runs again", async () => {
  const migrations = await migrationsOf({
    "001_t.up.sql": "create table t (id int);\n",
    "002_reader.up.sql": "create role tide_reader nologin;\ngrant select on t to tide_reader;\n" +
      "alter table t add column note text;\n",
  });
  const [result] = await generateDowns({ migrations, versions: ["002"] });
  equal(result.status, "proven", summary([result]));
  match(result.sql, /DROP OWNED BY tide_reader;\n {4}DROP ROLE tide_reader;/);
});
