import assert from "node:assert/strict";
import postgres from "postgres";
import { testDatabaseUrl } from "../src/_test_support/postgres_server.ts";
import { generateMigrations } from "./generate.ts";
import { findPsql, floorScript, psqlFloor } from "./psql_floor.ts";

Deno.test("floorScript() wraps each file in its own transaction and quotes odd paths", () => {
  assert.equal(
    floorScript(["/m/001_a.up.sql", "/it's/002_b.up.sql"]),
    "BEGIN;\n\\i '/m/001_a.up.sql'\nCOMMIT;\nBEGIN;\n\\i '/it''s/002_b.up.sql'\nCOMMIT;\n",
  );
});

Deno.test("psqlFloor() applies every up then every down, leaving the database empty", async () => {
  const dir = await Deno.makeTempDir();
  const url = await testDatabaseUrl();
  const sql = postgres(url, { onnotice: () => {} });
  try {
    await generateMigrations(dir, 8);
    const times = await psqlFloor(await findPsql(), url, dir);
    assert.ok(times.upMs > 0 && times.downMs > 0);
    const [{ count }] = await sql`
      select count(*)::int as count from pg_class where relnamespace = 'public'::regnamespace`;
    assert.equal(count, 0);
  } finally {
    await sql.end();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("psqlFloor() stops at the first failing file and says which script failed", async () => {
  const dir = await Deno.makeTempDir();
  const url = await testDatabaseUrl();
  try {
    await Deno.writeTextFile(`${dir}/001_bad.up.sql`, "create tabel oops (id int);");
    await Deno.writeTextFile(`${dir}/001_bad.down.sql`, "select 1;");
    await assert.rejects(
      async () => psqlFloor(await findPsql(), url, dir),
      /up\.psql with psql failed: .*syntax error/s,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
