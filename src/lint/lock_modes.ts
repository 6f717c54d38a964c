/**
 * PostgreSQL's table lock modes, weakest first, and what each one blocks: the conflict table of
 * the manual's "Explicit Locking" chapter, from the point of view of the running application.
 *
 * @module
 */

/** A table lock mode, as `pg_locks.mode` names it. */
export type LockMode =
  | "AccessShareLock"
  | "RowShareLock"
  | "RowExclusiveLock"
  | "ShareUpdateExclusiveLock"
  | "ShareLock"
  | "ShareRowExclusiveLock"
  | "ExclusiveLock"
  | "AccessExclusiveLock";

/** Every mode, weakest first. */
export const LOCK_MODES: readonly LockMode[] = [
  "AccessShareLock",
  "RowShareLock",
  "RowExclusiveLock",
  "ShareUpdateExclusiveLock",
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock",
];

/** What an application does to a table that a lock can block. */
export type Blocked = "reads" | "writes" | "ddl";

/** The modes each mode conflicts with, by index in {@linkcode LOCK_MODES}. */
const CONFLICTS: readonly (readonly number[])[] = [
  [7],
  [6, 7],
  [4, 5, 6, 7],
  [3, 4, 5, 6, 7],
  [2, 3, 5, 6, 7],
  [2, 3, 4, 5, 6, 7],
  [1, 2, 3, 4, 5, 6, 7],
  [0, 1, 2, 3, 4, 5, 6, 7],
];

/** The mode each kind of work takes: SELECT, INSERT/UPDATE/DELETE, and the weakest DDL. */
const TAKES: Readonly<Record<Blocked, number>> = { reads: 0, writes: 2, ddl: 3 };

/**
 * What `mode` blocks while it is held: `reads` (SELECT), `writes` (INSERT, UPDATE, DELETE) and
 * `ddl` (VACUUM, ANALYZE, CREATE INDEX and other schema changes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blockedBy } from "./lock_modes.ts";
 *
 * assert.deepEqual(blockedBy("ShareLock"), ["writes", "ddl"]);
 * assert.deepEqual(blockedBy("AccessExclusiveLock"), ["reads", "writes", "ddl"]);
 * assert.deepEqual(blockedBy("AccessShareLock"), []);
 * ```
 */
export function blockedBy(mode: LockMode): Blocked[] {
  const conflicts = CONFLICTS[LOCK_MODES.indexOf(mode)] ?? [];
  return (Object.keys(TAKES) as Blocked[]).filter((work) => conflicts.includes(TAKES[work]));
}

/**
 * Whether `mode` blocks the application's queries (reads or writes): eugene's "dangerous" lock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blocksQueries } from "./lock_modes.ts";
 *
 * assert.equal(blocksQueries("ShareRowExclusiveLock"), true);
 * assert.equal(blocksQueries("ShareUpdateExclusiveLock"), false);
 * ```
 */
export function blocksQueries(mode: LockMode): boolean {
  const blocked = blockedBy(mode);
  return blocked.includes("reads") || blocked.includes("writes");
}

/**
 * The stronger of two modes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stronger } from "./lock_modes.ts";
 *
 * assert.equal(stronger("ShareLock", "RowExclusiveLock"), "ShareLock");
 * ```
 */
export function stronger(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

/**
 * Whether a text is one of the eight table lock modes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isLockMode } from "./lock_modes.ts";
 *
 * assert.equal(isLockMode("ExclusiveLock"), true);
 * assert.equal(isLockMode("SIReadLock"), false);
 * ```
 */
export function isLockMode(text: string): text is LockMode {
  return (LOCK_MODES as readonly string[]).includes(text);
}

/**
 * A sentence for what a mode blocks: `blocks reads, writes and DDL`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeBlocked } from "./lock_modes.ts";
 *
 * assert.equal(describeBlocked("ShareLock"), "blocks writes and DDL");
 * assert.equal(describeBlocked("RowExclusiveLock"), "blocks no reads or writes, only some DDL");
 * ```
 */
export function describeBlocked(mode: LockMode): string {
  const blocked = blockedBy(mode).map((work) => work === "ddl" ? "DDL" : work);
  if (!blocked.includes("reads") && !blocked.includes("writes")) {
    return "blocks no reads or writes, only some DDL";
  }
  const last = blocked.pop();
  return `blocks ${blocked.length > 0 ? `${blocked.join(", ")} and ` : ""}${last}`;
}
