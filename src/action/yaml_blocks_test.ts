import assert from "node:assert/strict";
import { parse } from "npm:yaml@2.9.1";

const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
const blocks = [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].map((match) => match[1]);

Deno.test("every YAML block of the README parses, as GitHub would read it", () => {
  assert.ok(blocks.length >= 2, "the README shows the check and apply workflows");
  for (const block of blocks) {
    const name = block.split("\n")[0];
    assert.doesNotThrow(() => parse(block, { strict: true, uniqueKeys: true }), name);
    const workflow = parse(block) as { jobs?: Record<string, { steps?: unknown[] }> };
    for (const [job, { steps }] of Object.entries(workflow.jobs ?? {})) {
      for (const step of steps ?? []) {
        assert.equal(typeof step, "object", `${name}: a step of ${job} is not a mapping`);
        const { env } = step as { env?: unknown };
        assert.ok(env === undefined || typeof env === "object", `${name}: env of a step of ${job}`);
      }
    }
  }
});

Deno.test("the deploy workflow passes the action's outputs to a step's env", () => {
  const deploy = blocks.find((block) => block.includes("deploy.yml"));
  assert.ok(deploy);
  const workflow = parse(deploy) as {
    jobs: { migrate: { steps: { run?: string; env?: Record<string, string> }[] } };
  };
  const echo = workflow.jobs.migrate.steps.find((step) => step.run?.startsWith("echo"));
  assert.deepEqual(Object.keys(echo?.env ?? {}), ["APPLIED", "VERSIONS"]);
});

Deno.test("action.yml parses", async () => {
  const yml = await Deno.readTextFile(new URL("../../action.yml", import.meta.url));
  const action = parse(yml, { strict: true, uniqueKeys: true }) as { runs?: { using?: string } };
  assert.equal(action.runs?.using, "composite");
});
