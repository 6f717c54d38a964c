import assert from "node:assert/strict";
import { actionPermissions } from "../_test_support/action_harness.ts";
import { DEFAULT_SETTINGS } from "../config/config_file.ts";
import { settingFlag } from "../config/resolve.ts";
import { SETTING_INPUTS } from "./inputs.ts";

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

Deno.test("action.yml declares every setting input, each named like the CLI flag of a setting", () => {
  const flags = [...Object.keys(DEFAULT_SETTINGS), "databaseUrl"].map(settingFlag);
  for (const name of SETTING_INPUTS) {
    assert.ok(inputs.includes(name), `${name} is read but not declared`);
    assert.ok(flags.includes(name), `${name} is not the flag of a setting`);
  }
  for (const name of ["config", "environment", "table", "lock-timeout", "statement-timeout"]) {
    assert.ok(inputs.includes(name), `${name} is declared`);
  }
});

Deno.test("action.yml leaves dir and schema empty by default, so the project's config applies", () => {
  for (const name of SETTING_INPUTS) {
    const block = yml.match(new RegExp(`^  ${name}:\\n((?:    .*\\n)+)`, "m"))?.[1] ?? "";
    assert.match(block, /^ {4}default: ""$/m, `${name} has an empty default`);
  }
});

Deno.test("action.yml pins the nested setup-deno by commit, with its version in a comment", () => {
  assert.match(yml, /uses: denoland\/setup-deno@[0-9a-f]{40} # v\d+\.\d+\.\d+\n/);
});
