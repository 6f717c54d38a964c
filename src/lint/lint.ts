/**
 * `tide lint`'s engine: what each migration does to production, measured on PGlite (or on a
 * throwaway database of a server), plus the rules read from the SQL. Alone, it applies each up
 * once, measured; beside `verifyMigrations`, the same measuring session rides along the round
 * trip as its {@linkcode StepObserver}, so one pass serves both.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import type { Migration, MigrationScript } from "../files/migration.ts";
import { compareVersions } from "../files/version.ts";
import { runScript, type StatementHook } from "../engine/run_script.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import type { StepObserver } from "../verify/observer.ts";
import { verifyOrder } from "../verify/required.ts";
import type { VerifySetup } from "../verify/setup.ts";
import type { ModuleMigrations } from "../engine/migrator_options.ts";
import { analyseMigration, type RuleLevel } from "./analyse.ts";
import { MeasuringSession } from "./measure.ts";
import { type LintReport, lintReport, type MigrationLint } from "./report.ts";
import { loadParser, type SqlParser } from "./sql_parser.ts";
import { type LintStatement, tablesChanged, upStatements } from "./statements.ts";
import { renderScript } from "../files/templates.ts";

export type { RuleLevel };

/** What both ways of linting take. */
export interface LintSettings {
  /** Migrations in version order (from `loadMigrations`). */
  migrations: readonly Migration[];
  /** Which to lint; the others are applied once, unmeasured. Default: every one. */
  lint?: (migration: Migration) => boolean;
  /** Schema for `{{schema}}` templates. */
  schema?: string;
  /** tide's `lock_timeout` (`--lock-timeout`, `lockTimeoutMs`), in ms; 0 means none. */
  lockTimeoutMs?: number;
  /** Severity overrides by rule id (`lint.rules` in the config). */
  rules?: Readonly<Record<string, RuleLevel>>;
}

/** Options of {@linkcode lintMigrations}. */
export interface LintOptions extends LintSettings {
  /** A PostgreSQL server to measure on instead of PGlite (a throwaway database is made there). */
  databaseUrl?: string;
  /** SQL run once before the first migration, as `verify` runs it (`verify.setup`). */
  setup?: VerifySetup;
  /** The module of `migrations`, as requirements name it. Default `""`. */
  module?: string;
  /** Other modules: what the migrations require of them is applied first, as `verify` does. */
  modules?: readonly ModuleMigrations[];
  /** Called with each migration's lint as soon as it is known. */
  onMigration?: (lint: MigrationLint) => void;
}

/** A measuring session to pass to `verifyMigrations` as its `observer`, and its report. */
export interface LintSession {
  /** The observer. */
  readonly observer: StepObserver;
  /** The report of the linted migrations, from what was measured (read-only for the rest). */
  report(): LintReport;
}

async function prepare(settings: LintSettings) {
  const parse = await loadParser();
  const cache = new Map<string, LintStatement[]>();
  const statements = (migration: Migration) => {
    let found = cache.get(migration.version);
    if (!found) cache.set(migration.version, found = readStatements(migration, parse, settings));
    return found;
  };
  return { statements, linted: settings.lint ?? (() => true) };
}

function readStatements(migration: Migration, parse: SqlParser, settings: LintSettings) {
  return upStatements(migration, parse, settings.schema);
}

/**
 * A session to run inside `verifyMigrations({ observer })`; after it, `report()` lints the
 * migrations `settings.lint` selects, from what the round trip's first ups measured.
 *
 * @example
 * ```ts ignore
 * const lint = await createLintSession({ migrations });
 * const verified = await verifyMigrations({ migrations, observer: lint.observer });
 * console.log(verified.ok, lint.report().ok);
 * ```
 */
