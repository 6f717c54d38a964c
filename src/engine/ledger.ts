/**
 * The tracking table (what is applied, keyed by module and version) and the log table (every up,
 * down, baseline, adopt and repair, never rewritten).
 *
 * Over 300 lines: every read and write of rows in the two tables goes through this one class, so
 * each write is fitted to the columns the table has in one place. Creating and upgrading the
 * tables is `ledger_ensure.ts`, which columns a table has and how rows are read from and fitted to
 * them `ledger_columns.ts`, the SQL text `ledger_sql.ts`.
 *
 * @module
 */
import type { Queryable, Row } from "../drivers/driver.ts";
import {
  type AppliedFields,
  type AppliedMigration,
  asOneStatement,
  type Bookkeeping,
  bookkeeping,
  clientTiming,
  deleteFrom,
  type Failure,
  insertInto,
  type LedgerNames,
  ledgerNames,
  type LogEntry,
  type LogFields,
  type LogRow,
  logRow,
  type NewLogEntry,
  type Timing,
  type TrackingRow,
  trackingRow,
  update,
} from "./ledger_sql.ts";
import { inlined, rawSql, runQuery, type Sql, sql } from "../sql/render.ts";
import { compareVersions } from "../files/version.ts";
import { MigrationError } from "../errors.ts";

export type {
  AppliedFields,
  AppliedMigration,
  AppliedStatus,
  Bookkeeping,
  Failure,
  LogAction,
  LogEntry,
  LogFields,
  NewLogEntry,
} from "./ledger_sql.ts";
import { type LedgerLocation, type LedgerTables, ledgerTables } from "./ledger_location.ts";
import {
  appliedRows,
  fitColumns,
  type LedgerColumns,
  readLedgerColumns,
  toDate,
} from "./ledger_columns.ts";

/**
 * Reads and writes the tracking and log tables of one module.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { Ledger } from "./ledger.ts";
 * import { DEFAULT_LEDGER_LOCATION } from "./ledger_location.ts";
 * import { appliedFields, logFields } from "./step.ts";
 *
 * const up = { path: "001_init.up.sql", sql: "CREATE TABLE a ();", line: 1, column: 1 };
 * const migration = { version: "001", name: "init", up, noTransaction: false, checksum: "c0ffee" };
 * await using db = await connect("memory://");
 * const ledger = new Ledger(db, DEFAULT_LEDGER_LOCATION);
 * assert.deepEqual(await ledger.list(), []); // no tracking table yet: nothing applied
 * await ledger.ensure();
 * await ledger.recordApplied(db, { ...appliedFields(migration, "ci"), executionTimeMs: 0 }, {
 *   ...logFields(migration, "baseline", "ci"),
 *   durationMs: 0,
 * });
 * const rows = await ledger.list();
 * assert.deepEqual(rows.map((row) => [row.version, row.status]), [["001", "applied"]]);
 * assert.deepEqual((await ledger.history()).map((entry) => entry.action), ["baseline"]);
 * ```
 */
export class Ledger {
  readonly #db: Queryable;
  readonly #module: string;
  readonly #names: LedgerNames;
  readonly #tables: LedgerTables;
  /** The tables' columns, once read (tables made by tide 0.1 may lack the newer ones). */
  #columns?: LedgerColumns;

  /** A ledger on `db`; nothing is created until {@linkcode Ledger.ensure}. */
  constructor(db: Queryable, location: LedgerLocation) {
    this.#db = db;
    this.#module = location.module;
    this.#tables = ledgerTables(location);
    this.#names = ledgerNames(this.#tables);
  }

  /**
   * Creates the schema and the tables that are missing, and only those, so a role without
   * CREATE on the database (or on an existing schema whose tables exist) can run; throws
   * `INSUFFICIENT_PRIVILEGE`, naming the GRANT, when the role cannot create or use them. Call
   * with the lock held.
   */
  async ensure(): Promise<void> {
    await this.exists(); // refuses a table of the same name that is not tide's
    // Loaded here: read-only commands (`tide status`) never ensure.
    const { ensureLedgerTables } = await import("./ledger_ensure.ts");
    this.#columns = await ensureLedgerTables(this.#db, this.#tables);
  }

