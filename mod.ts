/**
 * tide: plain-SQL PostgreSQL migrations for Deno, on PostgreSQL (postgres.js) and on embedded
 * PGlite, with round-trip verification that every down reverses its up.
 *
 * @example Apply pending migrations at startup
 * ```ts ignore
 * import { migrate } from "@tide/tide";
 *
 * await migrate({ databaseUrl: Deno.env.get("DATABASE_URL"), dir: "migrations" });
 * ```
 *
 * @example Drive the migrator yourself
 * ```ts ignore
 * import { connect, loadMigrations, Migrator } from "@tide/tide";
 *
 * await using driver = await connect("postgres://app@localhost/app");
 * const migrator = new Migrator({ driver, migrations: await loadMigrations("migrations") });
 * console.log(await migrator.status());
 * await migrator.down({ count: 1 });
 * ```
 *
 * @module
 */
export * from "./src/errors.ts";
export * from "./src/files/migration.ts";
export type * from "./src/drivers/driver.ts";
export { connect, type ConnectOptions, resolveDatabaseUrl } from "./src/drivers/connect.ts";
export {
  DEFAULT_MIGRATIONS_DIR,
  loadMigrations,
  type MigrationFileInput,
  parseMigrationFiles,
} from "./src/files/load.ts";
export { compareVersions } from "./src/files/version.ts";
export { type RenderedSql, renderScript, type TemplateOptions } from "./src/engine/run_script.ts";
export * from "./src/engine/migrator.ts";
export { ADOPT_TOOLS } from "./src/engine/adopt/adopt.ts";
export {
  type AppliedMigration,
  type AppliedStatus,
  DEFAULT_LEDGER_LOCATION,
  type LedgerLocation,
  type LedgerTables,
  ledgerTables,
  type LogAction,
  type LogEntry,
} from "./src/engine/ledger.ts";
export { DEFAULT_LOCK_RETRIES, DEFAULT_TIMEOUTS, type Timeouts } from "./src/engine/timeouts.ts";
export type {
  DownStep,
  PlanDownOptions,
  PlanStep,
  PlanUpOptions,
  UpStep,
} from "./src/engine/plan.ts";
export { migrate, type MigrateOptions } from "./src/engine/migrate.ts";
export {
  DEFAULT_SETTINGS,
  loadConfig,
  resolveSettings,
  type RunSettings,
  type Settings,
  type TideConfig,
} from "./src/config/config_file.ts";
export { redactSecrets, redactUrl } from "./src/sql/redact.ts";
export type * from "./src/verify/report.ts";
export { verifyMigrations, type VerifyOptions } from "./src/verify/round_trip.ts";
export {
  validateMigrations,
  type ValidateOptions,
  type ValidationProblem,
  type ValidationProblemKind,
  type ValidationReport,
} from "./src/engine/validate.ts";
export {
  type CreatedMigration,
  createMigration,
  type MigrationFormat,
} from "./src/files/scaffold.ts";
export {
  type SchemaSnapshot,
  type SnapshotObject,
  type SnapshotObjectKind,
  type SnapshotOptions,
  takeSnapshot,
} from "./src/schema/snapshot.ts";
export { type DiffOptions, diffSnapshots, type SchemaChange } from "./src/schema/diff.ts";
export { textDiff, type TextDiffOptions } from "./src/schema/text_diff.ts";
export type { ApplyUp, StepObserver } from "./src/verify/observer.ts";
export {
  createLintSession,
  lintMigrations,
  type LintOptions,
  type LintSession,
  type LintSettings,
  type RuleLevel,
} from "./src/lint/lint.ts";
export type * from "./src/lint/report.ts";
export { type RuleInfo, RULES } from "./src/lint/rules.ts";
