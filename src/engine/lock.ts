/**
 * The session-level advisory lock taken around every run that writes, so two `tide up` started
 * at once apply each migration exactly once.
 *
 * @module
 */
import type { Queryable, Row } from "../drivers/driver.ts";
import { sha256Hex } from "../files/checksum.ts";
import { MigrationError, SqlError } from "../errors.ts";
import type { LedgerLocation } from "./ledger_location.ts";

/** Options of {@linkcode acquireLock}. */
export interface AcquireLockOptions {
  /** How long to wait for another holder, in milliseconds. */
  waitMs: number;
  /** Delay between attempts, in milliseconds. */
  pollMs?: number;
  /** Called while waiting: after a second, then every `noticeMs`, with who holds the lock. */
  onWait?: (wait: LockWait) => void;
  /** Interval of `onWait` calls after the first, in milliseconds. Default 5000. */
  noticeMs?: number;
}

/** A wait for a lock, as reported to {@linkcode AcquireLockOptions.onWait}. */
export interface LockWait {
  /** How long this process has waited so far, in milliseconds. */
  waitedMs: number;
  /** How long it waits in all, in milliseconds. */
  waitMs: number;
  /** Who holds the lock, when the server tells. */
  holder?: LockHolder;
}

/** The first `onWait` call comes after this long: a short wait says nothing. */
const FIRST_NOTICE_MS = 1000;

/** A held lock; release it, or let `await using` do so. */
export interface HeldLock extends AsyncDisposable {
  /**
   * Checks that this session still holds the lock (its connection may have dropped, taking the
   * lock with it); throws a `LOCK_LOST` {@linkcode MigrationError} naming `next`, what was about
   * to run, when it does not.
   */
  assertHeld(next: string): Promise<void>;
  /**
   * The same check as SQL to send first in a migration's own message (one round trip, not
   * two): it raises {@linkcode LOCK_GUARD_SQLSTATE} when the lock is not held.
   */
  readonly guardSql: string;
  /**
   * The `LOCK_LOST` error for `error`, raised by {@linkcode HeldLock.guardSql} or by a session
   * already lost before `next` was sent (so nothing of it ran); else `undefined`.
   */
  lostBy(error: unknown, next: string): MigrationError | undefined;
  /** Releases the lock. Safe to call twice; a lock whose session is gone counts as released. */
  release(): Promise<void>;
}

/** Who holds a lock, from `pg_stat_activity`. */
export interface LockHolder {
  /** Backend process id. */
  pid: number;
  /** The holder's `application_name`. */
  applicationName: string;
  /** Database user of the holder. */
  user: string;
  /** Since when its session exists. */
  since: Date | null;
}

/**
 * The 64-bit advisory lock key of a name, as a decimal string (SQL casts it to bigint).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockKey } from "./lock.ts";
 *
 * const key = lockKey("tide:public.tide_migrations");
 * assert.match(key, /^-?\d+$/);
 * assert.equal(lockKey("tide:public.tide_migrations"), key);
 * ```
 */
export function lockKey(name: string): string {
  return BigInt.asIntN(64, BigInt(`0x${sha256Hex(name).slice(0, 16)}`)).toString();
}

/**
 * The advisory lock key of the migration runs on one ledger: every tide process writing to the
 * same tracking table takes this one lock (whatever its module), so runs never interleave.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrationLockKey } from "./lock.ts";
 *
 * // Pinned: processes of every tide version must agree on it.
 * const key = migrationLockKey({ schema: "public", table: "tide_migrations" });
 * assert.equal(key, "-108324886329666625");
 * ```
 */
export function migrationLockKey(location: Pick<LedgerLocation, "schema" | "table">): string {
  return lockKey(`tide:${location.schema}.${location.table}`);
}

/**
 * Takes the advisory lock `key` on the driver's session, waiting up to `waitMs`. When the wait
 * runs out, the error names the holder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { acquireLock, lockHolder, lockKey } from "./lock.ts";
 *
 * await using db = await connect("memory://");
 * const key = lockKey("tide:public.tide_migrations");
 * {
 *   await using _lock = await acquireLock(db, key, { waitMs: 60_000 });
 *   const holder = await lockHolder(db, key); // this very session, here
 *   assert.equal(typeof holder?.pid, "number");
 * }
 * assert.equal(await lockHolder(db, key), undefined); // released at the end of the block
 * ```
 */
