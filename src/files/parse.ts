/**
 * Reading the text of one migration file: its sections (`-- migrate:up` / `-- migrate:down`) and
 * directives. Its name is read by `file_name.ts`.
 *
 * The directive `-- tide:no-transaction` goes in the comments before any SQL of a file or of a
 * section; `-- tide:allow <rule> <reason>` (read by `tide lint`) goes before any statement.
 *
 * Over 300 lines: sections and directives are read by one scanner whose rules depend on each
 * other (a marker's options, a directive's place).
 *
 * @module
 */

import { MigrationError, type MigrationErrorCode } from "../errors.ts";
import type { MigrationScript } from "./migration.ts";
import { positionAt, type TextPosition } from "../sql/position.ts";
import type { MigrationFileKind } from "./file_name.ts";
import { renderScript } from "./templates.ts";

/** One file's scripts. */
export interface ParsedMigrationFile {
  /** The up script: from an up file or the up section of a single file. */
  up?: MigrationScript;
  /** The down script, left out when missing or holding only comments and whitespace. */
  down?: MigrationScript;
  /** The file (or one of its sections) asked for `-- tide:no-transaction`. */
  noTransaction: boolean;
  /** The up runs outside a transaction: the file's directive, or its up section's. */
  upNoTransaction: boolean;
  /** The down runs outside a transaction: the file's directive, or its down section's. */
  downNoTransaction: boolean;
  /**
   * The text the checksum covers: the file without its down section (a changed down never
   * makes an applied migration "edited"; status reports it apart).
   */
  checksummed: string;
}

// Any case: a marker or directive in capitals is read, or refused, never silently ignored.
const MARKER_LINE = /^[ \t]*--[ \t]*migrate:(\S*)(.*)$/gim;
const DIRECTIVE_LINE = /^[ \t]*--[ \t]*tide:(\S*).*$/gim;

/**
 * Reads the text of one migration file (BOM already dropped) whose name gave `kind`. Throws
 * `MigrationError` with file, line and column for: `INVALID_SECTIONS` (markers missing,
 * repeated, out of order, SQL before the first marker, or markers in an up/down file),
 * `INVALID_DIRECTIVE` (unknown `-- tide:` directive or marker option, or a directive after SQL)
 * and `UNKNOWN_TEMPLATE`. An up holding only comments and whitespace is a valid no-op.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigration } from "./parse.ts";
 *
 * const text = "-- migrate:up\nCREATE TABLE t ();\n-- migrate:down\nDROP TABLE t;\n";
 * const file = parseMigration(text, "001_t.sql", "single");
 * assert.equal(file.up?.sql, "CREATE TABLE t ();\n");
 * assert.equal(file.down?.line, 4);
 * assert.equal(file.noTransaction, false);
 * ```
 */
export function parseMigration(
  text: string,
  path: string,
  kind: MigrationFileKind,
): ParsedMigrationFile {
  const markers = findMarkers(text, path);
  if (kind !== "single") {
    if (markers.length > 0) {
      throw problem(
        "INVALID_SECTIONS",
        text,
        path,
        markers[0].start,
        `this ${kind} file holds a "-- migrate:${
          markers[0].direction
        }" marker, which only single-file migrations use. Remove it, or merge the up and ` +
          "down files into one <version>_<name>.sql.",
      );
    }
    const script = { path, sql: text, line: 1, column: 1 };
    const noTransaction = readDirectives(script);
    const flags = {
      noTransaction,
      upNoTransaction: kind === "up" && noTransaction,
      downNoTransaction: kind === "down" && noTransaction,
      checksummed: text,
    };
    return checked(kind === "up" ? { up: script, ...flags } : { down: script, ...flags });
  }
  return checked(parseSections(text, path, markers));
}

/** A `-- migrate:up` or `-- migrate:down` line. */
interface Marker {
  direction: "up" | "down";
  /** Offset of the marker line. */
  start: number;
  /** Offset of the line after it. */
  next: number;
  noTransaction: boolean;
}

function findMarkers(text: string, path: string): Marker[] {
  const markers: Marker[] = [];
  for (const match of text.matchAll(MARKER_LINE)) {
    const direction = match[1].toLowerCase();
    if (direction !== "up" && direction !== "down") {
      throw problem(
        "INVALID_SECTIONS",
        text,
        path,
        match.index,
        `unknown section marker "-- migrate:${direction}". ` +
          'Use "-- migrate:up" or "-- migrate:down".',
      );
    }
    let noTransaction = false;
    for (const option of match[2].trim().split(/\s+/).filter((o) => o !== "")) {
      if (option.toLowerCase() === "transaction:false") noTransaction = true;
      else if (option.toLowerCase() !== "transaction:true") {
        throw problem(
          "INVALID_DIRECTIVE",
          text,
          path,
          match.index,
          `unknown option "${option}" on the "-- migrate:${direction}" line. ` +
            "The only option is transaction:false (or write -- tide:no-transaction).",
        );
      }
    }
    const end = match.index + match[0].length;
    const next = text.startsWith("\r\n", end) ? end + 2 : end < text.length ? end + 1 : end;
    markers.push({ direction, start: match.index, next, noTransaction });
  }
  return markers;
}

