import assert from "node:assert/strict";
import { unqualifySingleTableView } from "./catalog_normalize.ts";

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
