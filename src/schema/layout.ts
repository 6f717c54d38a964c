/**
 * Catalog text that differs only in layout, not in meaning, as a down that re-creates an object
 * by hand often writes it: a CHECK or index predicate grouped `a AND (b AND c)` where the
 * original said `a AND b AND c` (the server keeps the grouping it was given), and a PL/pgSQL or
 * SQL function body indented otherwise. Both sides of a comparison are brought to one form;
 * text inside quotes is never touched.
 *
 * @module
 */

/** A piece of catalog text: code, a quoted literal or identifier, or a parenthesized group. */
type Part = string | { quoted: string } | Part[];

/**
 * Splits text into code (even indexes) and quoted parts (odd): `'...'` with `''` (and `\`
 * escapes after `E`), `"..."`.
 */
function splitQuoted(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') continue;
    const escapes = quote === "'" && /(?:^|[^\w$])[eE]$/.test(text.slice(start, i));
    let end = i + 1;
    for (; end < text.length; end++) {
      if (escapes && text[end] === "\\") end++;
      else if (text[end] === quote && text[end + 1] === quote) end++;
      else if (text[end] === quote) break;
    }
    parts.push(text.slice(start, i), text.slice(i, end + 1));
    start = i = end + 1;
    i--;
  }
  parts.push(text.slice(start));
  return parts;
}

/** The text as nested groups; `undefined` when its parentheses do not balance. */
function parseGroups(text: string): Part[] | undefined {
  const root: Part[] = [];
  const open: Part[][] = [root];
  splitQuoted(text).forEach((segment, index) => {
    if (index % 2 === 1) return open.at(-1)!.push({ quoted: segment });
    let code = "";
    const flush = () => {
      if (code !== "") open.at(-1)!.push(code);
      code = "";
    };
    for (const char of segment) {
      if (char === "(") {
        flush();
        const group: Part[] = [];
        open.at(-1)!.push(group);
        open.push(group);
      } else if (char === ")" && open.length > 1) {
        flush();
        open.pop();
      } else code += char;
    }
    flush();
  });
  return open.length === 1 ? root : undefined;
}

/** A group's operands when it is one chain of AND or of OR at its top level. */
function chainOf(group: Part[]): { op: string; operands: Part[][] } | undefined {
  const operands: Part[][] = [[]];
  const ops = new Set<string>();
  for (const part of group) {
    if (typeof part !== "string") {
      operands.at(-1)!.push(part);
      continue;
    }
    part.split(/\s(AND|OR)\s/).forEach((piece, i) => {
      if (i % 2 === 1) {
        ops.add(piece);
        operands.push([]);
      } else if (piece !== "") operands.at(-1)!.push(piece);
    });
  }
  if (ops.size !== 1 || operands.length < 2) return undefined;
  return { op: [...ops][0], operands };
}

/** A chain's operands, with each operand that is a group of the same chain spliced in. */
function flatOperands(chain: { op: string; operands: Part[][] }): Part[][] {
  return chain.operands.flatMap((operand) => {
    const parts = operand.filter((p) => typeof p !== "string" || p.trim() !== "");
    const inner = parts.length === 1 && Array.isArray(parts[0]) ? chainOf(parts[0]) : undefined;
    return inner?.op === chain.op ? flatOperands(inner) : [operand];
  });
}

function render(parts: readonly Part[]): string {
  return parts.map((part) =>
    typeof part === "string" ? part : Array.isArray(part) ? renderGroup(part) : part.quoted
  ).join("");
}

function renderGroup(group: Part[]): string {
  const chain = chainOf(group);
  if (chain === undefined) return `(${render(group)})`;
  const operands = flatOperands(chain).map((operand) => render(operand).trim());
  return `(${operands.join(` ${chain.op} `)})`;
}

/**
 * `text` with nested chains of one boolean operator flattened, as PostgreSQL prints an
 * expression (every operand parenthesized): `((a) AND ((b) AND (c)))` -> `((a) AND (b) AND
 * (c))`. An operand is spliced in only when it is a whole parenthesized chain of the same
 * operator, which AND and OR allow whatever the operands are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flattenBooleanGroups } from "./layout.ts";
 *
 * assert.equal(flattenBooleanGroups("CHECK (((a > 0) AND ((b > 0) AND (c > 0))))"),
 *   "CHECK (((a > 0) AND (b > 0) AND (c > 0)))");
 * assert.equal(flattenBooleanGroups("CHECK (((a) OR ((b) AND (c))))"), "CHECK (((a) OR ((b) AND (c))))");
 * ```
 */
export function flattenBooleanGroups(text: string): string {
  const groups = parseGroups(text);
  return groups === undefined ? text : render(groups);
}

/**
 * A function's definition with the layout of its code evened out, when its language does not
 * care (PL/pgSQL, SQL): each line trimmed, runs of spaces made one, blank lines dropped. Quoted
 * text keeps its spaces. `undefined` for other languages (indentation is Python's syntax).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { routineLayout } from "./layout.ts";
 *
 * const f = (body: string) => `CREATE FUNCTION f()\n LANGUAGE plpgsql\nAS $$${body}$$`;
 * assert.equal(routineLayout(f("\nBEGIN\n    RETURN 1;\nEND;\n")),
 *   routineLayout(f("\n  BEGIN\n\n  RETURN  1;\n  END;\n  ")));
 * assert.notEqual(routineLayout(f("RAISE '  x';")), routineLayout(f("RAISE ' x';")));
 * assert.equal(routineLayout("CREATE FUNCTION f()\n LANGUAGE plpython3u\nAS $$ x $$"), undefined);
 * ```
 */
export function routineLayout(definition: string): string | undefined {
  if (!/\n LANGUAGE (?:plpgsql|sql)\n/.test(definition)) return undefined;
  return splitQuoted(definition).map((part, i) =>
    i % 2 === 1 ? part : part.replace(/[ \t\r]+/g, " ").replace(/ ?\n[ \n]*/g, "\n")
  ).join("").trim();
}

/** The attributes that hold code or expressions; the others (comments...) are compared as text. */
const CODE_ATTRIBUTES = new Set(["definition", "default", "checks", "generated"]);

/**
 * Whether two values of an attribute (`key`) of a `kind` of object differ only in layout: a
 * routine's code, or the grouping of AND and OR in any other object's definition, default or
 * checks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameUpToLayout } from "./layout.ts";
 *
 * const [nested, flat] = ["CHECK (((a) AND ((b) AND (c))))", "CHECK (((a) AND (b) AND (c)))"];
 * assert.ok(sameUpToLayout("constraint", "definition", nested, flat));
 * assert.ok(!sameUpToLayout("constraint", "definition", "CHECK (((a) OR (b)))", flat));
 * assert.ok(!sameUpToLayout("constraint", "comment", nested, flat));
 * ```
 */
export function sameUpToLayout(kind: string, key: string, was: string, now: string): boolean {
  if (!CODE_ATTRIBUTES.has(key)) return false;
  if (kind === "function" || kind === "procedure") {
    const layout = routineLayout(was);
    return layout !== undefined && layout === routineLayout(now);
  }
  return flattenBooleanGroups(was) === flattenBooleanGroups(now);
}
