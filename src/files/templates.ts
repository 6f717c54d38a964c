/**
 * Schema templates (pgdbm style), so one migration set can be applied to any schema:
 *
 * - `{{schema}}` becomes the quoted schema, `"S"`, or `"public"` when no schema is given;
 * - `{{tables.name}}` becomes `"S"."name"`, or `"name"` (unqualified) when no schema is given.
 *
 * Spaces inside the braces are allowed (`{{ schema }}`). Names are always quoted, with `"`
 * doubled, so no schema or table name can inject SQL. Templates are replaced everywhere in the
 * text, including inside string literals and comments: the renderer does not parse SQL. A
 * `{{...}}` whose content does not start with a letter or `_` (such as `'{{1,2},{3,4}}'`) is
 * left alone; any other unknown template is an `UNKNOWN_TEMPLATE` error.
 *
 * @module
 */

import { MigrationError } from "../errors.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import type { MigrationScript } from "./migration.ts";
import { positionAt } from "../sql/position.ts";

/** Options of {@linkcode renderScript}. */
export interface TemplateOptions {
  /** Schema that `{{schema}}` and `{{tables.x}}` point at; unqualified (`public`) when unset. */
  schema?: string;
}

/** SQL text with templates replaced, and the way back to the source text. */
export interface RenderedSql {
  /** The text to send to the server. */
  text: string;
  /**
   * Maps a 0-based UTF-16 offset in `text` to the offset in the source text. An offset inside
   * a replaced template maps to the start of that template.
   */
  sourceOffset(renderedOffset: number): number;
}

/** One replaced template: where it was in the source and where its replacement is. */
interface Replacement {
  sourceStart: number;
  sourceEnd: number;
  renderedStart: number;
  renderedEnd: number;
}

const TEMPLATE = /\{\{([^{}]*)\}\}/g;
const TEMPLATE_NAME_START = /^[A-Za-z_]/;
const TABLE_TEMPLATE = /^tables\.([^\s}]+)$/;
/** PostgreSQL silently truncates longer identifiers, which could make two names collide. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Renders the templates of a migration script. Throws `MigrationError` `UNKNOWN_TEMPLATE` (with
 * file, line and column) for an unknown template and `INVALID_IDENTIFIER` for a schema or table
 * name PostgreSQL cannot hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderScript } from "./templates.ts";
 *
 * const sql = "CREATE TABLE {{tables.users}} ();";
 * const script = { path: "001_init.sql", sql, line: 2, column: 1 };
 * const rendered = renderScript(script, { schema: "tenant_a" });
 * assert.equal(rendered.text, 'CREATE TABLE "tenant_a"."users" ();');
 * // Positions in the rendered text map back to the file.
 * assert.equal(rendered.sourceOffset(rendered.text.indexOf("()")), sql.indexOf("()"));
 * ```
 */
export function renderScript(script: MigrationScript, options: TemplateOptions): RenderedSql {
  if (script.templates === false) return { text: script.sql, sourceOffset: (offset) => offset };
  const schema = options.schema === undefined
    ? undefined
    : checkedIdentifier(options.schema, "schema", script);
  const replacements: Replacement[] = [];
  let text = "";
  let copied = 0;
  for (const match of script.sql.matchAll(TEMPLATE)) {
    const content = match[1].trim();
    if (!TEMPLATE_NAME_START.test(content)) continue;
    const replacement = replacementFor(content, schema, script, match.index);
    text += script.sql.slice(copied, match.index);
    replacements.push({
      sourceStart: match.index,
      sourceEnd: match.index + match[0].length,
      renderedStart: text.length,
      renderedEnd: text.length + replacement.length,
    });
    text += replacement;
    copied = match.index + match[0].length;
  }
  text += script.sql.slice(copied);
  return { text, sourceOffset: (offset) => sourceOffset(replacements, offset) };
}

function sourceOffset(replacements: readonly Replacement[], renderedOffset: number): number {
  let delta = 0;
  for (const replacement of replacements) {
    if (renderedOffset < replacement.renderedStart) break;
    if (renderedOffset < replacement.renderedEnd) return replacement.sourceStart;
    delta = replacement.sourceEnd - replacement.renderedEnd;
  }
  return renderedOffset + delta;
}

function replacementFor(
  content: string,
  schema: string | undefined,
  script: MigrationScript,
  offset: number,
): string {
  if (content === "schema") return quoteIdentifier(schema ?? "public");
  const table = TABLE_TEMPLATE.exec(content);
  if (table === null) {
    const { line, column } = positionAt(script.sql, offset, script);
    throw new MigrationError(
      "UNKNOWN_TEMPLATE",
      `Cannot render ${script.path}:${line}:${column}: unknown template "{{${content}}}". ` +
        "The templates are {{schema}} and {{tables.<name>}}; if this is not meant as a " +
        "template (an array literal such as '{{a}}'), add spaces: '{ {a} }'.",
      { file: script.path, line, column },
    );
  }
  const name = checkedIdentifier(table[1], "table", script, offset);
  return schema === undefined
    ? quoteIdentifier(name)
    : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
}

/** Returns `name` when PostgreSQL can hold it unchanged as an identifier, else throws. */
function checkedIdentifier(
  name: string,
  what: "schema" | "table",
  script: MigrationScript,
  offset?: number,
): string {
  const bytes = new TextEncoder().encode(name).length;
  if (name !== "" && !name.includes("\0") && bytes <= MAX_IDENTIFIER_BYTES) return name;
  const where = offset === undefined ? undefined : positionAt(script.sql, offset, script);
  const location = where === undefined
    ? script.path
    : `${script.path}:${where.line}:${where.column}`;
  const problem = name === ""
    ? "is empty"
    : name.includes("\0")
    ? "contains a NUL character"
    : `is ${bytes} bytes long; PostgreSQL would cut it to ${MAX_IDENTIFIER_BYTES}`;
  return fail(location, `the ${what} name ${JSON.stringify(name)} ${problem}`, script, where);
}

function fail(
  location: string,
  problem: string,
  script: MigrationScript,
  where?: { line: number; column: number },
): never {
  throw new MigrationError(
    "INVALID_IDENTIFIER",
    `Cannot render ${location}: ${problem}. Use a non-empty name of at most ` +
      `${MAX_IDENTIFIER_BYTES} bytes.`,
    { file: script.path, line: where?.line, column: where?.column },
  );
}
