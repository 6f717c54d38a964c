/**
 * What the measuring session found: per statement and per up. Plain data, read by the rules.
 *
 * @module
 */
import type { LockMode } from "./lock_modes.ts";
import type { NewConstraint, Relations } from "./measure_sql.ts";
import type { ProbeAnswers } from "./probes.ts";
import type { SeedOutcome } from "./seed.ts";

export type { NewConstraint };

/** What one statement did. */
export interface StatementMeasurement {
  /** 0-based index of the statement. */
  index: number;
  /** Locks on existing relations held once it ran, strongest per relation. */
  held: Map<number, LockMode>;
  /** Locks it took: not held before it, or stronger than before. */
  taken: Map<number, LockMode>;
  /** Locks blocking queries that earlier statements of its transaction held when it started. */
  heldAtStart: Map<number, LockMode>;
  /** `lock_timeout` in force when it started, in ms; 0 means none. */
  lockTimeoutMs: number;
  /** Existing relations it rewrote. */
  rewritten: number[];
  /** Constraints it created on existing tables. */
  constraints: NewConstraint[];
  /** Indexes it built on existing tables: index oid to table oid. */
  indexes: Map<number, number>;
  /** It refused to run in a transaction block, so it ran alone and its locks went unseen. */
  unobserved: boolean;
  /** Answers of its probes. */
  probes: ProbeAnswers;
}

/** What one up did. */
export interface MigrationMeasurement {
  /** The relations that existed before it. */
  relations: Relations;
  /** What became of each existing table's rows (by oid). */
  rows: Map<number, SeedOutcome>;
  /** Its statements that ran, by index. */
  statements: Map<number, StatementMeasurement>;
  /** It failed on the tables with rows and was measured again on empty ones. */
  failedWithRows?: { index: number; error: string };
  /** It failed (on empty tables too): where, and why. */
  failed?: { index: number; error: string };
}
