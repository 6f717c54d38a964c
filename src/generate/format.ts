/**
 * The text of generated SQL: one statement per line (a statement's own lines kept), a blank
 * line between steps, and names written as the project's `{{schema}}` / `{{tables.x}}`
 * templates when its migrations use them.
 *
 * @module
 */
import type { Step } from "./step.ts";
import { unquote } from "./names.ts";

/** How names are written back as templates. */
export interface TemplateNames {
  /** The schema `{{schema}}` renders to, as the catalog prints it (`public` when unset). */
  schema: string;
  /** The tables `{{tables.x}}` may stand for, qualified as the catalog prints them. */
  tables: ReadonlySet<string>;
}

/** String literals, dollar-quoted bodies and comments, left as they are. */
const OPAQUE = /'(?:[^']|'')*'|\$([A-Za-z_]*)\$[\s\S]*?\$\1\$|--[^\n]*/g;

/**
 * Writes qualified names under the templates' schema as templates, outside literals and
 * bodies: `public.users` becomes `{{tables.users}}`, `public.f()` becomes `{{schema}}.f()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { templatize } from "./format.ts";
 *
 * const names = { schema: "public", tables: new Set(["public.users"]) };
 * assert.equal(templatize("ALTER TABLE public.users ADD x public.mood DEFAULT 'public.a';", names),
 *   "ALTER TABLE {{tables.users}} ADD x {{schema}}.mood DEFAULT 'public.a';");
 * ```
 */
export function templatize(sql: string, names: TemplateNames): string {
  const schema = names.schema.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(
    `(?<![\\w$."])${schema}\\.([A-Za-z_][\\w$]*|"(?:[^"]|"")+")(?![\\w$"])`,
    "g",
  );
  const replace = (code: string) =>
    code.replace(pattern, (whole, ident: string) => {
      if (!names.tables.has(whole)) return `{{schema}}.${ident}`;
      const raw = unquote(ident);
      return /^[^\s{}]+$/.test(raw) ? `{{tables.${raw}}}` : `{{schema}}.${ident}`;
    });
  let out = "";
  let copied = 0;
  for (const match of sql.matchAll(OPAQUE)) {
    out += replace(sql.slice(copied, match.index)) + match[0];
    copied = match.index + match[0].length;
  }
  return out + replace(sql.slice(copied));
}

/**
 * The SQL text of ordered steps.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSteps } from "./format.ts";
 *
 * assert.equal(formatSteps([{ sql: ["DROP TABLE public.t;"], rank: 1 }]), "DROP TABLE public.t;\n");
 * ```
 */
export function formatSteps(steps: readonly Step[], names?: TemplateNames): string {
  if (steps.length === 0) return "";
  const text = steps.map((step) => step.sql.join("\n")).join("\n\n") + "\n";
  return names === undefined ? text : templatize(text, names);
}
