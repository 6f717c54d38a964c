/**
 * Dependencies between modules: `-- tide:requires <module>:<version>` in a SQL migration's
 * leading comments (several per line, or several lines), or `export const requires =
 * ["auth:003"]` in a TypeScript one. Each names a migration of another module that must be
 * applied first (see the planner).
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import type { Requirement } from "./migration.ts";
import { positionAt } from "../sql/position.ts";
import { isValidVersion } from "./version.ts";

const REQUIRES_LINE = /^[ \t]*--[ \t]*tide:requires\b(.*)$/gim;

/**
 * Reads `module:version` (split at the last `:`); `where` names the place for the error.
 * Throws `MigrationError` `INVALID_DIRECTIVE` when it is not one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRequirement } from "./requires.ts";
 *
 * assert.deepEqual(parseRequirement("auth:003", "001_a.sql"), { module: "auth", version: "003" });
 * assert.throws(() => parseRequirement("auth", "001_a.sql"), /module:version/);
 * ```
 */
export function parseRequirement(text: string, where: string): Requirement {
  const at = text.lastIndexOf(":");
  const module = text.slice(0, at);
  const version = text.slice(at + 1);
  if (at > 0 && isValidVersion(version)) return { module, version };
  throw new MigrationError(
    "INVALID_DIRECTIVE",
    `Cannot read ${where}: "${text}" is not a requirement. Write module:version, the module as ` +
      "--module names it and the version of its migration, e.g. auth:003.",
    { file: where.replace(/:\d+:\d+$/, "") },
  );
}

/**
 * The requirements of the `-- tide:requires` lines of SQL `text` at `path` (whose placement,
 * before any SQL, the directive check of `parse.ts` enforces).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqlRequirements } from "./requires.ts";
 *
 * const text = "-- tide:requires auth:003 billing:1.2\ncreate table t (user_id int);\n";
 * assert.deepEqual(sqlRequirements(text, "002_t.up.sql"), [
 *   { module: "auth", version: "003" },
 *   { module: "billing", version: "1.2" },
 * ]);
 * ```
 */
export function sqlRequirements(text: string, path: string): Requirement[] {
  if (!/tide:requires/i.test(text)) return [];
  const found: Requirement[] = [];
  for (const match of text.matchAll(REQUIRES_LINE)) {
    const { line, column } = positionAt(text, match.index);
    const where = `${path}:${line}:${column}`;
    const items = match[1].trim().split(/[\s,]+/).filter((item) => item !== "");
    if (items.length === 0) {
      throw new MigrationError(
        "INVALID_DIRECTIVE",
        `Cannot read ${where}: "-- tide:requires" names no migration. Write ` +
          "-- tide:requires module:version, e.g. -- tide:requires auth:003.",
        { file: path, line, column },
      );
    }
    found.push(...items.map((item) => parseRequirement(item, where)));
  }
  return found;
}

/**
 * `module:version`, as requirements are written and recorded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requirementText } from "./requires.ts";
 *
 * assert.equal(requirementText({ module: "auth", version: "003" }), "auth:003");
 * ```
 */
export function requirementText(requirement: Requirement): string {
  return `${requirement.module}:${requirement.version}`;
}
