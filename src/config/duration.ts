/**
 * Durations as people type them in flags, Action inputs and config: `30s`, `500ms`, `2m`, `1h`,
 * or plain milliseconds.
 *
 * @module
 */
import { UsageError } from "../errors.ts";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads a duration: `30s`, `500ms`, `2m`, `1h`, or plain milliseconds (`1500`). `flag` names
 * where it was given, for the error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDuration } from "./duration.ts";
 *
 * assert.equal(parseDuration("2m", "--lock-wait"), 120_000);
 * assert.equal(parseDuration("250", "--lock-wait"), 250);
 * assert.throws(() => parseDuration("soon", "--lock-wait"), /--lock-wait takes a duration/);
 * ```
 */
export function parseDuration(text: string, flag: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `${flag} takes a duration such as 30s, 500ms, 2m or plain milliseconds, got "${text}".`,
    );
  }
  // Not rounded: the setting's rule refuses a fraction of a millisecond that would round to 0.
  return Number(match[1]) * UNIT_MS[match[2] ?? "ms"];
}