export async function createLintSession(settings: LintSettings): Promise<LintSession> {
  const { statements, linted } = await prepare(settings);
  const parse = await loadParser();
  const session = new MeasuringSession({
    statements,
    lockTimeoutMs: settings.lockTimeoutMs ?? 0,
    emptyAfterUp: true,
    roundTripTables: (migration) => {
      const render = (script: MigrationScript) => renderScript(script, settings).text;
      const up = tablesChanged(render(migration.up), parse);
      const down = migration.down && tablesChanged(render(migration.down), parse);
      return up && down && [...up, ...down];
    },
  });
  // Each migration is analysed as soon as it ran, so no measurement (with its copy of the
  // catalog) outlives its migration.
  const lints = new Map<string, MigrationLint>();
  const analyse = (migration: Migration) => {
    lints.set(
      migration.version,
      analyseMigration({
        migration,
        statements: statements(migration),
        measurement: session.results.get(migration.version),
        levels: settings.rules,
      }),
    );
    session.results.delete(migration.version);
  };
  const observer: StepObserver = {
    observeUp: async (db, migration, up) => {
      if (!linted(migration)) return await session.passUp(up);
      try {
        await session.observeUp(db, migration, up);
      } finally {
        analyse(migration);
      }
    },
  };
  return {
    observer,
    report: () => {
      const selected = settings.migrations.filter(linted);
      for (const migration of selected) if (!lints.has(migration.version)) analyse(migration);
      return lintReport(selected.map((migration) => lints.get(migration.version)!));
    },
  };
}

/**
 * Lints migrations: applies every up once, in order, on an in-memory PGlite (or a throwaway
 * database on `databaseUrl`'s server), measuring the ones `lint` selects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lintMigrations } from "./lint.ts";
 *
 * const script = (path: string, sql: string) => ({ path, sql, line: 1, column: 1 });
 * const migrations = [
 *   { version: "001", name: "books", noTransaction: false, checksum: "",
 *     up: script("001_books.up.sql", "CREATE TABLE books (id int PRIMARY KEY, price int);") },
 *   { version: "002", name: "price", noTransaction: false, checksum: "",
 *     up: script("002_price.up.sql", "ALTER TABLE books ALTER price TYPE bigint;") },
 * ];
 * const report = await lintMigrations({ migrations, lint: (m) => m.version === "002" });
 * assert.equal(report.ok, false);
 * assert.deepEqual(report.migrations[0].rewrites.includes("public.books"), true);
 * ```
 */
export async function lintMigrations(options: LintOptions): Promise<LintReport> {
  const [{ openWorkspace }, { runSetup }] = await Promise.all([
    import("../verify/workspace.ts"),
    import("../verify/setup.ts"),
  ]);
  const others = (options.modules ?? []).flatMap((m) => m.migrations);
  await using workspace = await openWorkspace(
    [...options.migrations, ...others],
    options.databaseUrl,
    options.setup?.sql,
  );
  if (options.setup) await runSetup(workspace.driver, options.setup, options.schema);
  return await lintOnDatabase(workspace.driver, options);
}

/**
 * {@linkcode lintMigrations} on an open database, which it changes: for tests that reuse one.
 *
 * @example
 * ```ts ignore
 * await using db = await connect("memory://");
 * const report = await lintOnDatabase(db, { migrations });
 * ```
 */
export async function lintOnDatabase(db: Driver, options: LintOptions): Promise<LintReport> {
  const { statements, linted } = await prepare(options);
  const session = new MeasuringSession({
    statements,
    lockTimeoutMs: options.lockTimeoutMs ?? 0,
    emptyAfterUp: false,
  });
  if (options.schema !== undefined) {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
  }
  const lints: MigrationLint[] = [];
  const ordered = [...options.migrations].sort((a, b) => compareVersions(a.version, b.version));
  // Other modules' migrations these require run where `tide up` would run them, never linted.
  for (const step of verifyOrder(options.module ?? "", ordered, options.modules ?? [])) {
    const { migration } = step;
    const up = (hook?: StatementHook) => applyUp(db, migration, options.schema, hook);
    if (!step.verified || !linted(migration)) {
      await session.passUp(up);
      continue;
    }
    // A failure is recorded by the session and reported as a finding; the next ones go on.
    await session.observeUp(db, migration, up).catch(() => {});
    const lint = analyseMigration({
      migration,
      statements: statements(migration),
      measurement: session.results.get(migration.version),
      levels: options.rules,
    });
    session.results.delete(migration.version);
    lints.push(lint);
    options.onMigration?.(lint);
  }
  return lintReport(lints);
}

async function applyUp(
  db: Driver,
  migration: Migration,
  schema: string | undefined,
  eachStatement?: StatementHook,
): Promise<void> {
  const up = (q: Queryable) => runScript(q, migration, "up", { schema, eachStatement });
  await (migration.noTransaction ? up(db) : db.transaction(up));
}
