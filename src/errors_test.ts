import assert from "node:assert/strict";
import { MIGRATION_ERROR_CODES } from "./errors.ts";

Deno.test("the README's error table lists every error code, in the order of the code list", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const section = readme.slice(readme.indexOf("## Error codes"));
  const table = section.slice(0, section.indexOf("\n## "));
  const listed = [...table.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((match) => match[1]);
  assert.deepEqual(listed, [...MIGRATION_ERROR_CODES]);
});
