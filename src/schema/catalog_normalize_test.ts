import assert from "node:assert/strict";
import { defaultNotNullName, unqualifySingleTableView } from "./catalog_normalize.ts";

Deno.test("unqualifySingleTableView() drops the table qualifier PostgreSQL 15 prints", () => {
  const old =
    " SELECT users.id,\n    users.email\n   FROM app.users\n  WHERE users.note = 'users.x';";
  assert.equal(
    unqualifySingleTableView(old),
    " SELECT id,\n    email\n   FROM app.users\n  WHERE note = 'users.x';",
  );
});

Deno.test("unqualifySingleTableView() keeps qualifiers when the view reads several tables", () => {
  const join = " SELECT u.id\n   FROM app.users u\n     JOIN app.logs l ON l.user_id = u.id;";
  assert.equal(unqualifySingleTableView(join), join);
});

Deno.test("defaultNotNullName() shortens table and column as PostgreSQL does, by bytes", () => {
  assert.equal(defaultNotNullName("users", "email"), "users_email_not_null");
  // 63 bytes at most: the longer part gives way first.
  const long = defaultNotNullName("t".repeat(60), "column_x");
  assert.equal(long, `${"t".repeat(45)}_column_x_not_null`);
  assert.equal(new TextEncoder().encode(long).length, 63);
  // A character is never split: "é" is two bytes.
  const accents = defaultNotNullName("é".repeat(30), "c");
  assert.equal(accents, `${"é".repeat(26)}_c_not_null`);
});
