/**
 * Where the testing helpers get their migrations: loaded from a directory (a path or a
 * `file:` URL), or given already loaded.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { DEFAULT_MIGRATIONS_DIR, loadMigrations, type Migration, MigrationError } from "../mod.ts";

/** Which migrations to use: a directory, or migrations already loaded. */
export interface MigrationsInput {
  /**
   * Directory of the migrations: a path (relative to the working directory) or a `file:` URL,
   * e.g. `new URL("../migrations", import.meta.url)`. Default `"migrations"`. Ignored when
   * `migrations` is given.
   */
  dir?: string | URL;
  /** Migrations already loaded (from `loadMigrations`), in version order. */
  migrations?: readonly Migration[];
}

/**
 * Returns `input.migrations`, else the migrations loaded from `input.dir`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveMigrations } from "./migrations_input.ts";
 *
 * const migrations = await resolveMigrations({ dir: new URL("../migrations", import.meta.url) });
 * assert.equal(migrations[0].name, "create_organizations");
 * assert.equal(await resolveMigrations({ migrations }), migrations); // given: used as they are
 * ```
 */
export async function resolveMigrations(input: MigrationsInput): Promise<readonly Migration[]> {
  if (input.migrations !== undefined) return input.migrations;
  return await loadMigrations(pathOf(input.dir ?? DEFAULT_MIGRATIONS_DIR));
}

/**
 * A file system path for a path or a `file:` URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError } from "../mod.ts";
 * import { pathOf } from "./migrations_input.ts";
 *
 * assert.equal(pathOf(new URL("file:///app/migrations")), "/app/migrations");
 * assert.equal(pathOf("db/migrations"), "db/migrations");
 * assert.throws(() => pathOf(new URL("https://example.com/migrations")), MigrationError);
 * ```
 */
export function pathOf(location: string | URL): string {
  if (typeof location === "string") return location;
  if (location.protocol !== "file:") {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Cannot read ${location.href}: only file: URLs and paths are supported. Pass a path, or ` +
        `new URL("../migrations", import.meta.url).`,
    );
  }
  return fileURLToPath(location);
}
