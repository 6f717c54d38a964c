/**
 * The `lint` section of the config file (`tide lint`'s rule levels), apart from the run settings:
 * checking it needs the lint rules, which only a config that has the section loads.
 *
 * @module
 */
import { RULES } from "../lint/rules.ts";

const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));

const LEVELS = ["off", "info", "warning", "error"];

/** A key of the `lint` section and what is wrong with it. */
export interface LintProblem {
  /** The key, dotted from the top of the file: `lint.rules.nope`. */
  key: string;
  /** What is wrong, as the end of a sentence: `is not a lint rule (...)`. */
  problem: string;
}

/**
 * What is wrong with a config's `lint` section (`{"rules": {"<rule id>": "<level>"}}`), or
 * `undefined` when it is right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lintProblem } from "./lint_config.ts";
 *
 * assert.equal(lintProblem({ rules: { "table-rewrite": "off" } }), undefined);
 * assert.equal(lintProblem({ rules: { nope: "off" } })?.key, "lint.rules.nope");
 * ```
 */
export function lintProblem(lint: unknown): LintProblem | undefined {
  const isObject = (value: unknown) =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(lint)) return { key: "lint", problem: 'must be an object like {"rules": {...}}' };
  const { rules, ...rest } = lint as { rules?: unknown };
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) {
    return { key: `lint.${extra}`, problem: "is not a lint setting (known: rules)" };
  }
  if (rules === undefined) return undefined;
  if (!isObject(rules)) return { key: "lint.rules", problem: "must be an object of rule ids" };
  for (const [id, level] of Object.entries(rules as object)) {
    if (!RULE_IDS.has(id)) {
      return { key: `lint.rules.${id}`, problem: "is not a lint rule (see the README's list)" };
    }
    if (!LEVELS.includes(level as string)) {
      return { key: `lint.rules.${id}`, problem: `must be one of ${LEVELS.join(", ")}` };
    }
  }
  return undefined;
}