export async function acquireLock(
  db: Queryable,
  key: string,
  options: AcquireLockOptions,
): Promise<HeldLock> {
  const started = Date.now();
  const deadline = started + options.waitMs;
  const pollMs = options.pollMs ?? 100;
  let nextNotice = started + FIRST_NOTICE_MS;
  while (!(await tryLock(db, key))) {
    if (Date.now() >= deadline) throw await lockWaitError(db, key, options.waitMs);
    if (options.onWait && Date.now() >= nextNotice) {
      nextNotice = Date.now() + (options.noticeMs ?? 5000);
      const holder = await lockHolder(db, key).catch(() => undefined);
      options.onWait({ waitedMs: Date.now() - started, waitMs: options.waitMs, holder });
    }
    // Jitter keeps several waiting processes from polling in lockstep.
    await new Promise((resolve) => setTimeout(resolve, pollMs * (0.5 + Math.random())));
  }
  let held = true;
  const release = async () => {
    if (!held) return;
    held = false;
    try {
      await db.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
    } catch (error) {
      // The session ended, and the lock with it.
      if (!(error instanceof MigrationError && error.code === "CONNECTION_LOST")) throw error;
    }
  };
  const assertHeld = async (next: string) => {
    let why = "this session no longer holds it";
    try {
      const rows = await db.query<{ held: boolean }>(
        `SELECT EXISTS (SELECT FROM pg_locks l WHERE l.pid = pg_backend_pid() AND ${IS_KEY})
           AS held`,
        [key],
      );
      if (rows[0]?.held === true) return;
    } catch (error) {
      if (!(error instanceof MigrationError && error.code === "CONNECTION_LOST")) throw error;
      why = error.message.replace(/\.$/, "");
    }
    throw lockLostError(next, why);
  };
  const lostBy = (error: unknown, next: string) => {
    if (error instanceof SqlError && error.sqlState === LOCK_GUARD_SQLSTATE) {
      return lockLostError(next, "this session no longer holds it");
    }
    if (error instanceof MigrationError && error.code === "CONNECTION_LOST" && error.unsent) {
      return lockLostError(next, error.message.replace(/\.$/, ""));
    }
    return undefined;
  };
  const guardSql = `DO $tide$ BEGIN IF NOT EXISTS (SELECT FROM pg_locks l WHERE l.pid = ` +
    `pg_backend_pid() AND ${IS_KEY.replaceAll("$1", `(${BigInt(key)})`)}) THEN RAISE EXCEPTION ` +
    `'tide''s migration lock is not held' USING ERRCODE = '${LOCK_GUARD_SQLSTATE}'; END IF; ` +
    "END $tide$;";
  return { assertHeld, guardSql, lostBy, release, [Symbol.asyncDispose]: release };
}

/** The SQLSTATE {@linkcode HeldLock.guardSql} raises: a class of its own, no server's. */
export const LOCK_GUARD_SQLSTATE = "TIDEL";

/**
 * Picks the `pg_locks l` row of the granted advisory lock `$1`: a bigint key is stored as
 * classid = its high 32 bits, objid = its low 32 bits, objsubid = 1.
 */
const IS_KEY = `l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
       AND l.classid::bigint = (($1::bigint >> 32) & 4294967295)
       AND l.objid::bigint = ($1::bigint & 4294967295)`;

function lockLostError(next: string, why: string): MigrationError {
  return new MigrationError(
    "LOCK_LOST",
    `Stopped before ${next}: tide's migration lock is no longer held (${why}). Another run may ` +
      "take it and migrate this database at the same time, so nothing more is run. What " +
      "completed before stays applied: run `tide status` to see where the database stands, " +
      "then run the command again.",
  );
}

async function tryLock(db: Queryable, key: string): Promise<boolean> {
  const rows = await db.query<{ locked: boolean }>(
    "SELECT pg_try_advisory_lock($1::bigint) AS locked",
    [key],
  );
  return rows[0]?.locked === true;
}

/**
 * Who holds the advisory lock `key`, or `undefined` when nobody does.
 *
 * See {@linkcode acquireLock}'s example.
 */
export async function lockHolder(db: Queryable, key: string): Promise<LockHolder | undefined> {
  const rows = await db.query<LockHolder & Row>(
    `SELECT a.pid, coalesce(a.application_name, '') AS "applicationName",
       coalesce(a.usename::text, '') AS "user", a.backend_start AS since
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE ${IS_KEY}
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     LIMIT 1`,
    [key],
  );
  return rows[0];
}

async function lockWaitError(db: Queryable, key: string, waitMs: number): Promise<MigrationError> {
  const holder = await lockHolder(db, key).catch(() => undefined);
  const who = holder
    ? `It is held by pid ${holder.pid} (application "${holder.applicationName}", user "${holder.user}"${
      holder.since ? `, connected since ${holder.since.toISOString()}` : ""
    }).`
    : "Its holder could not be identified.";
  return new MigrationError(
    "LOCK_WAIT_TIMEOUT",
    `Cannot take tide's migration lock: another migration run held it for the whole ${waitMs} ms wait. ${who} ` +
      `Wait for that run to finish, raise --lock-wait, or end a stuck session with ` +
      `SELECT pg_terminate_backend(${holder?.pid ?? "<pid>"}).`,
  );
}
