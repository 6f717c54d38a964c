/**
 * Times the server computed while a schema was built: `timestamp 'now'` in a view, `DEFAULT
 * 'now'::date`, `'today'` in a check are stored as the literal value of that moment, so two
 * builds of the same schema differ by those literals alone. Comparison evens out the literals
 * whose value lies inside a given time window (the verification's own run), and only those: a
 * literal from any other time still differs.
 *
 * @module
 */

/**
 * A span of time, in epoch milliseconds, and the UTC offset of the session that rendered the
 * literals (a `timestamp without time zone` or `date` literal is that session's local time).
 */
export interface TimeWindow {
  /** Start, epoch milliseconds. */
  startMs: number;
  /** End, epoch milliseconds. */
  endMs: number;
  /** Local time minus UTC of the session, in milliseconds (3_600_000 for +01). */
  utcOffsetMs: number;
}

/** What an evened-out literal becomes. */
const PLACEHOLDER = "'<time of this run>'";

/** A quoted date, timestamp or time literal cast to its type, as the server prints it. */
const LITERAL = new RegExp(
  String.raw`'(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d(?:\.\d+)?))?([+-]\d\d(?::\d\d){0,2})?'` +
    String.raw`::(timestamp(?:\(\d\))? with(?:out)? time zone|date)\b` +
    String.raw`|'(\d\d):(\d\d):(\d\d(?:\.\d+)?)([+-]\d\d(?::\d\d){0,2})?'` +
    String.raw`::(time(?:\(\d\))? with(?:out)? time zone)`,
  "g",
);

const DAY_MS = 86_400_000;

/**
 * `text` with every date, timestamp and time literal whose value lies inside `window` replaced
 * by one placeholder (its type kept). A `date` counts when its day overlaps the window; a time of
 * day when the window passes through it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evenTimeLiterals } from "./time_literals.ts";
 *
 * const window = { startMs: Date.UTC(2026, 0, 5, 12), endMs: Date.UTC(2026, 0, 5, 12, 1), utcOffsetMs: 0 };
 * const text = "ts > '2026-01-05 12:00:30.5'::timestamp without time zone";
 * assert.equal(evenTimeLiterals(text, window), "ts > '<time of this run>'::timestamp without time zone");
 * const old = "ts > '2020-01-05 12:00:30'::timestamp without time zone";
 * assert.equal(evenTimeLiterals(old, window), old);
 * ```
 */
export function evenTimeLiterals(text: string, window: TimeWindow): string {
  if (!text.includes("'::")) return text;
  return text.replace(LITERAL, (literal, ...groups: (string | undefined)[]) => {
    const inside = groups[0] !== undefined
      ? dateTimeInside(groups.slice(0, 8), window)
      : timeInside(groups.slice(8, 12), window);
    return inside ? `${PLACEHOLDER}::${groups[7] ?? groups[12]}` : literal;
  });
}

/**
 * True when `a` and `b` are the same text once the time literals inside `window` are evened out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameUpToTimeLiterals } from "./time_literals.ts";
 *
 * const window = { startMs: Date.UTC(2026, 0, 5), endMs: Date.UTC(2026, 0, 5, 0, 1), utcOffsetMs: 0 };
 * const first = "DEFAULT '2026-01-05 00:00:10+00'::timestamp with time zone";
 * const again = "DEFAULT '2026-01-05 00:00:42.25+00'::timestamp with time zone";
 * assert.equal(sameUpToTimeLiterals(first, again, window), true);
 * assert.equal(sameUpToTimeLiterals(first, "DEFAULT now()", window), false);
 * ```
 */
export function sameUpToTimeLiterals(a: string, b: string, window: TimeWindow): boolean {
  return a === b || evenTimeLiterals(a, window) === evenTimeLiterals(b, window);
}

/** Year, month, day, hours, minutes, seconds, UTC offset and type of a date or timestamp. */
function dateTimeInside(parts: (string | undefined)[], window: TimeWindow): boolean {
  const [year, month, day, hours, minutes, seconds, offset, type] = parts;
  const wallMs = Date.UTC(Number(year), Number(month) - 1, Number(day)) +
    clockMs(hours ?? "0", minutes ?? "0", seconds ?? "0");
  if (type === "date") {
    const dayStart = wallMs - window.utcOffsetMs;
    return dayStart <= window.endMs && dayStart + DAY_MS > window.startMs;
  }
  const zoned = type!.includes("with time zone");
  if (zoned !== (offset !== undefined)) return false;
  const at = wallMs - (zoned ? offsetMs(offset!) : window.utcOffsetMs);
  return at >= window.startMs && at <= window.endMs;
}

/** Hours, minutes, seconds and UTC offset of a time of day. */
function timeInside(parts: (string | undefined)[], window: TimeWindow): boolean {
  const [hours, minutes, seconds, offset] = parts;
  if (window.endMs - window.startMs >= DAY_MS) return true;
  const utcOffset = offset === undefined ? window.utcOffsetMs : offsetMs(offset);
  const at = modDay(clockMs(hours!, minutes!, seconds!) - utcOffset);
  const start = modDay(window.startMs);
  const end = modDay(window.endMs);
  return start <= end ? at >= start && at <= end : at >= start || at <= end;
}

function clockMs(hours: string, minutes: string, seconds: string): number {
  return (Number(hours) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000;
}

/** `+05:30` as milliseconds. */
function offsetMs(offset: string): number {
  const sign = offset.startsWith("-") ? -1 : 1;
  const [h, m = "0", s = "0"] = offset.slice(1).split(":");
  return sign * clockMs(h, m, s);
}

function modDay(ms: number): number {
  return ((ms % DAY_MS) + DAY_MS) % DAY_MS;
}
