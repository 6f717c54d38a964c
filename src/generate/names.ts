/**
 * Names in snapshot text: splitting qualified names, the identifiers a definition mentions
 * (what dependency order is built from), and renaming inside definitions.
 *
 * @module
 */

/** An identifier as `quote_ident` prints it: bare, or in double quotes with `""` doubled. */
const IDENT = String.raw`(?:[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|"(?:[^"]|"")+")`;

/** A possibly qualified name: `a`, `a.b`, `"A".b.c`. */
const QUALIFIED = new RegExp(`${IDENT}(?:\\s*\\.\\s*${IDENT})*`, "g");

/** String literals, dollar-quoted bodies and comments: text that names nothing. */
const OPAQUE = /'(?:[^']|'')*'|\$([A-Za-z_]*)\$[\s\S]*?\$\1\$|--[^\n]*/g;

/**
 * The names `text` mentions, each qualified name and its last part (`public.users` gives
 * `public.users` and `users`). String literals and comments are skipped; dollar-quoted bodies
 * are kept, since a function body's references decide its order too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mentions } from "./names.ts";
 *
 * const found = mentions("CREATE VIEW public.v AS SELECT id FROM public.users WHERE x = 'a.b'");
 * assert.ok(found.has("public.users") && found.has("users") && !found.has("a.b"));
 * ```
 */
export function mentions(text: string): Set<string> {
  const code = text.replace(/'(?:[^']|'')*'|--[^\n]*/g, " ");
  const found = new Set<string>();
  for (const match of code.matchAll(QUALIFIED)) {
    const parts = splitName(match[0].replace(/\s+/g, ""));
    for (let i = 0; i < parts.length; i++) found.add(parts.slice(i).join("."));
    if (parts.length > 1) found.add(parts.slice(0, 2).join("."));
  }
  return found;
}

/**
 * Splits a qualified name at its dots, quotes kept: `"a.b".c` gives `"a.b"` and `c`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitName } from "./names.ts";
 *
 * assert.deepEqual(splitName('public."My Table".id'), ["public", '"My Table"', "id"]);
 * ```
 */
export function splitName(name: string): string[] {
  return name.match(new RegExp(IDENT, "g")) ?? [name];
}

/** The name of an object under `parent` (a column, constraint, trigger or policy). */
export function localName(name: string, parent: string): string {
  return name.startsWith(`${parent}.`) ? name.slice(parent.length + 1) : name;
}

/** The last part of a qualified name, `users` for `public.users`. */
export function lastPart(name: string): string {
  return splitName(name).at(-1)!;
}

/** The schema of a qualified name, `public` for `public.users`. */
export function schemaOf(name: string): string {
  return splitName(name)[0];
}

/** The name without its argument list: `public.f` for `public.f(integer)`. */
export function routineBase(name: string): string {
  const open = name.indexOf("(");
  return open < 0 ? name : name.slice(0, open);
}

/** The raw name of a quoted identifier: `My Table` for `"My Table"`. */
export function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replaceAll('""', '"') : identifier;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Replaces the identifier (or qualified name) `from` by `to` in `text`, outside string
 * literals, dollar-quoted bodies and comments, where it stands as a whole name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renameIn } from "./names.ts";
 *
 * assert.equal(renameIn("CREATE INDEX i ON public.t (mail) -- mail", "mail", "email"),
 *   "CREATE INDEX i ON public.t (email) -- mail");
 * ```
 */
export function renameIn(text: string, from: string, to: string): string {
  const pattern = new RegExp(`(?<![\\w$."])${escapeRegExp(from)}(?![\\w$"])`, "g");
  let out = "";
  let copied = 0;
  for (const match of text.matchAll(OPAQUE)) {
    out += text.slice(copied, match.index).replace(pattern, to) + match[0];
    copied = match.index + match[0].length;
  }
  return out + text.slice(copied).replace(pattern, to);
}
