import assert from "node:assert/strict";
import { urlSecrets } from "./secrets.ts";

Deno.test("urlSecrets() returns the URL and its password as written and decoded", () => {
  assert.deepEqual(urlSecrets("postgres://app:p%40ss@db:5432/app"), [
    "postgres://app:p%40ss@db:5432/app",
    "p%40ss",
    "p@ss",
  ]);
});

Deno.test("urlSecrets() finds passwords in key=value strings and query parameters", () => {
  assert.ok(urlSecrets("host=db user=app password='it\\'s x'").includes("it's x"));
  assert.ok(urlSecrets("host=db password=hunter2 dbname=app").includes("hunter2"));
  assert.ok(urlSecrets("postgres://db/app?sslmode=require&password=q%26r").includes("q&r"));
});

Deno.test("urlSecrets() returns only the URL when it holds no password", () => {
  assert.deepEqual(urlSecrets("postgres://app@db/app"), ["postgres://app@db/app"]);
});
