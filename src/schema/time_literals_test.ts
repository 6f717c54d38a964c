import { equal } from "node:assert/strict";
import { evenTimeLiterals, sameUpToTimeLiterals, type TimeWindow } from "./time_literals.ts";

/** 2026-03-10 23:59:30 to 2026-03-11 00:00:30 UTC, seen from a session at +02:00. */
const WINDOW: TimeWindow = {
  startMs: Date.UTC(2026, 2, 10, 23, 59, 30),
  endMs: Date.UTC(2026, 2, 11, 0, 0, 30),
  utcOffsetMs: 2 * 3_600_000,
};

const EVEN = "'<time of this run>'";

Deno.test("evenTimeLiterals() evens out a timestamp of the session's local time inside the window", () => {
  const local = "'2026-03-11 01:59:45.123456'::timestamp without time zone";
  equal(evenTimeLiterals(local, WINDOW), `${EVEN}::timestamp without time zone`);
  // The same wall clock read as UTC is two hours off: outside.
  const utc = { ...WINDOW, utcOffsetMs: 0 };
  equal(evenTimeLiterals(local, utc), local);
  const rounded = "'2026-03-11 02:00:30'::timestamp(0) without time zone";
  equal(evenTimeLiterals(rounded, WINDOW), `${EVEN}::timestamp(0) without time zone`);
});

Deno.test("evenTimeLiterals() reads the offset a timestamptz literal carries", () => {
  for (const literal of ["'2026-03-11 00:00:10+00'", "'2026-03-11 05:30:10+05:30'"]) {
    equal(
      evenTimeLiterals(`${literal}::timestamp with time zone`, WINDOW),
      `${EVEN}::timestamp with time zone`,
    );
  }
  const before = "'2026-03-10 23:59:10-00'::timestamp with time zone";
  equal(evenTimeLiterals(before, WINDOW), before);
});

Deno.test("evenTimeLiterals() evens out a date whose local day overlaps the window", () => {
  // 23:59:30 UTC is 01:59:30 on the 11th at +02:00: the 10th is not a day of the run there.
  equal(evenTimeLiterals("'2026-03-11'::date", WINDOW), `${EVEN}::date`);
  equal(evenTimeLiterals("'2026-03-10'::date", WINDOW), "'2026-03-10'::date");
  const utc = { ...WINDOW, utcOffsetMs: 0 };
  equal(evenTimeLiterals("'2026-03-10'::date", utc), `${EVEN}::date`);
  equal(evenTimeLiterals("'2026-03-11'::date", utc), `${EVEN}::date`);
  equal(evenTimeLiterals("'2026-03-12'::date", utc), "'2026-03-12'::date");
});

Deno.test("evenTimeLiterals() evens out a time of day the window passes through, across midnight", () => {
  const utc = { ...WINDOW, utcOffsetMs: 0 };
  equal(
    evenTimeLiterals("'23:59:59.5'::time without time zone", utc),
    `${EVEN}::time without time zone`,
  );
  equal(
    evenTimeLiterals("'00:00:01'::time without time zone", utc),
    `${EVEN}::time without time zone`,
  );
  equal(
    evenTimeLiterals("'12:00:00'::time without time zone", utc),
    "'12:00:00'::time without time zone",
  );
  equal(
    evenTimeLiterals("'02:00:01+02'::time with time zone", WINDOW),
    `${EVEN}::time with time zone`,
  );
  equal(
    evenTimeLiterals("'00:00:01+02'::time with time zone", WINDOW),
    "'00:00:01+02'::time with time zone",
  );
});

Deno.test("evenTimeLiterals() leaves other literals alone", () => {
  const text = "CHECK ((at > '2020-01-01 00:00:00'::timestamp without time zone) AND " +
    "(label <> '2026-03-11'::text) AND (d <> 'infinity'::date) AND (span > '1 mon'::interval))";
  equal(evenTimeLiterals(text, WINDOW), text);
});

Deno.test("sameUpToTimeLiterals() is true only when the texts differ by literals of the window", () => {
  const at = (time: string) =>
    `SELECT id FROM t WHERE at > ('2026-03-11 ${time}'::timestamp without time zone - '1 mon'::interval)`;
  equal(sameUpToTimeLiterals(at("01:59:31"), at("02:00:29.999"), WINDOW), true);
  equal(sameUpToTimeLiterals(at("01:59:31"), at("02:00:31"), WINDOW), false);
  equal(sameUpToTimeLiterals(at("01:59:31"), at("01:59:31").replace("id", "name"), WINDOW), false);
  equal(
    sameUpToTimeLiterals(
      at("01:59:31"),
      "SELECT id FROM t WHERE at > (now() - '1 mon'::interval)",
      WINDOW,
    ),
    false,
  );
});