  /**
   * Whether the tracking table exists; read-only commands never create it. Throws
   * `CONFIG_ERROR` when a table of that name exists but is not a tracking table (`--table`
   * naming an application table), before anything reads or writes it.
   */
  async exists(): Promise<boolean> {
    const table = inlined(this.#names.table);
    const rows = await runQuery<{ found: boolean; ours: boolean }>(
      this.#db,
      sql`SELECT to_regclass(${table}) IS NOT NULL AS found, EXISTS (SELECT FROM pg_attribute
        WHERE attrelid = to_regclass(${table}) AND attname = 'checksum_algorithm') AS ours`,
    );
    const found = rows[0]?.found === true;
    if (found && rows[0]?.ours !== true) throw this.#notOurs();
    return found;
  }

  /** The module's rows in version order; empty when the table does not exist yet. */
  async list(): Promise<AppliedMigration[]> {
    const columns = await this.#readColumns();
    if (columns.table.size === 0) return [];
    const rows = await appliedRows(
      this.#db,
      columns,
      this.#names.table,
      sql`module = ${this.#module}`,
    );
    return rows.sort((a, b) => compareVersions(a.version, b.version));
  }

  /**
   * The rows of the other modules in the same tracking table that require a migration of some
   * module (`requires` recorded): what `down` must not take away from under them.
   */
  async requiringRows(): Promise<(AppliedMigration & { module: string })[]> {
    const columns = await this.#readColumns();
    if (!columns.table.has("requires")) return [];
    return await appliedRows<AppliedMigration & { module: string }>(
      this.#db,
      columns,
      this.#names.table,
      sql`module <> ${this.#module} AND requires IS NOT NULL`,
      true,
    );
  }

  /** The rows of the other modules of the same tracking table, by module and version. */
  async otherRows(): Promise<(AppliedMigration & { module: string })[]> {
    const columns = await this.#readColumns();
    if (columns.table.size === 0) return [];
    return await appliedRows<AppliedMigration & { module: string }>(
      this.#db,
      columns,
      this.#names.table,
      sql`module <> ${this.#module}`,
      true,
    );
  }

  /**
   * The bookkeeping of applying `row` and logging `entry`. `how` says what happens to the row:
   * `insert` it (the usual case), `replace` the row of a repeatable migration applied again, or
   * `complete` the row {@linkcode Ledger.markUnderWay} wrote for a no-transaction step.
   */
  appliedBookkeeping(
    row: AppliedFields,
    entry: LogFields,
    how: "insert" | "replace" | "complete" = "insert",
  ): Bookkeeping {
    // No ON CONFLICT: `up` never meets an existing row (a failed one stops the plan), except a
    // repeatable's, which it replaces, and its own under-way row, which it completes.
    return bookkeeping((timing) => {
      const tracked = this.#trackingRow(row, timing);
      return [
        ...(how === "replace" ? [deleteFrom(this.#names.table, this.#key(row.version))] : []),
        how === "complete"
          ? update(this.#names.table, tracked, this.#key(row.version))
          : insertInto(this.#names.table, tracked),
        insertInto(this.#names.log, this.#logRow(entry, timing)),
      ];
    });
  }

  /**
   * Commits, before the first statement of a no-transaction step runs, a row saying that it is
   * under way (`note`, in `error`): an up's row is inserted as `failed`, a down's is marked so.
   * A run that ends without recording its outcome (killed, disconnected) leaves it that way, so
   * later runs refuse until `repair` resolves it.
   */
  async markUnderWay(
    db: Queryable,
    row: AppliedFields,
    direction: "up" | "down",
    note: string,
  ): Promise<void> {
    const failed = { status: "failed", error: note } as const;
    // An up meets an existing row only for a repeatable migration applied again.
    await runQuery(
      db,
      direction === "up"
        ? sql`${
          insertInto(
            this.#names.table,
            this.#trackingRow({ ...row, ...failed }, clientTiming(0)),
          )
        } ON CONFLICT (module, version) DO UPDATE SET status = EXCLUDED.status, error = EXCLUDED.error`
        : this.#update(row.version, failed),
    );
  }

  /** Replaces the note of a step under way, as its statements complete. */
  async noteProgress(db: Queryable, version: string, note: string): Promise<void> {
    await runQuery(db, this.#update(version, { error: note }));
  }

  /** Takes back {@linkcode Ledger.markUnderWay} for a step none of whose statements applied. */
  async withdrawUnderWay(db: Queryable, version: string, direction: "up" | "down"): Promise<void> {
    await runQuery(
      db,
      direction === "up"
        ? deleteFrom(this.#names.table, this.#key(version))
        : this.#update(version, { status: "applied", error: null }),
    );
  }

  /** The bookkeeping of rolling back `version`: delete its row and log `entry`. */
  rolledBackBookkeeping(version: string, entry: LogFields): Bookkeeping {
    return bookkeeping((timing) => [
      deleteFrom(this.#names.table, this.#key(version)),
      insertInto(this.#names.log, this.#logRow(entry, timing)),
    ]);
  }

  /**
   * The bookkeeping of a failed step: log it and, when it is dirty, record its row as failed
   * with the error (an up's row inserted, or the one {@linkcode Ledger.markUnderWay} wrote
   * updated; a down's updated) so later runs stop until it is resolved.
   */
  failedBookkeeping(failure: Failure): Bookkeeping {
    const { row, error } = failure;
    const entry: LogFields = { ...failure.entry, outcome: "failure", error };
    return bookkeeping((timing) => {
      const log = insertInto(this.#names.log, this.#logRow(entry, timing));
      if (!failure.dirty) return [log];
      const failed = { status: "failed", error } as const;
      const marked = entry.action === "down"
        ? this.#update(row.version, failed)
        : sql`${
          insertInto(this.#names.table, this.#trackingRow({ ...row, ...failed }, timing))
        } ON CONFLICT (module, version) DO UPDATE SET status = EXCLUDED.status, error = EXCLUDED.error`;
      return [marked, log];
    });
  }

  /**
   * Records an applied migration with its own timings (applied now unless `row.appliedAt` says
   * when) and logs it, in one round trip.
   */
  async recordApplied(
    db: Queryable,
    row: Omit<AppliedMigration, "appliedAt"> & { appliedAt?: Date },
    entry: NewLogEntry,
  ): Promise<void> {
    await runQuery(
      db,
      asOneStatement([
        insertInto(
          this.#names.table,
          this.#trackingRow(row, clientTiming(row.executionTimeMs)),
        ),
        insertInto(this.#names.log, this.#logged(entry)),
      ]),
    );
  }

  /**
   * Lets the log record every action tide logs: a log created by an older tide has a CHECK
   * without the newer ones (`adopt`), which this replaces. Call with the lock held.
   */
  async upgradeLogActions(db: Queryable): Promise<void> {
    const { upgradeLogActions } = await import("./ledger_ensure.ts");
    await upgradeLogActions(db, this.#names.log);
  }

  /** Updates the checksum and stored down of an applied row (repair). */
  async rechecksum(
    db: Queryable,
    version: string,
    fields: Pick<
      AppliedMigration,
      "checksum" | "checksumAlgorithm" | "downSql" | "downNoTransaction" | "downFile"
    >,
  ): Promise<void> {
    await runQuery(
      db,
      this.#update(version, {
        checksum: fields.checksum,
        checksum_algorithm: fields.checksumAlgorithm,
        down_sql: fields.downSql,
        down_no_transaction: fields.downNoTransaction,
        down_file: fields.downFile ?? null,
      }),
    );
  }

  /** Marks a failed row as applied (its changes are all in place). */
  async markApplied(db: Queryable, version: string): Promise<void> {
    await runQuery(db, this.#update(version, { status: "applied", error: null }));
  }

  /** Deletes the row of `version` (rolled back). */
  async remove(db: Queryable, version: string): Promise<void> {
    await runQuery(db, deleteFrom(this.#names.table, this.#key(version)));
  }

  /** Appends to the log, on `db` (the migration's transaction for a success). */
  async log(db: Queryable, entry: NewLogEntry): Promise<void> {
    await runQuery(db, insertInto(this.#names.log, this.#logged(entry)));
  }

  /** The module's log, oldest first; empty when the table does not exist yet. */
  async history(options: { limit?: number } = {}): Promise<LogEntry[]> {
    const columns = await this.#readColumns();
    if (columns.table.size === 0) return [];
    const limit = options.limit === undefined
      ? ""
      : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
    const description = columns.log.has("description") ? "description" : "NULL::text";
    const rows = await runQuery<LogEntry & Row>(
      this.#db,
      sql`SELECT * FROM (SELECT id::integer AS id, version, name, action, outcome, error,
         started_at AS "startedAt", duration_ms AS "durationMs", performed_by AS "performedBy",
         ${rawSql(description)} AS description
       FROM ${this.#names.log} WHERE module = ${this.#module}
       ORDER BY id DESC${rawSql(limit)}) recent ORDER BY id`,
    );
    return rows.map((row) => ({ ...row, startedAt: toDate(row.startedAt) }));
  }

  /** The columns of both tables: read once they exist (none while the tracking table is missing). */
  async #readColumns(): Promise<LedgerColumns> {
    if (this.#columns !== undefined) return this.#columns;
    const names = this.#names;
    const columns = await readLedgerColumns(this.#db, inlined(names.table), inlined(names.log));
    // Before anything reads or writes it: `--table` naming an application table.
    if (columns.table.size > 0 && !columns.table.has("checksum_algorithm")) throw this.#notOurs();
    if (columns.table.size > 0) this.#columns = columns;
    return columns;
  }

  #notOurs(): MigrationError {
    return new MigrationError(
      "CONFIG_ERROR",
      `Cannot keep tide's ledger in ${inlined(this.#names.table)}, which exists and is not a ` +
        "tide tracking table (it has no checksum_algorithm column). Check --table (config " +
        '"table") and --schema: name a table tide can create, or leave the default.',
    );
  }

  /** The tracking row of `row` in this module, in the columns the table has. */
  #trackingRow(row: AppliedFields & { appliedAt?: Date }, timing: Timing): TrackingRow {
    return fitColumns(this.#columns, "table", trackingRow(this.#module, row, timing));
  }

  /** The log row of `entry` in this module, in the columns the table has. */
  #logRow(entry: LogFields, timing: Timing): LogRow {
    return fitColumns(this.#columns, "log", logRow(this.#module, entry, timing));
  }

  /** The columns that pick the row of `version`. */
  #key(version: string): Pick<TrackingRow, "module" | "version"> {
    return { module: this.#module, version };
  }

  /** Sets `columns` of the row of `version`. */
  #update(version: string, columns: Partial<TrackingRow>): Sql {
    return update(
      this.#names.table,
      fitColumns(this.#columns, "table", columns),
      this.#key(version),
    );
  }

  /** The log row of `entry`, timed by its own fields. */
  #logged(entry: NewLogEntry): LogRow {
    return this.#logRow(entry, clientTiming(entry.durationMs, entry.startedAt));
  }
}
