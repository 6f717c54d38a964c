/**
 * Test support: the `MigrationError` a synchronous call throws.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";

/**
 * Runs `fn` and returns the `MigrationError` it throws; fails when it throws nothing or
 * something else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFileName } from "../files/file_name.ts";
 * import { thrown } from "./thrown.ts";
 *
 * assert.equal(thrown(() => parseFileName("x.sql")).code, "INVALID_FILE_NAME");
 * assert.throws(() => thrown(() => parseFileName("001_a.up.sql")), /Expected a MigrationError/);
 * ```
 */
export function thrown(fn: () => unknown): MigrationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MigrationError) return error;
    throw error;
  }
  throw new Error("Expected a MigrationError.");
}
