/**
 * Every rule of `tide lint`, declared once: its id, default severity, what it is about, the safe
 * alternative, and the names Squawk and eugene give the same danger (their ignore comments are
 * honoured under these names). The README has one section per rule.
 *
 * @module
 */
import type { Severity } from "./report.ts";

/** One rule. */
export interface RuleInfo {
  /** Its id, as written in `-- tide:allow <id> <reason>` and in config. */
  id: string;
  /** Severity unless the config says otherwise. */
  severity: Severity;
  /** Measured on the database, or read from the SQL. */
  source: "measured" | "static";
  /** What it flags, a few words. */
  title: string;
  /** The safe alternative, in general (a finding may say it with its own names). */
  fix: string;
  /** Squawk's rule names for it. */
  squawk: readonly string[];
  /** eugene's rule ids for it. */
  eugene: readonly string[];
}

/** The rules, in the order the README lists them. */
export const RULES: readonly RuleInfo[] = [
  {
    id: "table-rewrite",
    severity: "error",
    source: "measured",
    title: "an existing table or index is rewritten under its lock",
    fix: "Add a new column, backfill it in batches, then switch over and drop the old one; " +
      "or build a new table and swap them.",
    squawk: ["changing-column-type", "adding-field-with-default"],
    eugene: ["E5", "E10"],
  },
  {
    id: "constraint-scan",
    severity: "error",
    source: "measured",
    title: "a CHECK or FOREIGN KEY is checked against every row under a lock",
    fix: "Add the constraint NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later " +
      "migration: validating takes only SHARE UPDATE EXCLUSIVE, reads and writes go on.",
    squawk: ["constraint-missing-not-valid", "adding-foreign-key-constraint"],
    eugene: ["E1"],
  },
  {
    id: "set-not-null-scan",
    severity: "error",
    source: "measured",
    title: "SET NOT NULL scans the table under ACCESS EXCLUSIVE",
    fix: "Add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then " +
      "SET NOT NULL (it uses the valid check and skips the scan) and drop the check.",
    squawk: ["adding-not-nullable-field"],
    eugene: ["E2"],
  },
  {
    id: "index-not-concurrent",
    severity: "error",
    source: "measured",
    title: "CREATE INDEX on an existing table blocks writes while it builds",
    fix: "CREATE INDEX CONCURRENTLY in a migration of its own marked -- tide:no-transaction.",
    squawk: ["require-concurrent-index-creation"],
    eugene: ["E6"],
  },
  {
    id: "constraint-builds-index",
    severity: "error",
    source: "measured",
    title: "a UNIQUE, PRIMARY KEY or EXCLUDE constraint builds its index under the lock",
    fix: "CREATE UNIQUE INDEX CONCURRENTLY (in a -- tide:no-transaction migration), then ALTER " +
      "TABLE ... ADD CONSTRAINT ... UNIQUE (or PRIMARY KEY) USING INDEX. An exclusion " +
      "constraint has no safe way onto a busy table.",
    squawk: ["disallowed-unique-constraint", "adding-serial-primary-key-field"],
    eugene: ["E7", "E8"],
  },
  {
    id: "primary-key-sets-not-null",
    severity: "warning",
    source: "measured",
    title: "PRIMARY KEY USING INDEX makes nullable columns NOT NULL, scanning the table",
    fix: "Make the columns NOT NULL first, the safe way (see set-not-null-scan), then add the key.",
    squawk: [],
    eugene: ["W14"],
  },
  {
    id: "no-lock-timeout",
    severity: "warning",
    source: "measured",
    title: "a lock that blocks queries is requested with no lock_timeout",
    fix: "Set one: tide's --lock-timeout (or lockTimeoutMs in the config) sets it for every " +
      "migration and retries; or SET LOCAL lock_timeout = '2s' at the top of the migration.",
    squawk: ["require-timeout-settings"],
    eugene: ["E9"],
  },
  {
    id: "lock-held",
    severity: "warning",
    source: "measured",
    title: "more statements run while a lock that blocks queries is held",
    fix: "Move the later statements to a migration of their own, so the lock is released first.",
    squawk: [],
    eugene: ["E4"],
  },
  {
    id: "unbatched-update",
    severity: "warning",
    source: "measured",
    title: "an UPDATE changes every row of an existing table in one transaction",
    fix: "Backfill in batches, each committed on its own: in a -- tide:no-transaction migration, " +
      "a DO block that updates a few thousand rows at a time and COMMITs after each batch; or " +
      "from a script outside the migrations.",
    squawk: [],
    eugene: [],
  },
  {
    id: "not-null-without-default",
    severity: "warning",
    source: "static",
    title: "a NOT NULL column without a default is added to an existing table",
    fix: "Give it a DEFAULT (a constant default rewrites nothing), or add it nullable, backfill, " +
      "then make it NOT NULL the safe way.",
    squawk: ["adding-required-field"],
    eugene: [],
  },
  {
    id: "serial-column",
    severity: "error",
    source: "static",
    title: "a SERIAL, identity or stored generated column is added to an existing table",
    fix: "Add a plain nullable column, fill it in batches (from a sequence or the expression), " +
      "then set its default or make it an identity.",
    squawk: ["adding-serial-primary-key-field", "adding-field-with-default"],
    eugene: ["E11"],
  },
  {
    id: "narrowing-type",
    severity: "error",
    source: "measured",
    title: "a column's type is narrowed: values may not fit, and the table is rewritten",
    fix: "Add a column of the new type, copy and check the values in batches, switch the " +
      "application over, then drop the old column.",
    squawk: ["changing-column-type"],
    eugene: ["E5"],
  },
  {
    id: "timezone-rewrite",
    severity: "warning",
    source: "measured",
    title: "timestamp <-> timestamptz: a table rewrite unless the session's TimeZone is UTC",
    fix: "SET LOCAL TimeZone = 'UTC' at the top of the migration: the change is then made in the " +
      "catalog alone (PostgreSQL 12+), and the stored values are read as UTC. If they hold " +
      "local times, converting them (USING ... AT TIME ZONE) rewrites: add a new column and " +
      "backfill it in batches instead.",
    squawk: ["changing-column-type"],
    eugene: ["E5"],
  },
  {
    id: "drop-table",
    severity: "warning",
    source: "static",
    title: "an existing table is dropped: its data is lost",
    fix: "Stop using it in the application first (a release before), and keep a backup; then " +
      "drop it. Allow the finding with the reason.",
    squawk: ["ban-drop-table"],
    eugene: [],
  },
  {
    id: "delete-all-rows",
    severity: "warning",
    source: "static",
    title: "every row of an existing table is deleted (TRUNCATE, DELETE without WHERE)",
    fix: "Keep the rows until nothing needs them: copy them aside first (CREATE TABLE ... AS " +
      "SELECT, or a dump), or delete only what must go with a WHERE. Allow the finding with " +
      "the reason.",
    squawk: ["ban-truncate-cascade"],
    eugene: [],
  },
  {
    id: "drop-column",
    severity: "warning",
    source: "static",
    title: "a column of an existing table is dropped: its data is lost",
    fix: "Stop reading and writing it in the application first (a release before), then drop " +
      "it. Allow the finding with the reason.",
    squawk: ["ban-drop-column"],
    eugene: [],
  },
  {
    id: "rename-table",
    severity: "warning",
    source: "static",
    title: "an existing table is renamed: the running application breaks",
    fix: "Expand and contract: create the new table (or a view under the new name), write to " +
      "both, backfill, move the readers, then drop the old one in a later release.",
    squawk: ["renaming-table"],
    eugene: [],
  },
  {
    id: "rename-column",
    severity: "warning",
    source: "static",
    title: "a column of an existing table is renamed: the running application breaks",
    fix: "Expand and contract: add the new column, write to both, backfill, move the readers, " +
      "then drop the old column in a later release.",
    squawk: ["renaming-column"],
    eugene: [],
  },
  {
    id: "concurrently-in-transaction",
    severity: "error",
    source: "static",
    title: "CONCURRENTLY in a migration that runs in a transaction: PostgreSQL refuses it",
    fix: "Put the statement in a migration of its own, with -- tide:no-transaction at the top.",
    squawk: ["ban-concurrent-index-creation-in-transaction"],
    eugene: [],
  },
  {
    id: "drop-index-not-concurrent",
    severity: "warning",
    source: "static",
    title: "DROP INDEX without CONCURRENTLY blocks reads and writes of its table",
    fix: "DROP INDEX CONCURRENTLY, in a migration of its own marked -- tide:no-transaction.",
    squawk: ["require-concurrent-index-deletion"],
    eugene: [],
  },
  {
    id: "prefer-jsonb",
    severity: "warning",
    source: "static",
    title: "a json column, where jsonb was meant",
    fix: "Use jsonb: it compares, indexes and deduplicates; json keeps only the text.",
    squawk: [],
    eugene: ["E3"],
  },
  {
    id: "enum-type",
    severity: "warning",
    source: "static",
    title: "an enum type, where a lookup table would do",
    fix: "A lookup table and a foreign key: values can then be removed and carry more data.",
    squawk: [],
    eugene: ["W13"],
  },
  {
    id: "multiple-alter-table",
    severity: "warning",
    source: "static",
    title: "several ALTER TABLE statements on one table that could be one",
    fix: "Combine the actions into one ALTER TABLE, separated by commas: one lock, one scan.",
    squawk: [],
    eugene: ["W12"],
  },
  {
    id: "transaction-control",
    severity: "warning",
    source: "static",
    title: "BEGIN, COMMIT or ROLLBACK in a -- tide:no-transaction migration",
    fix: "Split it: the statements that belong together in a migration of their own, which " +
      "tide runs in one transaction, the rest in a -- tide:no-transaction one.",
    squawk: ["transaction-nesting"],
    eugene: [],
  },
  {
    id: "fails-with-rows",
    severity: "info",
    source: "measured",
    title: "the up failed on tables holding a few generated rows (and ran on empty ones)",
    fix: "Check it against the data production holds: a backfill or a default may be missing.",
    squawk: [],
    eugene: [],
  },
  {
    id: "apply-failed",
    severity: "error",
    source: "measured",
    title: "the up failed, so the statements after the failing one were not measured",
    fix: "Fix the statement at the location shown (tide verify tells more).",
    squawk: [],
    eugene: [],
  },
  {
    id: "invalid-allow",
    severity: "error",
    source: "static",
    title: "a -- tide:allow without a known rule or a reason",
    fix: "Write -- tide:allow <rule> <reason>, with a rule id from the README.",
    squawk: [],
    eugene: [],
  },
];

/** Rule ids. */
export type RuleId = string;

/**
 * The rule with `id`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ruleInfo } from "./rules.ts";
 *
 * assert.equal(ruleInfo("table-rewrite")?.severity, "error");
 * assert.equal(ruleInfo("no-such-rule"), undefined);
 * ```
 */
export function ruleInfo(id: RuleId): RuleInfo | undefined {
  return RULES.find((rule) => rule.id === id);
}
