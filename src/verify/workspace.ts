/**
 * The database verification runs in: an in-memory PGlite booted from the cache, or a throwaway
 * database on a PostgreSQL server. Both can checkpoint and restore, for `no-transaction`
 * migrations whose failures a transaction cannot undo.
 *
 * @module
 */
import { connect } from "../drivers/connect.ts";
import type { Driver, Queryable } from "../drivers/driver.ts";
import { extensionsIn } from "../drivers/pglite_extensions.ts";
import { errorMessage, MigrationError } from "../errors.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import type { Migration } from "../files/migration.ts";
import type { IncrementalSnapshot } from "../schema/snapshot_incremental.ts";
import { type ChangeTracker, trackChanges } from "./change_tracker.ts";

/** A saved state to return to. */
export type Checkpoint = { kind: "pglite"; data: Blob } | { kind: "postgres"; database: string };

/** A database to verify in. */
export interface Workspace extends AsyncDisposable {
  /** The current connection; replaced by {@linkcode Workspace.restore}. */
  readonly driver: Driver;
  /** Saves the current state. */
  checkpoint(): Promise<Checkpoint>;
  /** Returns to a saved state. */
  restore(checkpoint: Checkpoint): Promise<void>;
  /**
   * Snapshots the schema behind `db` (the driver or a transaction on it). With `base`, the
   * snapshot the changes since the previous call started from, only changed objects are read.
   */
  snapshot(db: Queryable, base?: IncrementalSnapshot): Promise<IncrementalSnapshot>;
  /** The DDL command tags run before the last snapshot; `undefined` when not known. */
  commands(): readonly string[] | undefined;
}

/**
 * Opens a workspace for `migrations`: PGlite with the extensions they (and the `setup` SQL run
 * before them) create, or a new database on the server of `databaseUrl`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openWorkspace } from "./workspace.ts";
 *
 * await using workspace = await openWorkspace([]); // PGlite: no migration needs an extension
 * await workspace.driver.exec("create table t (id int)");
 * const saved = await workspace.checkpoint();
 * await workspace.driver.exec("drop table t");
 * await workspace.restore(saved); // a new driver, on the saved state
 * const sql = "select to_regclass('t')::text as t";
 * assert.deepEqual(await workspace.driver.query(sql), [{ t: "t" }]);
 * ```
 */
export async function openWorkspace(
  migrations: readonly Migration[],
  databaseUrl?: string,
  setup = "",
): Promise<Workspace> {
  const workspace = databaseUrl === undefined
    ? await pgliteWorkspace(migrations, setup)
    : await postgresWorkspace(databaseUrl);
  let tracker: ChangeTracker;
  try {
    tracker = await trackChanges(workspace.driver);
  } catch (error) {
    await workspace[Symbol.asyncDispose]();
    throw error;
  }
  // Checkpoints copy the whole database, the tracker's triggers included.
  return Object.assign(workspace, { snapshot: tracker.snapshot, commands: tracker.commands });
}

async function pgliteWorkspace(
  migrations: readonly Migration[],
  setup: string,
): Promise<Omit<Workspace, "snapshot" | "commands">> {
  const { bootPglite } = await import("../drivers/pglite_cache.ts");
  const { createPgliteDriver } = await import("../drivers/pglite.ts");
  const sql = [setup, ...migrations.flatMap((m) => [m.up.sql, m.down?.sql ?? ""])].join("\n");
  const extensions = [...new Set(extensionsIn(sql))];
  let driver = await bootPglite({ extensions });
  return {
    get driver() {
      return driver;
    },
    checkpoint: async () => ({ kind: "pglite", data: await driver.dumpDataDir() }),
    restore: async (checkpoint) => {
      if (checkpoint.kind !== "pglite") throw new TypeError("Not a PGlite checkpoint.");
      await driver.close();
      driver = await createPgliteDriver({ loadDataDir: checkpoint.data, extensions });
    },
    [Symbol.asyncDispose]: () => driver.close(),
  };
}

/**
 * This run's databases are named `tide_verify_<run>_<random>`, `<run>` being its start time
 * (UTC, `YYYYMMDDHHMMSS`) and pid; its sessions are named `tide verify <run>`. A run that was
 * killed leaves its databases behind: the next run drops those of every earlier run that has no
 * session left.
 */
