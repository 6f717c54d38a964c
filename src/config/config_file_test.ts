import assert from "node:assert/strict";
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import { loadConfig, resolveSettings } from "./config_file.ts";

async function configOf(body: unknown) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "tide.json"), JSON.stringify(body));
    return await loadConfig(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadConfig() reads lint.rules levels, kept out of the run settings", async () => {
  const config = await configOf({ dir: "db", lint: { rules: { "drop-column": "error" } } });
  assert.deepEqual(config.lint, { rules: { "drop-column": "error" } });
  assert.equal("lint" in resolveSettings(config), false);
});

Deno.test("loadConfig() rejects an unknown lint rule, level or key", async () => {
  for (
    const [lint, message] of [
      [{ rules: { "no-such-rule": "off" } }, /"lint\.rules\.no-such-rule" is not a lint rule/],
      [{ rules: { "drop-column": "fatal" } }, /must be one of off, info, warning, error/],
      [{ levels: {} }, /"lint\.levels" is not a lint setting/],
      ["strict", /"lint" must be an object/],
    ] as const
  ) {
    await assert.rejects(
      configOf({ lint }),
      (error) => error instanceof MigrationError && message.test(error.message),
    );
  }
});
