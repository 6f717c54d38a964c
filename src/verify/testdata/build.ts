/**
 * Migrations for verification tests, built in memory: no files, so a down can be missing or
 * empty whatever the loader accepts.
 *
 * @module
 */
import type { Migration } from "../../files/migration.ts";
import { splitStatements } from "../../sql/split.ts";
import { withoutOuterTransactions } from "../../files/outer_transaction.ts";
import { migrationLabel } from "../../files/version.ts";

/** One migration as a test writes it. */
export interface MigrationCase {
  /** Version, e.g. `"001"`. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** Up SQL. */
  up: string;
  /** Down SQL; absent (or empty) for a migration without one. */
  down?: string;
  /** `-- tide:no-transaction`. */
  noTransaction?: boolean;
}

/**
 * The {@linkcode Migration}s of `cases`, as `loadMigrations` would give them for
 * `<version>_<name>.up.sql` / `.down.sql` files; a down of only comments and whitespace is no
 * down.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildMigrations } from "./build.ts";
 *
 * const [m] = buildMigrations([{ version: "001", name: "backfill", up: "update t set x = 1;" }]);
 * assert.equal(m.down, undefined);
 * assert.equal(m.up.path, "001_backfill.up.sql");
 * ```
 */
export function buildMigrations(cases: readonly MigrationCase[]): Migration[] {
  return cases.map((c) => {
    const script = (sql: string, direction: string) => ({
      path: `${migrationLabel(c)}.${direction}.sql`,
      sql,
      line: 1,
      column: 1,
    });
    // The loader blanks a file's own outer BEGIN/COMMIT: tide's transaction takes its place.
    return withoutOuterTransactions({
      version: c.version,
      name: c.name,
      up: script(c.up, "up"),
      down: c.down === undefined || splitStatements(c.down).length === 0
        ? undefined
        : script(c.down, "down"),
      noTransaction: c.noTransaction ?? false,
      checksum: "",
    });
  });
}
