import { deepEqual, equal, match } from "node:assert/strict";
import { loadMigrations } from "../files/load.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";
import { REPEATABLE_NOTE, verifyMigrations } from "./round_trip.ts";

// A Flyway project: versioned migrations with undos, and repeatables that Flyway re-applies
// whenever they change and never rolls back.
const FILES = {
  "V1__users.sql": "CREATE TABLE users (id int PRIMARY KEY, email text, active boolean);\n",
  "U1__users.sql": "DROP TABLE users;\n",
  "R__active_users.sql": "CREATE OR REPLACE VIEW active_users AS\n" +
    "  SELECT id, email FROM users WHERE active;\n",
  // Not re-runnable: the second run fails, as Flyway's would after any edit of the file.
  "R__user_emails.sql": "CREATE VIEW user_emails AS SELECT email FROM users;\n",
};

Deno.test("verify applies a Flyway repeatable twice instead of asking it for a down", async (t) => {
  await onEachDatabase(t, async (_driver, kind, url) => {
    const dir = await writeMigrations(FILES);
    try {
      const migrations = await loadMigrations(dir, { format: "flyway" });
      const report = await verifyMigrations({
        migrations,
        ...(kind === "postgres" ? { databaseUrl: url } : {}),
      });
      deepEqual(report.migrations.map((m) => [m.name, m.status, m.failure]), [
        ["users", "round-trips", undefined],
        ["active_users", "re-applies", undefined],
        ["user_emails", "failed", "re-up"],
      ]);
      equal(report.migrations[1].note, REPEATABLE_NOTE);
      match(report.migrations[2].problems[0], /re-up failed: .*user_emails.* already exists/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
