/**
 * The verification's own run time, as the server's clock tells it: the window inside which any
 * time literal the server stored (`timestamp 'now'` in a view) was computed by this run.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import type { TimeWindow } from "../schema/time_literals.ts";

/**
 * Slack on both sides of the window: a literal cast to `timestamp(0)` rounds up to half a
 * second past the moment, and the server's clock is read only once.
 */
const SLACK_MS = 2_000;

/** A run's clock: the window from its start to the moment it is asked. */
export interface RunClock {
  /** The window from the run's start to now, on the server's clock. */
  window(): TimeWindow;
}

/**
 * Reads the server's clock and session time zone at the start of a run. Call it before the
 * first migration runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { startRunClock } from "./run_clock.ts";
 *
 * await using db = await createPgliteDriver();
 * const clock = await startRunClock(db);
 * const { startMs, endMs } = clock.window();
 * assert.ok(startMs <= Date.now() && Date.now() <= endMs);
 * ```
 */
export async function startRunClock(db: Queryable): Promise<RunClock> {
  const asked = Date.now();
  const [row] = await db.query<{ now_ms: number; offset_s: number }>(
    "SELECT pg_catalog.date_part('epoch', pg_catalog.clock_timestamp())::float8 * 1000 AS now_ms, " +
      "pg_catalog.date_part('timezone', pg_catalog.clock_timestamp())::int AS offset_s",
  );
  const answered = Date.now();
  const serverMs = Number(row.now_ms);
  // The server's clock minus ours, read halfway through the round trip.
  const skewMs = serverMs - (asked + answered) / 2;
  const utcOffsetMs = Number(row.offset_s) * 1000;
  return {
    window: () => ({
      startMs: serverMs - SLACK_MS,
      endMs: Date.now() + skewMs + SLACK_MS,
      utcOffsetMs,
    }),
  };
}