function parseSections(text: string, path: string, markers: Marker[]): ParsedMigrationFile {
  const up = checkMarkerOrder(text, path, markers);
  const preamble = { path, sql: text.slice(0, up.start), line: 1, column: 1 };
  const code = firstCode(preamble.sql);
  if (code !== undefined) {
    throw problem(
      "INVALID_SECTIONS",
      text,
      path,
      code,
      'SQL before "-- migrate:up" belongs to no section. Move it below the "-- migrate:up" line.',
    );
  }
  // A directive at the top of the file is the whole file's; one in a section, that section's.
  const whole = readDirectives(preamble);
  const down = markers.find((marker) => marker.direction === "down");
  const result: ParsedMigrationFile = {
    noTransaction: whole,
    upNoTransaction: whole,
    downNoTransaction: whole,
    checksummed: text.slice(0, down?.start ?? text.length),
  };
  for (const [index, marker] of markers.entries()) {
    const end = markers[index + 1]?.start ?? text.length;
    const { line, column } = positionAt(text, marker.next);
    const script = { path, sql: text.slice(marker.next, end), line, column };
    result[marker.direction] = script;
    if (readDirectives(script) || marker.noTransaction) {
      result.noTransaction = true;
      result[marker.direction === "up" ? "upNoTransaction" : "downNoTransaction"] = true;
    }
  }
  return result;
}

/** Checks there is one up marker, at most one down marker, up first; returns the up marker. */
function checkMarkerOrder(text: string, path: string, markers: Marker[]): Marker {
  const fail = (offset: number, why: string) =>
    problem("INVALID_SECTIONS", text, path, offset, why);
  const up = markers.find((marker) => marker.direction === "up");
  if (up === undefined) {
    throw fail(
      0,
      'no "-- migrate:up" line. Put "-- migrate:up" on its own line before the up SQL ' +
        '(and "-- migrate:down" before the down SQL), or rename the file to ' +
        "<version>_<name>.up.sql.",
    );
  }
  for (const [index, marker] of markers.entries()) {
    if (markers.slice(0, index).some((earlier) => earlier.direction === marker.direction)) {
      throw fail(
        marker.start,
        `"-- migrate:${marker.direction}" appears a second time. Keep one up section and at ` +
          "most one down section.",
      );
    }
  }
  if (markers[0].direction === "down") {
    throw fail(
      markers[0].start,
      'the "-- migrate:down" section comes before "-- migrate:up". Move the up section first.',
    );
  }
  return up;
}

/**
 * Reads `-- tide:` directives of a script: they must come before its first SQL. Returns whether
 * `-- tide:no-transaction` was found.
 */
function readDirectives(script: MigrationScript): boolean {
  const code = firstCode(script.sql) ?? script.sql.length;
  let noTransaction = false;
  for (const match of script.sql.matchAll(DIRECTIVE_LINE)) {
    const fail = (why: string) => {
      const at = positionAt(script.sql, match.index, script);
      return new MigrationError(
        "INVALID_DIRECTIVE",
        `Cannot read ${script.path}:${at.line}:${at.column}: ${why}`,
        { file: script.path, ...at },
      );
    };
    // `tide lint` reads and checks `-- tide:allow` before each statement.
    const directive = match[1].toLowerCase();
    if (directive === "allow" || directive === "requires") continue;
    if (directive !== "no-transaction") {
      throw fail(
        `unknown directive "-- tide:${match[1]}". The directives are "-- tide:no-transaction", ` +
          '"-- tide:requires module:version" and "-- tide:allow <rule> <reason>".',
      );
    }
    if (match.index > code) {
      throw fail(
        `"-- tide:${match[1]}" comes after SQL, where it has no effect. ` +
          `Move it to the comments at the top of the ${script.line === 1 ? "file" : "section"}.`,
      );
    }
    // `requires` is read by requires.ts, from the file as a whole.
    if (directive === "no-transaction") noTransaction = true;
  }
  return noTransaction;
}

/** Checks what the loader needs: a real down or none, valid templates. An empty up is a no-op. */
function checked(file: ParsedMigrationFile): ParsedMigrationFile {
  if (file.up !== undefined) {
    renderScript(file.up, {});
  }
  if (file.down !== undefined) {
    if (firstCode(file.down.sql) === undefined) {
      const { down: _blank, ...rest } = file;
      return rest;
    }
    renderScript(file.down, {});
  }
  return file;
}

/**
 * Whether `sql` holds no statement: only whitespace, comments and empty statements (`;`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBlankSql } from "./parse.ts";
 *
 * assert.equal(isBlankSql("-- nothing yet\n;\n"), true);
 * assert.equal(isBlankSql("select 1;"), false);
 * ```
 */
export function isBlankSql(sql: string): boolean {
  return firstCode(sql) === undefined;
}

/**
 * Offset of the first character of SQL that is not whitespace, a comment or an empty statement
 * (`;`), if any. Scans only the leading part: loading hundreds of files must stay fast.
 */
function firstCode(sql: string): number | undefined {
  let offset = 0;
  while (offset < sql.length) {
    if (/[\s;]/.test(sql[offset])) offset++;
    else if (sql.startsWith("--", offset)) offset = endOfLineComment(sql, offset);
    else if (sql.startsWith("/*", offset)) offset = endOfBlockComment(sql, offset);
    else return offset;
  }
  return undefined;
}

function endOfLineComment(sql: string, offset: number): number {
  const end = sql.slice(offset).search(/[\r\n]/);
  return end === -1 ? sql.length : offset + end;
}

/** Block comments nest in PostgreSQL. */
function endOfBlockComment(sql: string, offset: number): number {
  let depth = 0;
  for (let i = offset; i < sql.length - 1; i++) {
    if (sql.startsWith("/*", i)) {
      depth++;
      i++;
    } else if (sql.startsWith("*/", i)) {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}

function problem(
  code: MigrationErrorCode,
  text: string,
  path: string,
  offset: number,
  why: string,
): MigrationError {
  const { line, column }: TextPosition = positionAt(text, offset);
  return new MigrationError(code, `Cannot read ${path}:${line}:${column}: ${why}`, {
    file: path,
    line,
    column,
  });
}
