// tide's own example migrations, verified with the testing module the way a user project would.
import assert from "node:assert/strict";
import { testDatabaseUrl } from "../src/_test_support/postgres_server.ts";
import { assertSchemaSnapshot, createTestDatabase, roundTripTest } from "./mod.ts";
import { runRoundTripSteps } from "./round_trip.ts";

const dir = new URL("../migrations", import.meta.url);

roundTripTest({ name: "the example migrations round-trip on PGlite", dir });

Deno.test("the example migrations round-trip on PostgreSQL", async (t) => {
  await runRoundTripSteps(t, { dir, databaseUrl: await testDatabaseUrl() });
});

Deno.test("createTestDatabase() gives a migrated database where invoices can be billed", async () => {
  await using db = await createTestDatabase({ dir, databaseUrl: "memory://" });
  const [org] = await db.query<{ id: number }>(
    "insert into organizations (name, slug) values ('Acme', 'acme') returning id::int",
  );
  const [customer] = await db.query<{ id: number }>(
    "insert into customers (organization_id, name) values ($1, 'Globex') returning id::int",
    [org.id],
  );
  await db.query(
    "insert into invoices (organization_id, customer_id, number, status, due_on, total_cents) " +
      "values ($1, $2, 'INV-1', 'sent', current_date + 30, 12500)",
    [org.id, customer.id],
  );
  const balances = await db.query<{ name: string; open: number; cents: number }>(
    "select customer_name as name, open_invoices::int as open, outstanding_cents::int as cents " +
      "from customer_balances",
  );
  assert.deepEqual(balances, [{ name: "Globex", open: 1, cents: 12500 }]);
  await assert.rejects(
    () => db.exec("insert into organizations (name, slug) values ('Bad', 'Not A Slug')"),
    /organizations_slug_format/,
  );
});

Deno.test("createTestDatabase() returns databases that do not share rows", async () => {
  await using first = await createTestDatabase({ dir, databaseUrl: "memory://" });
  await using second = await createTestDatabase({ dir, databaseUrl: "memory://" });
  await first.exec("insert into organizations (name, slug) values ('Acme', 'acme')");
  const count = async (db: typeof first) =>
    (await db.query<{ n: number }>("select count(*)::int as n from organizations"))[0].n;
  assert.equal(await count(first), 1);
  assert.equal(await count(second), 0);
  const applied = await second.query("select version from tide_migrations");
  assert.equal(applied.length, 9);
});

Deno.test("the migrated schema matches testing/testdata/schema.sql", async () => {
  await using db = await createTestDatabase({ dir, databaseUrl: "memory://" });
  await assertSchemaSnapshot(db, new URL("./testdata/schema.sql", import.meta.url));
});
