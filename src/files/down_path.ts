/**
 * Where a migration's down lives when it is a file of its own, by the up's layout: one fact that
 * `generate-down` writes by and that "no down" messages name.
 *
 * @module
 */
import { basename, dirname, join } from "./paths.ts"; // not node:path: see paths.ts
import type { Migration } from "./migration.ts";

/**
 * The down file of `migration`: `<version>_<name>.down.sql` beside a pair's `.up.sql`,
 * `U<version>__<description>.sql` beside a Flyway `V` file (its undo migration), `down.sql`
 * beside a Diesel folder's `up.sql`; `undefined` when the down is a section of the up's own file
 * (dbmate, goose, tide's single files).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downFileOf } from "./down_path.ts";
 *
 * const at = (path: string) => ({
 *   version: "002", name: "users", noTransaction: false, checksum: "",
 *   up: { path, sql: "", line: 1, column: 1 },
 * });
 * assert.equal(downFileOf(at("migrations/002_users.up.sql")), "migrations/002_users.down.sql");
 * assert.equal(downFileOf(at("db/V002__users.sql")), "db/U002__users.sql");
 * assert.equal(downFileOf(at("migrations/002_users/up.sql")), "migrations/002_users/down.sql");
 * assert.equal(downFileOf(at("db/002_users.sql")), undefined);
 * ```
 */
export function downFileOf(migration: Migration): string | undefined {
  const dir = dirname(migration.up.path);
  const file = basename(migration.up.path);
  const pair = `${migration.version}_${migration.name}`;
  if (file.toLowerCase() === `${pair}.up.sql`.toLowerCase()) return join(dir, `${pair}.down.sql`);
  // Flyway's undo migration: its default prefix U, the version and description of the V file.
  if (/^V[^_].*__.+\.sql$/.test(file)) return join(dir, `U${file.slice(1)}`);
  if (file === "up.sql") return join(dir, "down.sql");
  return undefined;
}

/**
 * What to write for a migration that has no down, in its layout's words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { downAdvice } from "./down_path.ts";
 *
 * const up = { path: "db/V3__tags.sql", sql: "", line: 1, column: 1 };
 * const migration = { version: "3", name: "tags", noTransaction: false, checksum: "", up };
 * assert.equal(downAdvice(migration), "Write db/U3__tags.sql (tide generate-down writes a proven one).");
 * ```
 */
export function downAdvice(migration: Migration): string {
  if (migration.code !== undefined) return "Export a down(ctx) function that undoes up().";
  const file = downFileOf(migration);
  return file === undefined
    ? `Write its down section in ${migration.up.path} (tide generate-down prints a proven one).`
    : `Write ${file} (tide generate-down writes a proven one).`;
}
