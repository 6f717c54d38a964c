/**
 * The settings in force for an environment: the config file's top level overlaid by one of its
 * `environments`, and `${VAR}` in the database URL read from the process environment.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import type { Settings, TideConfig } from "./config_file.ts";

/**
 * The settings in force for an environment: the file's top level overlaid by the environment.
 * `${VAR}` in `databaseUrl` is replaced from `env`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveSettings } from "./environments.ts";
 *
 * const settings = resolveSettings(
 *   { dir: "db", environments: { production: { databaseUrl: "${PROD_URL}", protected: true } } },
 *   "production",
 *   new Map([["PROD_URL", "postgres://app@db/app"]]),
 * );
 * assert.deepEqual(settings, { dir: "db", databaseUrl: "postgres://app@db/app", protected: true });
 * ```
 */
export function resolveSettings(
  config: TideConfig,
  environment?: string,
  env: { get(name: string): string | undefined } = Deno.env,
): Settings {
  const { environments, source: _source, lint: _lint, ...top } = config;
  let settings: Settings = top;
  if (environment !== undefined) {
    const chosen = environments?.[environment];
    if (!chosen) {
      const known = Object.keys(environments ?? {});
      throw new MigrationError(
        "CONFIG_ERROR",
        `Unknown environment "${environment}"${config.source ? ` in ${config.source}` : ""}. ` +
          (known.length
            ? `Known environments: ${known.join(", ")}.`
            : "No environments are configured."),
      );
    }
    settings = { ...top, ...chosen };
    // A group is overlaid member by member: an environment may set one verify setting.
    if (top.verify !== undefined && chosen.verify !== undefined) {
      settings.verify = { ...top.verify, ...chosen.verify };
    }
  }
  if (settings.databaseUrl !== undefined) {
    settings = { ...settings, databaseUrl: expandEnv(settings.databaseUrl, env) };
  }
  return settings;
}

function expandEnv(text: string, env: { get(name: string): string | undefined }): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
    const value = env.get(name);
    if (value === undefined) {
      throw new MigrationError(
        "CONFIG_ERROR",
        `The config's databaseUrl uses \${${name}}, but the environment variable ${name} is not set.`,
      );
    }
    return value;
  });
}
