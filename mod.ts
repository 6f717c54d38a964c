/**
 * tide: PostgreSQL migrations for Deno, on PostgreSQL (postgres.js) and embedded PGlite.
 *
 * @module
 */
export * from "./src/errors.ts";
export * from "./src/migration.ts";
export type * from "./src/drivers/driver.ts";
export type * from "./src/verify/report.ts";
