import { deepEqual, throws } from "node:assert/strict";
import { parseMigrationFiles } from "../files/load.ts";
import { verifyOrder } from "./required.ts";

const parse = (files: Record<string, string>) =>
  parseMigrationFiles(
    Object.entries(files).map(([path, sql]) => ({ path, bytes: new TextEncoder().encode(sql) })),
  );
const order = (steps: ReturnType<typeof verifyOrder>) =>
  steps.map((s) => `${s.verified ? "verify" : "apply"} ${s.module}:${s.migration.version}`);

Deno.test("verifyOrder() slots what is required where it is first needed, following requirements through modules", async () => {
  const app = await parse({
    "app/001_a.up.sql": "create table a ();",
    "app/002_b.up.sql": "-- tide:requires billing:1\ncreate table b ();",
  });
  const auth = await parse({
    "auth/001_users.up.sql": "create table users ();",
    "auth/002_tokens.up.sql": "-- tide:requires app:001\ncreate table tokens ();",
    "auth/003_more.up.sql": "create table more ();",
  });
  const billing = await parse({ "billing/1_plans.up.sql": "-- tide:requires auth:002\nselect 1;" });
  const others = [{ module: "auth", migrations: auth }, { module: "billing", migrations: billing }];
  deepEqual(order(verifyOrder("app", app, others)), [
    "verify app:001",
    "apply auth:001",
    "apply auth:002", // needs app:001, so after it
    "apply billing:1",
    "verify app:002",
  ]);
});

Deno.test("verifyOrder() leaves a requirement no given module meets to the migration, as before", async () => {
  const app = await parse({ "app/001_a.up.sql": "-- tide:requires vendor:7\ncreate table a ();" });
  deepEqual(order(verifyOrder("app", app, [])), ["verify app:001"]);
  deepEqual(order(verifyOrder("app", app, [{ module: "auth", migrations: [] }])), [
    "verify app:001",
  ]);
});

Deno.test("verifyOrder() refuses requirements that form a cycle, as up does", async () => {
  const app = await parse({ "app/001_a.up.sql": "-- tide:requires auth:1\ncreate table a ();" });
  const auth = await parse({ "auth/1_u.up.sql": "-- tide:requires app:001\ncreate table u ();" });
  throws(
    () => verifyOrder("app", app, [{ module: "auth", migrations: auth }]),
    { code: "UNMET_REQUIREMENT", message: /form a cycle/ },
  );
});
