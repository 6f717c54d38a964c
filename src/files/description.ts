/**
 * A migration's description, read from the comments at the top of its up: a
 * `-- Description: ...` line (`// Description: ...` in TypeScript), else the first sentence of
 * the first comment that is neither a directive nor a section marker nor the text of a scaffold
 * from `tide new`.
 * Only the leading comments are read, so loading stays fast.
 *
 * @module
 */

/** A `Description:` line's label. */
const LABEL = /^description\s*:\s*/i;

/** Comment lines that say how to run a file, not what it does. */
const MACHINERY =
  /^(?:tide:|migrate:|\+goose\b|\+migrate\b|no-transaction\b|(?:up|down)\s+migration\b)/i;

/** The first lines of the scaffolds tide writes: not descriptions until someone edits them. */
const SCAFFOLD =
  /^(?:Write the change\b|Both run in a transaction\b|Undo exactly what\b|Add (?:up |down )?migration script here\b|Your SQL goes here\b|This file should undo anything\b|`-- tide:no-transaction`\.$)/;

/** Longest description kept: a line for `status`, not a document. */
const MAX_LENGTH = 200;

/**
 * The description in the leading comments of SQL `text`, if any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeSql } from "./description.ts";
 *
 * assert.equal(describeSql("-- Adds users\ncreate table users ();"), "Adds users");
 * const text = "-- tide:no-transaction\n-- Index\n-- Description: Speeds up logins\nselect 1;";
 * assert.equal(describeSql(text), "Speeds up logins");
 * assert.equal(describeSql("create table t (); -- too late"), undefined);
 * const wrapped = "-- Built concurrently so that writes are not\n-- blocked. Hence the directive.\n";
 * assert.equal(describeSql(wrapped), "Built concurrently so that writes are not blocked.");
 * ```
 */
export function describeSql(text: string): string | undefined {
  return pick(leadingComments(text, "--"));
}

/**
 * The description in the comments of TypeScript `text` before its first `export`: a
 * `// Description:` line, else the first `//` or `/** *\/` comment line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeCode } from "./description.ts";
 *
 * const text = 'import type { MigrationContext } from "@tide/tide";\n\n' +
 *   "// Description: Copies users to the graph\nexport async function up() {}\n";
 * assert.equal(describeCode(text), "Copies users to the graph");
 * ```
 */
export function describeCode(text: string): string | undefined {
  const exported = text.search(/^\s*export\b/m);
  const head = exported === -1 ? text : text.slice(0, exported);
  const lines: string[] = [];
  for (const match of head.matchAll(/\/\/(.*)$|\/\*([\s\S]*?)\*\//gm)) {
    if (match[1] !== undefined) lines.push(match[1]);
    else lines.push(...match[2].split(/\r?\n/).map((line) => line.replace(/^\s*\*+/, "")));
  }
  return pick(lines);
}

/**
 * The `Description:` line among `lines`, else the first sentence of the first comment that is
 * not machinery nor empty: a sentence wrapped onto the next comment lines (each starting in lower
 * case) is read whole, and only its first sentence is kept.
 */
function pick(lines: readonly string[]): string | undefined {
  let first: string[] | undefined;
  let open = false; // the first comment's sentence may go on on the next line
  for (const raw of lines) {
    const line = raw.trim();
    if (LABEL.test(line)) {
      const value = line.replace(LABEL, "").trim();
      if (value !== "") return clip(value);
    } else if (line !== "" && !MACHINERY.test(line) && !SCAFFOLD.test(line)) {
      const goesOn = open && /^[a-z]/.test(line);
      if (first === undefined || goesOn) {
        (first ??= []).push(line);
        open = !SENTENCE_END.test(line);
        continue;
      }
    }
    open = false;
  }
  if (first === undefined) return undefined;
  const text = first.join(" ");
  return clip(FIRST_SENTENCE.exec(text)?.[1] ?? text);
}

/** A line that ends a sentence. */
const SENTENCE_END = /[.!?]$/;

/** The first sentence of a text: up to a `.`, `!` or `?` followed by a space or the end. */
const FIRST_SENTENCE = /^(.+?[.!?])(?:\s|$)/;

function clip(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}

/** The text of each comment line before the first SQL of `text` (`--` lines and `/* *\/`). */
function leadingComments(text: string, prefix: string): string[] {
  const lines: string[] = [];
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (offset < text.length) {
    if (/\s|;/.test(text[offset])) offset++;
    else if (text.startsWith(prefix, offset)) {
      const end = lineEnd(text, offset);
      lines.push(text.slice(offset + prefix.length, end));
      offset = end;
    } else if (text.startsWith("/*", offset)) {
      const close = text.indexOf("*/", offset + 2);
      const end = close === -1 ? text.length : close;
      const body = text.slice(offset + 2, end);
      lines.push(...body.split(/\r?\n/).map((line) => line.replace(/^\s*\*+/, "")));
      offset = close === -1 ? text.length : close + 2;
    } else break;
  }
  return lines;
}

function lineEnd(text: string, offset: number): number {
  const end = text.slice(offset).search(/[\r\n]/);
  return end === -1 ? text.length : offset + end;
}