const PREFIX = "tide_verify_";

function runId(): string {
  return `${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${Deno.pid}`;
}

async function postgresWorkspace(
  serverUrl: string,
): Promise<Omit<Workspace, "snapshot" | "commands">> {
  const run = runId();
  const applicationName = `tide verify ${run}`;
  const admin = await connect(serverUrl, { applicationName });
  await dropStale(admin, run);
  const created: string[] = [];
  let driver: Driver | undefined;
  const stopOnSignal = onSignal(async () => {
    await driver?.close().catch(() => {});
    await dropAll(admin, created);
  });
  const newDatabase = async (template?: string) => {
    const random = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
    const name = `${PREFIX}${run}_${random}`;
    const from = template ? ` TEMPLATE ${quoteIdentifier(template)}` : "";
    try {
      await admin.exec(`CREATE DATABASE ${quoteIdentifier(name)}${from}`);
    } catch (error) {
      throw cannotCreate(admin.target, error);
    }
    created.push(name);
    return name;
  };
  const open = (name: string) => connect(databaseUrlFor(serverUrl, name), { applicationName });
  let current: string;
  try {
    current = await newDatabase();
    driver = await open(current);
  } catch (error) {
    stopOnSignal();
    await dropAll(admin, created);
    await admin.close();
    throw error;
  }
  return {
    get driver() {
      return driver!;
    },
    // A template database must have no connections while it is copied.
    checkpoint: async () => {
      await driver!.close();
      const database = await newDatabase(current);
      driver = await open(current);
      return { kind: "postgres", database };
    },
    restore: async (checkpoint) => {
      if (checkpoint.kind !== "postgres") throw new TypeError("Not a PostgreSQL checkpoint.");
      await driver!.close();
      current = await newDatabase(checkpoint.database);
      driver = await open(current);
    },
    [Symbol.asyncDispose]: async () => {
      stopOnSignal();
      await driver!.close();
      await dropAll(admin, created);
      await admin.close();
    },
  };
}

function cannotCreate(target: string, error: unknown): MigrationError {
  const reason = errorMessage(error);
  return new MigrationError(
    "VERIFY_DATABASE_FAILED",
    `Creating a throwaway database to verify in on ${target} failed: ${reason}. The role of ` +
      "--database-url needs the CREATEDB privilege (ALTER ROLE ... CREATEDB), or use another role.",
    { cause: error },
  );
}

async function dropAll(admin: Driver, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`).catch(
      () => {},
    );
  }
}

/**
 * Drops the databases of earlier runs (older by the time in their name) that have no session
 * left: their process was killed before it could drop them.
 */
async function dropStale(admin: Driver, run: string): Promise<void> {
  try {
    const databases = await admin.query<{ name: string }>(
      "SELECT datname::text AS name FROM pg_database " +
        "WHERE datname ~ '^tide_verify_[0-9]{14}_[0-9]+_[0-9a-f]{8}$'",
    );
    const sessions = await admin.query<{ name: string }>(
      "SELECT application_name AS name FROM pg_stat_activity " +
        "WHERE application_name LIKE 'tide verify %'",
    );
    const live = new Set(sessions.map((s) => s.name.slice("tide verify ".length)));
    const stale = databases.map((d) => d.name).filter((name) => {
      const owner = name.slice(PREFIX.length, name.length - 9); // <time>_<pid>
      return !live.has(owner) && owner.slice(0, 14) < run.slice(0, 14);
    });
    await dropAll(admin, stale);
  } catch {
    // a role that may not read these only misses the clean-up
  }
}

/**
 * Runs `cleanUp` when the process gets SIGINT or SIGTERM, then exits as the signal would
 * (130 or 143). Returns the function that removes the listeners.
 */
function onSignal(cleanUp: () => Promise<void>): () => void {
  const signals = Deno.build.os === "windows"
    ? ["SIGINT"] as const
    : ["SIGINT", "SIGTERM"] as const;
  const handlers = signals.map((signal) => {
    const handler = () => {
      cleanUp().finally(() => Deno.exit(signal === "SIGINT" ? 130 : 143));
    };
    Deno.addSignalListener(signal, handler);
    return () => Deno.removeSignalListener(signal, handler);
  });
  return () => handlers.forEach((remove) => remove());
}

/** The same server URL, pointing at another database. */
function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
