import { deepEqual, equal, rejects } from "node:assert/strict";
import { MigrationError } from "../errors.ts";
import { createMigration, sanitizeName } from "./scaffold.ts";
import { nextVersion } from "./version.ts";

Deno.test("nextVersion() pads the next integer to the width in use, 001 by default", () => {
  equal(nextVersion([]), "001");
  equal(nextVersion(["001", "002"]), "003");
  equal(nextVersion(["0009"]), "0010");
  equal(nextVersion(["1", "2", "10"]), "11");
  equal(nextVersion(["099"]), "100");
  equal(nextVersion(["1.2", "1_3"]), "2");
});

Deno.test("nextVersion() uses a UTC timestamp when every version is one, always later than the newest", () => {
  const now = new Date("2026-02-03T04:05:06.789Z");
  equal(nextVersion(["20260101120000"], now), "20260203040506");
  equal(nextVersion(["20990101000000"], now), "20990101000001");
  equal(nextVersion(["20260101120000", "005"], now), "20260101120001");
});

Deno.test("sanitizeName() keeps lowercase letters, digits and single underscores", () => {
  equal(sanitizeName("Add Users' e-mail!"), "add_users_e_mail");
  equal(sanitizeName("  __x__ "), "x");
  equal(sanitizeName("Café"), "cafe");
  equal(sanitizeName("!!!"), "");
});

Deno.test("createMigration() follows Flyway naming in a Flyway directory and refuses an empty name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tide-scaffold-" });
  try {
    await Deno.writeTextFile(`${dir}/V1__init.sql`, "select 1;");
    const created = await createMigration(dir, "seed");
    deepEqual(created.files, [`${dir}/V2__seed.sql`, `${dir}/U2__seed.sql`]);
    await rejects(createMigration(dir, "???"), MigrationError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
