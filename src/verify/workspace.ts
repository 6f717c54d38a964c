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
 * ```ts ignore
 * await using workspace = await openWorkspace(migrations);
 * await workspace.driver.exec("select 1");
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

async function postgresWorkspace(
  serverUrl: string,
): Promise<Omit<Workspace, "snapshot" | "commands">> {
  const admin = await connect(serverUrl, { applicationName: "tide verify" });
  const created: string[] = [];
  const newDatabase = async (template?: string) => {
    const name = `tide_verify_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const from = template ? ` TEMPLATE ${quoteIdentifier(template)}` : "";
    try {
      await admin.exec(`CREATE DATABASE ${quoteIdentifier(name)}${from}`);
    } catch (error) {
      throw cannotCreate(admin.target, error);
    }
    created.push(name);
    return name;
  };
  const open = (name: string) =>
    connect(databaseUrlFor(serverUrl, name), { applicationName: "tide verify" });
  let current: string;
  let driver: Driver;
  try {
    current = await newDatabase();
    driver = await open(current);
  } catch (error) {
    await dropAll(admin, created);
    await admin.close();
    throw error;
  }
  return {
    get driver() {
      return driver;
    },
    // A template database must have no connections while it is copied.
    checkpoint: async () => {
      await driver.close();
      const database = await newDatabase(current);
      driver = await open(current);
      return { kind: "postgres", database };
    },
    restore: async (checkpoint) => {
      if (checkpoint.kind !== "postgres") throw new TypeError("Not a PostgreSQL checkpoint.");
      await driver.close();
      current = await newDatabase(checkpoint.database);
      driver = await open(current);
    },
    [Symbol.asyncDispose]: async () => {
      await driver.close();
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

/** The same server URL, pointing at another database. */
function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
