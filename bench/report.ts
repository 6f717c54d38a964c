/**
 * Turns benchmark measurements into the plain table `deno task bench` prints, with ratios and
 * targets.
 *
 * @module
 */
import type { PgliteTimes } from "./tide_runs.ts";

/** `tide status` with nothing to do, as a whole process at 500 migrations: dbmate takes ~20 ms. */
export const STATUS_TARGET_MS = 60;

/** Every measurement taken for one migration count; each list holds one entry per run. */
export interface SizeResult {
  /** How many migrations. */
  n: number;
  /** psql applying every up, one transaction per file. */
  psqlUpMs?: number[];
  /** psql applying every down in reverse. */
  psqlDownMs?: number[];
  /** tide apply-all. */
  tideUpMs?: number[];
  /** tide rollback-all. */
  tideDownMs?: number[];
  /** `tide status` subprocess, nothing to do. */
  statusMs?: number[];
  /** An empty script run the same way, between the status runs. */
  denoStartMs?: number[];
  /** Apply once versus verify, on PGlite. */
  pglite?: PgliteTimes;
}

/**
 * The median of some times; `undefined` for none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./report.ts";
 *
 * assert.equal(median([30, 10, 20]), 20);
 * assert.equal(median([]), undefined);
 * ```
 */
export function median(values: readonly number[] | undefined): number | undefined {
  if (!values || values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/** One line of the table: how to get its value for a size, and the target it is held to. */
interface Row {
  label: string;
  unit: "ms" | "x";
  value: (r: SizeResult) => number | undefined;
  target?: string;
  meets?: (value: number, r: SizeResult) => boolean;
}

const ROWS: readonly Row[] = [
  { label: "psql floor: apply all", unit: "ms", value: (r) => median(r.psqlUpMs) },
  { label: "tide: apply all", unit: "ms", value: (r) => median(r.tideUpMs) },
  {
    label: "  apply ratio (tide / psql)",
    unit: "x",
    value: (r) => ratio(median(r.tideUpMs), median(r.psqlUpMs)),
    target: "<= 1.25x",
    meets: (v) => v <= 1.25,
  },
  { label: "psql floor: rollback all", unit: "ms", value: (r) => median(r.psqlDownMs) },
  { label: "tide: rollback all", unit: "ms", value: (r) => median(r.tideDownMs) },
  {
    label: "  rollback ratio (tide / psql)",
    unit: "x",
    value: (r) => ratio(median(r.tideDownMs), median(r.psqlDownMs)),
    target: "<= 1.5x",
    meets: (v) => v <= 1.5,
  },
  {
    label: "tide status, no-op (median)",
    unit: "ms",
    value: (r) => median(r.statusMs),
    target: `<= ${STATUS_TARGET_MS} ms`,
    meets: (v) => v <= STATUS_TARGET_MS,
  },
  { label: "  Deno start (empty script)", unit: "ms", value: (r) => median(r.denoStartMs) },
  { label: "PGlite: apply once", unit: "ms", value: (r) => r.pglite?.applyMs },
  {
    label: "PGlite: verify",
    unit: "ms",
    value: (r) => r.pglite?.verifyMs,
    target: "< 30 s at 500",
    meets: (v, r) => r.n < 500 || v < 30_000,
  },
  {
    label: "  verify ratio (verify / apply)",
    unit: "x",
    value: (r) => ratio(r.pglite?.verifyMs, r.pglite?.applyMs),
    target: "<= 4x",
    meets: (v) => v <= 4,
  },
  { label: "PGlite: verify + lint", unit: "ms", value: (r) => r.pglite?.verifyLintMs },
  {
    label: "  lint ratio (verify + lint / verify)",
    unit: "x",
    value: (r) => ratio(r.pglite?.verifyLintMs, r.pglite?.verifyMs),
    target: "<= 1.5x",
    meets: (v) => v <= 1.5,
  },
];

function cell(value: number | undefined, unit: "ms" | "x"): string {
  if (value === undefined) return "-";
  return unit === "x" ? `${value.toFixed(2)}x` : `${Math.round(value)} ms`;
}

/** "ok" when every measured size meets the row's target, "MISSED" when one does not. */
function verdict(row: Row, results: readonly SizeResult[]): string {
  if (!row.meets) return "";
  let measured = false;
  for (const r of results) {
    const v = row.value(r);
    if (v === undefined) continue;
    measured = true;
    if (!row.meets(v, r)) return "MISSED";
  }
  return measured ? "ok" : "";
}

/**
 * Formats the results as a plain text table: one line per measurement, one column per size,
 * then the target and whether it was met. Rows nothing was measured for are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTable } from "./report.ts";
 *
 * assert.deepEqual(formatTable([{ n: 100, psqlUpMs: [800], tideUpMs: [900] }]).split("\n"), [
 *   "                              N=100    target",
 *   "psql floor: apply all        800 ms",
 *   "tide: apply all              900 ms",
 *   "  apply ratio (tide / psql)   1.13x  <= 1.25x  ok",
 * ]);
 * ```
 */
export function formatTable(results: readonly SizeResult[]): string {
  const header = ["", ...results.map((r) => `N=${r.n}`), "target", ""];
  const lines = ROWS
    .filter((row) => results.some((r) => row.value(r) !== undefined))
    .map((row) => [
      row.label,
      ...results.map((r) => cell(row.value(r), row.unit)),
      row.target ?? "",
      verdict(row, results),
    ]);
  const table = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...table.map((line) => line[i].length)));
  return table
    .map((line) =>
      line.map((text, i) => i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i])).join("  ")
        .trimEnd()
    )
    .join("\n");
}
