import assert from "node:assert/strict";
import { RULES } from "./rules.ts";

const README = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
const TESTDATA = new URL("./testdata/", import.meta.url);

/** Rules about the run itself, with no dangerous SQL of their own to show. */
const META = ["fails-with-rows", "apply-failed", "invalid-allow"];

Deno.test("the README has a section for every lint rule, with its Squawk and eugene names", () => {
  for (const rule of RULES) {
    const start = README.indexOf(`#### \`${rule.id}\``);
    assert.ok(start >= 0, `README has no section for ${rule.id}`);
    const section = README.slice(start, README.indexOf("\n#### ", start + 1));
    for (const name of [...rule.squawk, ...rule.eugene]) {
      assert.ok(section.includes(`\`${name}\``), `${rule.id}'s section does not name ${name}`);
    }
  }
});

Deno.test("every lint rule has a dangerous and a safe fixture, and every fixture a rule", async () => {
  const fixtures: string[] = [];
  for await (const entry of Deno.readDir(TESTDATA)) fixtures.push(entry.name);
  const expected = RULES.map((rule) => rule.id).filter((id) => !META.includes(id));
  assert.deepEqual(fixtures.sort(), expected.sort());
  for (const rule of expected) {
    for (const form of ["dangerous", "safe"]) {
      const stat = await Deno.stat(new URL(`${rule}/${form}/`, TESTDATA));
      assert.ok(stat.isDirectory, `${rule}/${form}`);
    }
  }
});

Deno.test("rule ids are unique kebab-case words", () => {
  const ids = RULES.map((rule) => rule.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z]+(-[a-z]+)*$/);
});
