/**
 * What round-trip verification reports: one verdict per migration, in order.
 *
 * @module
 */

/** Which step of up -> down -> up went wrong. */
export type RoundTripFailure =
  | "no-down"
  | "up"
  | "down"
  | "re-up"
  | "down-differs"
  | "re-up-differs";

/**
 * How a migration came out: `round-trips` (up, down and re-up ran and both schemas matched),
 * `data-only` (the up changes no schema and there is no down: nothing to roll back, see
 * {@linkcode MigrationVerdict.note}), `re-applies` (a Flyway repeatable, which has no down:
 * applied a second time, it left the same schema) or `failed`.
 */
export type VerdictStatus = "round-trips" | "data-only" | "re-applies" | "failed";

/** Where a SQL error happened in a migration file. */
export interface SqlErrorLocation {
  /** File path. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** The server's message, with detail and hint. */
  message: string;
}

/** One schema change, in words: `index "users_email_idx" added`. */
export interface SchemaChangeSummary {
  /** Object kind: `table`, `column`, `index`, `constraint`, `view`, `function`, ... */
  kind: string;
  /** Qualified name of the object. */
  name: string;
  /** What happened to it. */
  change: "added" | "removed" | "changed";
  /** A sentence for humans. */
  description: string;
}

/** The verdict for one migration. */
export interface MigrationVerdict {
  /** Version exactly as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /**
   * True when up, down and re-up all ran and both schemas matched, or when the migration is
   * data only (its up changes no schema) and has no down.
   */
  ok: boolean;
  /** How it came out; set on every verdict `verifyMigrations` returns. */
  status?: VerdictStatus;
  /** Why it passed without a round trip (a data-only migration), for the reader. */
  note?: string;
  /** Human-readable problems; empty when ok. */
  problems: string[];
  /** The first step that failed, when not ok. */
  failure?: RoundTripFailure;
  /** What the up changed in the schema (before up vs after up). */
  changes: SchemaChangeSummary[];
  /** Unified text diff of the snapshots that should have matched, when they did not. */
  diff?: string;
  /** Where the SQL error was, when a step failed with one. */
  error?: SqlErrorLocation;
  /** Time spent on this migration's up, down, re-up and snapshots, in milliseconds. */
  durationMs: number;
  /** Set when it failed only because columns came back in another order (see ignoreColumnOrder). */
  columnOrderOnly?: true;
}

/** The whole report. */
export interface VerifyReport {
  /** True when every verified migration round-trips. */
  ok: boolean;
  /** One verdict per verified migration, in version order. */
  migrations: MigrationVerdict[];
  /** Counts. */
  totals: { verified: number; passed: number; failed: number; skipped: number };
  /** Timings in milliseconds. */
  timings: { totalMs: number; bootMs: number };
}
