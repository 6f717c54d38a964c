import assert from "node:assert/strict";
import { actionPermissions } from "../_test_support/action_harness.ts";

const yml = await Deno.readTextFile(new URL("../../action.yml", import.meta.url));

function section(name: string): string {
  return yml.match(new RegExp(`^${name}:\\n((?:  .*\\n|\\n)*)`, "m"))?.[1] ?? "";
}

const inputs = [...section("inputs").matchAll(/^ {2}([a-z-]+):$/gm)].map((match) => match[1]);

Deno.test("action.yml maps every input to the INPUT_ variable @actions/core reads", () => {
  assert.ok(inputs.length >= 9);
  for (const input of inputs) {
    const variable = `INPUT_${input.replace(/ /g, "_").toUpperCase()}`;
    assert.ok(yml.includes(`${variable}: \${{ inputs.${input} }}`), `${input} is not mapped`);
  }
});

Deno.test("action.yml declares every input the entry reads", async () => {
  const source = await Deno.readTextFile(new URL("./inputs.ts", import.meta.url)) +
    await Deno.readTextFile(new URL("./main.ts", import.meta.url)) +
    await Deno.readTextFile(new URL("./run.ts", import.meta.url));
  const read = [...source.matchAll(/getInput\("([a-z-]+)"\)/g)].map((match) => match[1]);
  for (const name of read) assert.ok(inputs.includes(name), `${name} is read but not declared`);
});

Deno.test("action.yml never expands an input inside a run script", () => {
  const run = yml.match(/^ {6}run: [\s\S]*$/m)?.[0] ?? "";
  assert.ok(run.length > 0);
  assert.doesNotMatch(run, /\$\{\{/);
});

Deno.test("action.yml runs the entry with explicit permissions, git the only subprocess", async () => {
  const flags = await actionPermissions();
  assert.ok(flags.includes("--allow-run=git"));
  assert.ok(!flags.some((flag) => flag === "--allow-all" || flag === "--allow-run"));
  assert.doesNotMatch(yml, /deno run[^\n]*\s-A\b/);
});

Deno.test("action.yml declares every output the entry sets", async () => {
  const outputs = [...section("outputs").matchAll(/^ {2}([a-z-]+):$/gm)].map((match) => match[1]);
  const source = await Deno.readTextFile(new URL("./run.ts", import.meta.url)) +
    await Deno.readTextFile(new URL("./apply.ts", import.meta.url)) +
    await Deno.readTextFile(new URL("./drift.ts", import.meta.url));
  const set = [...source.matchAll(/setOutput\("([a-z-]+)"/g)].map((match) => match[1]);
  assert.deepEqual([...new Set(set)].sort(), [...outputs].sort());
});
