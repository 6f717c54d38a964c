/**
 * Helpers for `deno test` suites of projects that use tide: verify that every migration
 * round-trips (one test step per migration), get a fresh migrated database for application
 * tests (an in-memory PGlite or a throwaway database on a server, with a URL for the app's own
 * client), and compare the migrated schema with a committed snapshot file.
 *
 * @example Verify the migrations and test against the migrated schema
 * ```ts
 * // db_test.ts, here beside this repository's example migrations and committed schema.
 * import { assertSchemaSnapshot, createTestDatabase, roundTripTest } from "@tide/tide/testing";
 *
 * const dir = new URL("../migrations", import.meta.url);
 *
 * roundTripTest({ dir }); // one step per migration: up, down, up again, same schemas
 *
 * Deno.test("the schema is the committed one", async () => {
 *   await using db = await createTestDatabase({ dir });
 *   await assertSchemaSnapshot(db, new URL("./testdata/schema.sql", import.meta.url));
 * });
 * ```
 *
 * @module
 */
export type { MigrationsInput } from "./migrations_input.ts";
export {
  assertRoundTrip,
  describeVerdict,
  type RoundTripOptions,
  roundTripTest,
  type RoundTripTestOptions,
  verifyRoundTrip,
} from "./round_trip.ts";
export {
  createTestDatabase,
  type PgliteTestDatabase,
  type SeedFunction,
  type ServerTestDatabase,
  TEST_DATABASE_URL_ENV,
  type TestDatabase,
  type TestDatabaseOptions,
} from "./test_database.ts";
export { assertSchemaSnapshot, type SchemaSnapshotOptions } from "./schema_snapshot.ts";
export type { PgliteDriver } from "../src/internal.ts";
export type { SeedInput } from "./seed.ts";
// Types that appear in the signatures above, so that a caller can name them.
export type {
  Driver,
  DriverKind,
  LedgerLocation,
  Migration,
  MigrationScript,
  MigrationVerdict,
  Queryable,
  Requirement,
  RoundTripFailure,
  Row,
  SchemaChangeSummary,
  SqlErrorLocation,
  VerdictStatus,
  VerifyReport,
} from "../mod.ts";
