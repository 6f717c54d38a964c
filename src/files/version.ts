/**
 * Migration versions: digits (`001`, `20260121093000`) or Flyway versions (`1.2`, `1_2`),
 * compared numerically part by part. Flyway's repeatable migrations have no version; tide keys
 * them `R__<description>`, sorted after every versioned migration, by description.
 *
 * @module
 */

/** How tide keys a repeatable migration, in place of a version. */
export const REPEATABLE_PREFIX = "R__";

/**
 * Tells whether `version` is the key of a repeatable migration (`R__<description>`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRepeatableVersion } from "./version.ts";
 *
 * assert.equal(isRepeatableVersion("R__views"), true);
 * assert.equal(isRepeatableVersion("001"), false);
 * ```
 */
export function isRepeatableVersion(version: string): boolean {
  return version.startsWith(REPEATABLE_PREFIX);
}

/**
 * How output names a migration: `<version>_<name>`, or a repeatable's key alone (it holds the
 * description already).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrationLabel } from "./version.ts";
 *
 * assert.equal(migrationLabel({ version: "001", name: "users" }), "001_users");
 * assert.equal(migrationLabel({ version: "R__views", name: "views" }), "R__views");
 * ```
 */
export function migrationLabel(migration: { version: string; name: string }): string {
  const { version, name } = migration;
  return isRepeatableVersion(version) ? version : `${version}_${name}`;
}

const VERSION_PATTERN = /^\d+(?:[._]\d+)*$/;
const DIGITS = /^\d+$/;

/** `007` as `7`, `000` as `0`: a one-part version's number, as `versionParts` reads it. */
function withoutLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, "");
}

/**
 * Tells whether `version` is a valid migration version: digits, optionally split into parts by
 * `.` or `_` (Flyway style).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isValidVersion } from "./version.ts";
 *
 * assert.equal(isValidVersion("20260121093000"), true);
 * assert.equal(isValidVersion("1.2"), true);
 * assert.equal(isValidVersion("1.x"), false);
 * ```
 */
export function isValidVersion(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

/**
 * The numeric parts of a version, trailing zero parts dropped so that `1`, `1.0` and `001`
 * have the same parts. BigInt keeps 14-digit timestamps exact.
 */
function versionParts(version: string): readonly bigint[] {
  let parts = PARTS.get(version);
  if (parts === undefined) {
    parts = parseParts(version);
    // Sorting hundreds of migrations compares each version many times; parse each once.
    if (PARTS.size >= 100_000) PARTS.clear();
    PARTS.set(version, parts);
  }
  return parts;
}

const PARTS = new Map<string, readonly bigint[]>();

function parseParts(version: string): bigint[] {
  if (!isValidVersion(version)) {
    throw new TypeError(
      `Cannot compare version "${version}": a version is digits, optionally split by "." or "_".`,
    );
  }
  const parts = version.split(/[._]/).map((part) => BigInt(part));
  while (parts.length > 1 && parts[parts.length - 1] === 0n) parts.pop();
  return parts;
}

/**
 * Compares two versions numerically, part by part: `9` < `10`, `1.9` < `1.10`, and `001`
 * equals `1` (and `1.0`, and `1_0`). Returns a negative number, zero or a positive number, so it
 * can be passed to `Array.prototype.sort`. Throws a `TypeError` for an invalid version.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareVersions } from "./version.ts";
 *
 * assert.deepEqual(["10", "9", "1.10", "1.9"].sort(compareVersions), ["1.9", "1.10", "9", "10"]);
 * assert.equal(compareVersions("001", "1"), 0);
 * assert.ok(compareVersions("R__views", "99") > 0); // repeatables come last
 * ```
 */
export function compareVersions(a: string, b: string): number {
  // Plain digits on both sides, the common case: no parts to split (sorting 500 at each start).
  if (DIGITS.test(a) && DIGITS.test(b)) {
    if (a.length === b.length) return a < b ? -1 : a > b ? 1 : 0; // digit for digit
    const x = withoutLeadingZeros(a);
    const y = withoutLeadingZeros(b);
    return Math.sign(x.length - y.length) || (x < y ? -1 : x > y ? 1 : 0);
  }
  const repeatable = Number(isRepeatableVersion(a)) - Number(isRepeatableVersion(b));
  if (repeatable !== 0) return repeatable;
  if (isRepeatableVersion(a)) return a < b ? -1 : a > b ? 1 : 0;
  const left = versionParts(a);
  const right = versionParts(b);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i] ?? 0n;
    const y = right[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The canonical form of a version: parts without leading zeros, joined by `.`, trailing zero
 * parts dropped. Two versions compare equal exactly when their canonical forms are equal, so it
 * serves as a map key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalVersion } from "./version.ts";
 *
 * assert.equal(canonicalVersion("001"), "1");
 * assert.equal(canonicalVersion("1_2_0"), "1.2");
 * ```
 */
export function canonicalVersion(version: string): string {
  if (isRepeatableVersion(version)) return version;
  if (DIGITS.test(version)) return withoutLeadingZeros(version); // the common case, unsplit
  return versionParts(version).join(".");
}

/**
 * The version after `versions`: a UTC timestamp `YYYYMMDDHHMMSS` when every existing version is
 * one (always later than the newest), else the next integer, zero-padded to the width in use
 * (3 digits, `001`, in an empty directory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextVersion } from "./version.ts";
 *
 * assert.equal(nextVersion(["001", "002"]), "003");
 * const now = new Date("2026-02-03T04:05:06Z");
 * assert.equal(nextVersion(["20260101120000"], now), "20260203040506");
 * ```
 */
export function nextVersion(versions: readonly string[], now: Date = new Date()): string {
  if (versions.length === 0) return "001";
  const newest = [...versions].sort(compareVersions).at(-1)!;
  if (versions.every((v) => /^\d{14}$/.test(v))) {
    const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
    return BigInt(stamp) > BigInt(newest) ? stamp : (BigInt(newest) + 1n).toString();
  }
  const major = newest.split(/[._]/)[0];
  const next = (BigInt(major) + 1n).toString();
  const width = versions.every((v) => /^\d+$/.test(v)) ? newest.length : major.length;
  return next.padStart(width, "0");
}
