/**
 * A unified line diff (Myers' algorithm), for showing two schema snapshots side by side in a
 * terminal or a PR comment.
 *
 * @module
 */

/** Options of {@linkcode textDiff}. */
export interface TextDiffOptions {
  /** Unchanged lines shown around each change. Default 3. */
  context?: number;
  /** Names of the two sides in the `---`/`+++` header. Default `["before", "after"]`. */
  labels?: [string, string];
}

type Op = { type: " " | "-" | "+"; line: string };

/**
 * Returns the unified diff of two texts, line by line, or an empty string when they are equal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textDiff } from "./text_diff.ts";
 *
 * assert.equal(
 *   textDiff("a\nb\n", "a\nc\n", { labels: ["down", "up"] }),
 *   "--- down\n+++ up\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
 * );
 * ```
 */
export function textDiff(before: string, after: string, options: TextDiffOptions = {}): string {
  if (before === after) return "";
  const [from, to] = options.labels ?? ["before", "after"];
  const ops = diffLines(lines(before), lines(after));
  const hunks = toHunks(ops, Math.max(0, options.context ?? 3));
  return [`--- ${from}`, `+++ ${to}`, ...hunks].join("\n") + "\n";
}

function lines(text: string): string[] {
  if (text === "") return [];
  const list = text.split("\n");
  if (list.at(-1) === "") list.pop();
  return list;
}

/** Myers' O((N+M)D) shortest edit script, after trimming the common prefix and suffix. */
function diffLines(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  const same = (line: string): Op => ({ type: " ", line });
  return [...a.slice(0, start).map(same), ...middle, ...a.slice(endA).map(same)];
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]);
      let x = down ? v[max + k + 1] : v[max + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, max);
    }
  }
  return [];
}

function backtrack(trace: Int32Array[], a: string[], b: string[], max: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[max + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ type: " ", line: a[--x] });
      y--;
    }
    if (d > 0) {
      if (down) ops.push({ type: "+", line: b[--y] });
      else ops.push({ type: "-", line: a[--x] });
    }
  }
  return ops.reverse();
}

/** Groups edits into hunks with `context` lines around them, merging hunks that touch. */
function toHunks(ops: Op[], context: number): string[] {
  const changed = ops.flatMap((op, i) => (op.type === " " ? [] : [i]));
  const out: string[] = [];
  let i = 0;
  while (i < changed.length) {
    const first = Math.max(0, changed[i] - context);
    let last = changed[i];
    while (i + 1 < changed.length && changed[i + 1] - last <= 2 * context + 1) last = changed[++i];
    last = Math.min(ops.length - 1, last + context);
    i++;
    out.push(...hunk(ops, first, last));
  }
  return out;
}

function hunk(ops: Op[], first: number, last: number): string[] {
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops.slice(0, first)) {
    if (op.type !== "+") oldLine++;
    if (op.type !== "-") newLine++;
  }
  const body = ops.slice(first, last + 1);
  const oldCount = body.filter((op) => op.type !== "+").length;
  const newCount = body.filter((op) => op.type !== "-").length;
  const range = (start: number, count: number) =>
    count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
  return [
    `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`,
    ...body.map((op) => `${op.type}${op.line}`),
  ];
}
