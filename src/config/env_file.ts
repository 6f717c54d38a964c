/**
 * `.env` files (`--env-file FILE`), read the way Deno's own `--env-file` reads them: `KEY=value`
 * lines, `#` comments, optional `export `, single quotes kept literally, double quotes with `\n`
 * escapes. Variables already set in the environment win.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import type { EnvReader } from "./resolve.ts";

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$/;

/**
 * The variables of a `.env` file's text; a later line does not override an earlier one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEnvFile } from "./env_file.ts";
 *
 * const vars = parseEnvFile('# local\nDATABASE_URL=postgres://app@db/app # dev\nexport TIDE_ENV="dev"\n');
 * assert.equal(vars.get("DATABASE_URL"), "postgres://app@db/app");
 * assert.equal(vars.get("TIDE_ENV"), "dev");
 * ```
 */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const match = LINE.exec(line);
    if (!match || vars.has(match[1])) continue;
    vars.set(match[1], unquote(match[2]));
  }
  return vars;
}

function unquote(raw: string): string {
  const quote = raw[0];
  if ((quote === "'" || quote === '"' || quote === "`") && raw.indexOf(quote, 1) > 0) {
    const inner = raw.slice(1, raw.indexOf(quote, 1));
    return quote === '"' ? inner.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1") : inner;
  }
  return raw.replace(/\s+#.*$/, "");
}

/**
 * `env` overlaid with the variables of the `.env` file at `path`, which do not override `env`.
 * A file that cannot be read is a `CONFIG_ERROR`.
 *
 * @example
 * ```ts ignore
 * const env = await withEnvFile(Deno.env, ".env");
 * env.get("DATABASE_URL");
 * ```
 */
export async function withEnvFile(env: EnvReader, path: string): Promise<EnvReader> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Cannot read the env file ${path}: ${
        error instanceof Deno.errors.NotFound ? "there is no such file" : String(error)
      }. Create it, or leave out --env-file.`,
      { file: path, cause: error },
    );
  }
  const vars = parseEnvFile(text);
  return { get: (name) => env.get(name) ?? vars.get(name) };
}
