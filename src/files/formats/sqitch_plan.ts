/**
 * sqitch's plan file, as sqitch reads it: `%pragma=value` lines (`%project` required), changes
 * `name [requires !conflicts] <timestamp> <planner> <email> # note`, tags `@name ...` on the
 * change before them, notes and blank lines. A change may appear again after a tag: it is
 * reworked, and its earlier instances read their scripts from `<name>@<tag>.sql`. Every
 * `requires` of this project must name a change planned earlier, or the plan is refused, as
 * sqitch refuses it (requires of other projects, `project:change`, are not checked).
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";

/** One change of a plan, in plan order. */
export interface PlannedChange {
  /** Its name (`/` allowed: a sub-folder of deploy/). */
  name: string;
  /** 1-based line in the plan. */
  line: number;
  /** Changes it requires, as written. */
  requires: string[];
  /** Tags placed right after it. */
  tags: string[];
  /**
   * For an instance reworked later: the tags whose name suffixes its scripts, first choice
   * first (`name@tag.sql`); empty for the newest instance (`name.sql`).
   */
  reworkTags: string[];
}

/** A parsed plan. */
export interface SqitchPlan {
  /** `%project`. */
  project: string;
  /** Changes in plan order. */
  changes: PlannedChange[];
}

const PRAGMA = /^\s*%\s*([^\s=]+)\s*=\s*(.*?)\s*$/;
const ENTRY =
  /^\s*(@?)([^\s:@#\\[\]]+)\s*(?:\[([^\]]*)\])?\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)?\s*([^<#]*<[^>]*>)?\s*(?:#.*)?$/;

/**
 * Parses `text`, the plan at `path`; throws `MigrationError` `INVALID_SECTIONS` at the line of
 * a syntax error or an unmet requirement.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSqitchPlan } from "./sqitch_plan.ts";
 *
 * const plan = parseSqitchPlan(
 *   "%project=shop\n\nusers 2024-01-01T00:00:00Z Ann <ann@example.com>\n" +
 *     "orders [users] 2024-01-02T00:00:00Z Ann <ann@example.com> # needs users\n",
 *   "sqitch.plan",
 * );
 * assert.deepEqual(plan.changes.map((c) => [c.name, c.requires]), [["users", []], ["orders", ["users"]]]);
 * ```
 */
export function parseSqitchPlan(text: string, path: string): SqitchPlan {
  const fail = (line: number, why: string) =>
    new MigrationError("INVALID_SECTIONS", `Cannot read ${path}:${line}:1: ${why}`, {
      file: path,
      line,
      column: 1,
    });
  let project = "";
  const changes: PlannedChange[] = [];
  /** Latest instance of each name, and whether a tag came since it. */
  const latest = new Map<string, { change: PlannedChange; index: number }>();
  const sinceTag = new Set<string>();
  const tagsAt = new Map<string, number>();
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.replace(/\r$/, "");
    const lineNo = index + 1;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const pragma = PRAGMA.exec(line);
    if (pragma) {
      if (pragma[1] === "project") project = pragma[2];
      continue;
    }
    const entry = ENTRY.exec(line.replace(/^\s*[+]\s*/, ""));
    if (entry === null || /^\s*-/.test(line)) {
      throw fail(lineNo, `"${line.trim()}" is not a change, a tag, a pragma or a note.`);
    }
    const [, tag, name, deps] = entry;
    if (tag === "@") {
      const previous = changes.at(-1);
      if (previous === undefined) throw fail(lineNo, `tag "@${name}" comes before any change.`);
      previous.tags.push(name);
      tagsAt.set(name, changes.length - 1);
      sinceTag.clear();
      continue;
    }
    if (sinceTag.has(name)) {
      throw fail(
        lineNo,
        `change "${name}" appears twice with no tag between: rework it after a tag.`,
      );
    }
    const change: PlannedChange = {
      name,
      line: lineNo,
      requires: (deps ?? "").trim().split(/\s+/).filter((d) => d !== "" && !d.startsWith("!")),
      tags: [],
      reworkTags: [],
    };
    checkRequires(change, changes, latest, tagsAt, fail);
    const duped = latest.get(name);
    if (duped) {
      const later = changes.slice(duped.index + 1).reverse().flatMap((c) => c.tags);
      duped.change.reworkTags = [...later, ...duped.change.tags];
    }
    latest.set(name, { change, index: changes.length });
    sinceTag.add(name);
    changes.push(change);
  }
  if (project === "") throw fail(1, "the plan has no %project pragma, which sqitch requires.");
  return { project: project, changes: changes.map((c) => c) };
}

function checkRequires(
  change: PlannedChange,
  earlier: readonly PlannedChange[],
  latest: ReadonlyMap<string, { index: number }>,
  tagsAt: ReadonlyMap<string, number>,
  fail: (line: number, why: string) => MigrationError,
): void {
  for (const required of change.requires) {
    if (required.includes(":")) continue; // another project's change: sqitch does not check it
    const [name, tag] = required.split("@", 2);
    const at = latest.get(name);
    const ok = tag === undefined
      ? at !== undefined
      : tagsAt.has(tag) && earlier.some((c, i) => c.name === name && i <= tagsAt.get(tag)!);
    if (ok) continue;
    if (name === change.name && tag === undefined) {
      throw fail(change.line, `change "${change.name}" cannot require itself.`);
    }
    throw fail(
      change.line,
      `change "${change.name}" requires "${required}", which is not planned before it. Move ` +
        `"${change.name}" below the change it requires in the plan, or fix the requirement.`,
    );
  }
}
