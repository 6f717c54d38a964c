/**
 * tide: plain-SQL PostgreSQL migrations for Deno, on PostgreSQL (postgres.js) and on embedded
 * PGlite, with round-trip verification that every down reverses its up.
 *
 * @example Apply pending migrations at startup
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrate } from "@tide/tide";
 *
 * const dir = await Deno.makeTempDir(); // your migrations directory
 * await Deno.writeTextFile(`${dir}/001_users.up.sql`, "create table users (id int);\n");
 * // In an app: migrate({ databaseUrl: Deno.env.get("DATABASE_URL") }). Here: a fresh database.
 * const { steps } = await migrate({ databaseUrl: "memory://", dir });
 * assert.deepEqual(steps.map((step) => step.version), ["001"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example Drive the migrator yourself
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect, loadMigrations, Migrator } from "@tide/tide";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/001_users.up.sql`, "create table users (id int);\n");
 * await Deno.writeTextFile(`${dir}/001_users.down.sql`, "drop table users;\n");
 * await using driver = await connect("memory://"); // or a postgres:// URL
 * const migrator = new Migrator({ driver, migrations: await loadMigrations(dir) });
 * await migrator.up();
 * assert.deepEqual((await migrator.status()).applied.map((m) => m.version), ["001"]);
 * await migrator.down({ count: 1 });
 * assert.deepEqual((await migrator.status()).pending.map((m) => m.version), ["001"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./src/errors.ts";
export * from "./src/files/migration.ts";
export type * from "./src/drivers/driver.ts";
export { connect, type ConnectOptions, resolveDatabaseUrl } from "./src/drivers/connect.ts";
export { ping, type PingOptions, type PingResult } from "./src/drivers/ping.ts";
export {
  DEFAULT_FORMAT,
  DEFAULT_MIGRATIONS_DIR,
  loadMigrations,
  type LoadOptions,
  type MigrationFileInput,
  parseMigrationFiles,
} from "./src/files/load.ts";
export {
  FORMAT_NAMES,
  type FormatChoice,
  type FormatName,
  type FormatOptions,
} from "./src/files/formats/format.ts";
export { compareVersions } from "./src/files/version.ts";
export {
  type RenderedSql,
  renderScript,
  type ScriptStatement,
  type StatementHook,
  type TemplateOptions,
} from "./src/engine/run_script.ts";
export * from "./src/engine/migrator.ts";
export type { MigrationContext, SqlName, SqlTag, StatementEvent } from "./src/engine/run_code.ts";
export { ADOPT_TOOLS } from "./src/engine/adopt/adopt.ts";
export {
  type AppliedMigration,
  type AppliedStatus,
  type LogAction,
  type LogEntry,
} from "./src/engine/ledger.ts";
export { LOG_ACTIONS } from "./src/engine/ledger_sql.ts";
export {
  DEFAULT_LEDGER_LOCATION,
  type LedgerLocation,
  type LedgerTables,
  ledgerTables,
} from "./src/engine/ledger_location.ts";
export { DEFAULT_LOCK_RETRIES, DEFAULT_TIMEOUTS, type Timeouts } from "./src/engine/timeouts.ts";
export type {
  DownStep,
  PlanDownOptions,
  PlanStep,
  PlanUpOptions,
  UpStep,
} from "./src/engine/plan.ts";
export { migrate, type MigrateOptions, type ModuleDir } from "./src/engine/migrate.ts";
export {
  DEFAULT_SETTINGS,
  type FullSettings,
  type LintConfig,
  loadConfig,
  type RunSettings,
  type Settings,
  type TideConfig,
  type VerifySettings,
} from "./src/config/config_file.ts";
export { resolveSettings } from "./src/config/environments.ts";
export { redactSecrets, redactUrl } from "./src/sql/redact.ts";
// Types that appear in the signatures above, so that a caller can name them.
export type { Literal, ServerValue, Sql, SqlValue } from "./src/sql/render.ts";
export type { Exclusions } from "./src/schema/snapshot_read.ts";
export type { TimeWindow } from "./src/schema/time_literals.ts";
export type { Blocked, LockMode } from "./src/lint/lock_modes.ts";
export type { LockHolder, LockWait } from "./src/engine/lock.ts";
export type { UnreadFile } from "./src/files/unread.ts";
export type { DataDirLockHolder, DataDirLockWait } from "./src/drivers/data_dir_lock.ts";
export type * from "./src/verify/report.ts";
export { verifyMigrations, type VerifyOptions, type VerifySetup } from "./src/verify/round_trip.ts";
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
  type CreateOptions,
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
