/**
 * Suppressions, written in the comments just before a statement: `-- tide:allow <rule> <reason>`
 * (the reason is required), and the ignore comments of Squawk (`-- squawk-ignore <rule>, ...`)
 * and eugene (`-- eugene: ignore E4, E5`), read under the names those tools give tide's rules.
 *
 * @module
 */
import type { Draft } from "./rule_context.ts";
import { ruleInfo, RULES } from "./rules.ts";
import type { LintStatement } from "./statements.ts";

/** Suppressed rules of each statement (by index): rule id to the reason given. */
export type Suppressions = Map<number, Map<string, string>>;

const ALLOW = /^--\s*tide:allow\b(.*)$/;
const SQUAWK = /^--\s*squawk-ignore\s+(.+)$/;
const EUGENE = /^--\s*eugene:\s*ignore\s+(.+)$/i;

/**
 * Reads the suppressions before each statement; a malformed `-- tide:allow` is an
 * `invalid-allow` finding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readSuppressions } from "./suppress.ts";
 *
 * const statement = {
 *   index: 0, text: "", line: 2, column: 1,
 *   comments: ["-- tide:allow drop-column nothing reads it since v12", "-- eugene: ignore E4"],
 * };
 * const { suppressions, invalid } = readSuppressions([statement]);
 * assert.equal(suppressions.get(0)?.get("drop-column"), "nothing reads it since v12");
 * assert.equal(suppressions.get(0)?.get("lock-held"), "-- eugene: ignore E4");
 * assert.deepEqual(invalid, []);
 * ```
 */
export function readSuppressions(
  statements: readonly LintStatement[],
): { suppressions: Suppressions; invalid: Draft[] } {
  const suppressions: Suppressions = new Map();
  const invalid: Draft[] = [];
  for (const statement of statements) {
    const allowed = new Map<string, string>();
    for (const comment of statement.comments.map((c) => c.trim())) {
      const allow = ALLOW.exec(comment);
      if (allow) {
        const problem = readAllow(allow[1], allowed);
        if (problem) {
          invalid.push({ rule: "invalid-allow", statement: statement.index, ...problem });
        }
        continue;
      }
      const squawk = SQUAWK.exec(comment);
      if (squawk) allowAs(allowed, names(squawk[1]), "squawk", comment);
      const eugene = EUGENE.exec(comment);
      if (eugene) allowAs(allowed, names(eugene[1]), "eugene", comment);
    }
    if (allowed.size > 0) suppressions.set(statement.index, allowed);
  }
  return { suppressions, invalid };
}

function names(list: string): string[] {
  return list.split(/[\s,]+/).filter((name) => name !== "");
}

function allowAs(
  allowed: Map<string, string>,
  names: readonly string[],
  tool: "squawk" | "eugene",
  comment: string,
): void {
  for (const rule of RULES) {
    if (rule[tool].some((name) => names.includes(name))) allowed.set(rule.id, comment);
  }
}

/** Reads `<rule> <reason>`; returns the problem, if any. */
function readAllow(
  rest: string,
  allowed: Map<string, string>,
): Pick<Draft, "message" | "evidence"> | undefined {
  const [rule, ...words] = rest.trim().split(/\s+/);
  const reason = words.join(" ");
  const evidence = { measured: false };
  if (!rule) {
    return {
      message: "-- tide:allow names no rule: write -- tide:allow <rule> <reason>.",
      evidence,
    };
  }
  if (!ruleInfo(rule)) {
    return { message: `-- tide:allow names an unknown rule "${rule}".`, evidence };
  }
  if (!reason) {
    return {
      message: `-- tide:allow ${rule} gives no reason: say why it is safe here, for the reviewer.`,
      evidence,
    };
  }
  allowed.set(rule, reason);
  return undefined;
}
