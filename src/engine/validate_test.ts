import { deepEqual, equal } from "node:assert/strict";
import { connect } from "../drivers/connect.ts";
import { Migrator } from "./migrator.ts";
import { loadMigrations } from "../files/load.ts";
import { validateMigrations } from "./validate.ts";

async function project(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tide-validate-" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

Deno.test("validateMigrations() offline lists each migration without a down, in order", async () => {
  const dir = await project({
    "001_a.up.sql": "create table a ();",
    "001_a.down.sql": "drop table a;",
    "002_b.up.sql": "create table b ();",
    "003_c.sql": "-- migrate:up\ncreate table c ();\n-- migrate:down\n",
  });
  try {
    const report = await validateMigrations({ dir });
    equal(report.migrations, 3);
    equal(report.checkedDatabase, false);
    deepEqual(report.problems.map((p) => `${p.kind} ${p.version}`), ["no-down 002", "no-down 003"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validateMigrations() with a database reports edited and missing applied migrations", async () => {
  const dir = await project({
    "001_a.up.sql": "create table a ();",
    "001_a.down.sql": "drop table a;",
    "002_b.up.sql": "create table b ();",
    "002_b.down.sql": "drop table b;",
  });
  await using driver = await connect("memory://");
  try {
    await new Migrator({ driver, migrations: await loadMigrations(dir) }).up();
    await Deno.writeTextFile(`${dir}/001_a.up.sql`, "create table a (id int);");
    await Deno.remove(`${dir}/002_b.up.sql`);
    await Deno.remove(`${dir}/002_b.down.sql`);
    const report = await validateMigrations({ dir, driver });
    equal(report.checkedDatabase, true);
    deepEqual(report.problems.map((p) => `${p.kind} ${p.code} ${p.version}`), [
      "edited CHECKSUM_MISMATCH 001",
      "missing MISSING_FILE 002",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
