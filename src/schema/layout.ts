/**
 * Catalog text that differs only in layout, not in meaning, as a down that re-creates an object
 * by hand often writes it: a CHECK or index predicate grouped `a AND (b AND c)` where the
 * original said `a AND b AND c` (the server keeps the grouping it was given), and a PL/pgSQL or
 * SQL function body indented, spaced, cased or commented otherwise (the server keeps its source
 * as written). Both sides of a comparison are brought to one form; quoted text is never touched.
 *
 * @module
 */

/** A piece of catalog text: code, a quoted literal or identifier, or a parenthesized group. */
type Part = string | { quoted: string } | Part[];

/** Splits text into code (even indexes) and quoted parts (odd): `'...'`, `E'...'`, `"..."`. */
function splitQuoted(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "'" && text[i] !== '"') continue;
    const end = skipped(text, i) ?? text.length;
    parts.push(text.slice(start, i), text.slice(i, end));
    start = end;
    i = end - 1;
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

/** Characters of an operator, as PostgreSQL's lexer reads them. */
const OPERATOR = /[+\-*/<>=~!@#%^&|`?]/;

/** Where the comment or quoted text starting at `at` ends (after its last character). */
function skipped(code: string, at: number): number | undefined {
  if (code.startsWith("--", at)) {
    const end = code.indexOf("\n", at);
    return end === -1 ? code.length : end;
  }
  if (code.startsWith("/*", at)) {
    let depth = 0;
    for (let i = at; i < code.length - 1; i++) {
      if (code.startsWith("/*", i)) [depth, i] = [depth + 1, i + 1];
      else if (code.startsWith("*/", i) && --depth === 0) return i + 2;
      else if (code.startsWith("*/", i)) i++;
    }
    return undefined;
  }
  const dollar = /^\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$/.exec(code.slice(at, at + 64));
  if (dollar) {
    const end = code.indexOf(dollar[0], at + dollar[0].length);
    return end === -1 ? undefined : end + dollar[0].length;
  }
  const quote = code[at];
  const escapes = quote === "'" && /(?:^|[^\w$])[eE]$/.test(code.slice(Math.max(0, at - 2), at));
  for (let i = at + 1; i < code.length; i++) {
    if (escapes && code[i] === "\\") i++;
    else if (code[i] === quote && code[i + 1] === quote) i++;
    else if (code[i] === quote) return i + 1;
  }
  return undefined;
}

/**
 * The tokens of PL/pgSQL or SQL code without its whitespace and comments, unquoted words
 * lowercased (as the server folds them); `undefined` when a quote or comment does not end.
 */
function codeTokens(code: string): string[] | undefined {
  const tokens: string[] = [];
  let i = 0;
  while (i < code.length) {
    const char = code[i];
    const comment = code.startsWith("--", i) || code.startsWith("/*", i);
    if (
      comment || char === "'" || char === '"' ||
      /^\$(?:[A-Za-z_\x80-\uffff]|\$)/.test(code.slice(i, i + 2))
    ) {
      const end = skipped(code, i);
      if (end === undefined) return undefined;
      if (!comment) tokens.push(code.slice(i, end));
      i = end;
    } else if (/\s/.test(char)) {
      i++;
    } else if (OPERATOR.test(char)) {
      let end = i + 1;
      while (
        end < code.length && OPERATOR.test(code[end]) &&
        !/^(--|\/\*)/.test(code.slice(end, end + 2))
      ) end++;
      tokens.push(code.slice(i, end));
      i = end;
    } else {
      const word = /^[\w$\x80-\uffff]+/.exec(code.slice(i))?.[0] ?? char;
      if (/^[eE]$/.test(word) && code[i + 1] === "'") {
        // E'...' is one token with its prefix: its backslashes are escapes.
        const end = skipped(code, i + 1);
        if (end === undefined) return undefined;
        tokens.push(`E${code.slice(i + 1, end)}`);
        i = end;
        continue;
      }
      tokens.push(/^[\w\x80-\uffff][\w$\x80-\uffff]*$/.test(word) ? word.toLowerCase() : word);
      i += word.length;
    }
  }
  return tokens;
}

/**
 * A function's definition as what its language reads, when that language does not care about
 * layout (PL/pgSQL, SQL): the header as the server prints it, then the body's tokens, without
 * whitespace or comments. Quoted text is kept whole. `undefined` for other languages
 * (indentation is Python's syntax) or a body that cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { routineLayout } from "./layout.ts";
 *
 * const f = (body: string) => `CREATE FUNCTION f()\n LANGUAGE plpgsql\nAS $function$${body}$function$`;
 * assert.equal(routineLayout(f("\nBEGIN\n    RETURN 1; -- one\nEND;\n")),
 *   routineLayout(f("\n  begin\n\n  RETURN  1\n  ;\n  END;\n  ")));
 * assert.notEqual(routineLayout(f("RAISE '  x';")), routineLayout(f("RAISE ' x';")));
 * assert.notEqual(routineLayout(f("x := a - -b;")), routineLayout(f("x := a --b;")));
 * assert.notEqual(routineLayout(f("RAISE E'\\n';")), routineLayout(f("RAISE '\\n';")));
 * assert.equal(routineLayout("CREATE FUNCTION f()\n LANGUAGE plpython3u\nAS $$ x $$"), undefined);
 * ```
 */
export function routineLayout(definition: string): string | undefined {
  if (!/\n LANGUAGE (?:plpgsql|sql)\n/.test(definition)) return undefined;
  const quoted = /^([\s\S]*?\nAS )(\$[^$\n]*\$)([\s\S]*)\2\s*$/.exec(definition);
  // A SQL-standard body (BEGIN ATOMIC) is printed by the server: its layout is the server's.
  if (quoted === null) return definition.trim();
  const tokens = codeTokens(quoted[3]);
  return tokens && JSON.stringify([quoted[1], ...tokens]);
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
