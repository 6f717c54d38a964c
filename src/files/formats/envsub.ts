/**
 * Environment substitution as goose's `-- +goose ENVSUB ON` does it (the `interpolate`
 * library's rules): `$NAME` and `${NAME}` (empty when unset), `${NAME:-default}` (default
 * when unset or empty), `${NAME-default}` (default when unset), `${NAME:?message}` and
 * `${NAME?message}` (an error when unset), and `$$` for a literal `$`.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";

/**
 * The process's environment variable `name`; unset when tide may not read it (no
 * `--allow-env`). What goose's ENVSUB reads when no `env` is given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processEnv } from "./envsub.ts";
 *
 * assert.equal(processEnv("TIDE_SURELY_UNSET_VARIABLE"), undefined);
 * ```
 */
export function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: unset
  }
}

const REFERENCE =
  /\$(?:\$|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\})/g;

/**
 * `line` with environment references replaced from `env`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { substituteEnv } from "./envsub.ts";
 *
 * const env = (name: string) => ({ APP_ROLE: "app" } as Record<string, string>)[name];
 * assert.equal(substituteEnv("grant select on t to ${APP_ROLE};", env, "x.sql"), "grant select on t to app;");
 * assert.equal(substituteEnv("${REGION:-eu} $$", env, "x.sql"), "eu $");
 * ```
 */
export function substituteEnv(
  line: string,
  env: (name: string) => string | undefined,
  path: string,
): string {
  return line.replace(REFERENCE, (whole, bare, braced, colon, operator, word) => {
    if (whole === "$$") return "$";
    const name: string = bare ?? braced;
    const value = env(name);
    const missing = value === undefined || (colon === ":" && value === "");
    if (operator === "-") return missing ? word : value!;
    if (operator === "?" && missing) {
      throw new MigrationError(
        "INVALID_DIRECTIVE",
        `Cannot read ${path}: -- +goose ENVSUB ON needs the environment variable ${name}` +
          `${word ? ` (${word})` : ""}. Set it, or give a default with \${${name}:-default}.`,
        { file: path },
      );
    }
    return value ?? "";
  });
}
