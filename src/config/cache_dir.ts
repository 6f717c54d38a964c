/**
 * Where tide keeps its caches (PGlite data directories, parsed migration files): one rule, for
 * every user of the cache.
 *
 * @module
 */
import { join } from "../files/paths.ts"; // not node:path: see paths.ts
import type { EnvReader } from "./resolve.ts";

/**
 * The user's cache directory for tide: `$TIDE_CACHE_DIR`, `$XDG_CACHE_HOME/tide`,
 * `~/.cache/tide` (`%LOCALAPPDATA%\tide` on Windows), else a temporary directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheDirectory } from "./cache_dir.ts";
 *
 * const env = new Map([["HOME", "/home/ada"]]);
 * assert.equal(cacheDirectory(env), "/home/ada/.cache/tide");
 * env.set("TIDE_CACHE_DIR", "/var/cache/tide-ci");
 * assert.equal(cacheDirectory(env), "/var/cache/tide-ci");
 * ```
 */
export function cacheDirectory(env: EnvReader = Deno.env): string {
  return userCacheDirectory(env) ??
    join(Deno.makeTempDirSync({ prefix: "tide_cache_" }), "tide");
}

/**
 * {@linkcode cacheDirectory} when the environment names one; `undefined` instead of a
 * temporary directory, for caches not worth keeping for one process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { userCacheDirectory } from "./cache_dir.ts";
 *
 * assert.equal(userCacheDirectory(new Map()), undefined);
 * assert.equal(userCacheDirectory(new Map([["XDG_CACHE_HOME", "/c"]])), "/c/tide");
 * ```
 */
export function userCacheDirectory(env: EnvReader = Deno.env): string | undefined {
  const get = (name: string) => {
    try {
      return env.get(name) || undefined;
    } catch {
      return undefined; // no --allow-env for it
    }
  };
  const explicit = get("TIDE_CACHE_DIR");
  if (explicit) return explicit;
  const home = get("HOME");
  const base = get("XDG_CACHE_HOME") ?? get("LOCALAPPDATA") ??
    (home ? join(home, ".cache") : undefined);
  return base === undefined ? undefined : join(base, "tide");
}
