import assert from "node:assert/strict";
import { thrown } from "../_test_support/thrown.ts";
import { parseFileName } from "./file_name.ts";

Deno.test("parseFileName() reads every supported file name format", () => {
  const cases: [string, ReturnType<typeof parseFileName>][] = [
    ["001_create_users.up.sql", { version: "001", name: "create_users", kind: "up" }],
    ["001_create_users.down.sql", { version: "001", name: "create_users", kind: "down" }],
    ["20260121093000_add_index.sql", {
      version: "20260121093000",
      name: "add_index",
      kind: "single",
    }],
    ["V1__init.sql", { version: "1", name: "init", kind: "up" }],
    ["U1__init.sql", { version: "1", name: "init", kind: "down" }],
    ["V1_2__add_email.sql", { version: "1_2", name: "add_email", kind: "up" }],
    ["V1.10__more.sql", { version: "1.10", name: "more", kind: "up" }],
    ["002_a.b.sql", { version: "002", name: "a.b", kind: "single" }],
  ];
  for (const [fileName, expected] of cases) {
    assert.deepEqual(parseFileName(fileName), expected, fileName);
  }
});

Deno.test("parseFileName() skips files that are not migrations", () => {
  for (const fileName of ["README.md", "001_init.sql.bak", "_helpers.sql", ".001_x.sql", "notes"]) {
    assert.equal(parseFileName(fileName), undefined, fileName);
  }
});

Deno.test("parseFileName() rejects .sql files whose name is not a migration name", () => {
  for (
    const fileName of [
      "init.sql",
      "001.sql",
      "001-init.sql",
      "V1_init.sql",
      "Vx__a.sql",
      "001_x.SQL",
    ]
  ) {
    const error = thrown(() => parseFileName(fileName, `db/${fileName}`));
    assert.equal(error.code, "INVALID_FILE_NAME", fileName);
    assert.equal(error.file, `db/${fileName}`);
    assert.ok(error.message.startsWith(`Cannot read db/${fileName}: `), error.message);
  }
});

Deno.test("parseFileName() says Flyway repeatable migrations are not supported", () => {
  const error = thrown(() => parseFileName("R__views.sql"));
  assert.equal(error.code, "INVALID_FILE_NAME");
  assert.match(error.message, /repeatable migrations \(R__\) are not supported/);
});
