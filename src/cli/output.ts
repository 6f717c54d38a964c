/**
 * Everything the CLI prints goes through {@linkcode Output}: it scrubs passwords from every
 * line, honours `--json`, `--quiet` and `--no-color`/`NO_COLOR`, and turns errors into
 * `error: ...` lines or a JSON error object.
 *
 * @module
 */
import { errorMessage, MigrationError, SqlError, UsageError } from "../errors.ts";
import { redactSecrets } from "../sql/redact.ts";
import { displayWidth, isPrintableAscii } from "./text_width.ts";

/** Where the CLI reads its environment and writes its output; tests pass their own. */
export interface CliIo {
  /** Writes one line to stdout. */
  stdout(line: string): void;
  /** Writes one line to stderr. */
  stderr(line: string): void;
  /** Whether stdout is a terminal (colors allowed). */
  isTerminal: boolean;
  /** Environment variables. */
  env: { get(name: string): string | undefined };
  /** Directory relative paths resolve against. */
  cwd: string;
}

/** Options of {@linkcode Output}. */
export interface OutputOptions {
  /** Print one JSON object instead of lines. */
  json?: boolean;
  /** Print only errors. */
  quiet?: boolean;
  /** Color is allowed (a terminal, no `--no-color`, no `NO_COLOR`). */
  color?: boolean;
}

/** Colors used; nothing else is decorated. */
export type Tone = "green" | "yellow" | "red" | "dim" | "bold";
const CODES: Record<Tone, string> = { green: "32", yellow: "33", red: "31", dim: "2", bold: "1" };

/**
 * Prints for a command, with every line scrubbed of the database password.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Output } from "./output.ts";
 *
 * const lines: string[] = [];
 * const out = new Output({
 *   stdout: (line) => lines.push(line),
 *   stderr: (line) => lines.push(line),
 *   isTerminal: false,
 *   env: new Map(),
 *   cwd: ".",
 * });
 * out.addSecretUrl("postgres://app:hunter2@db/app");
 * out.line("connecting to postgres://app:hunter2@db/app");
 * assert.deepEqual(lines, ["connecting to postgres://app:***@db/app"]);
 * ```
 */
export class Output {
  readonly #io: CliIo;
  readonly #options: OutputOptions;
  readonly #secrets: string[] = [];
  #database?: string;

  /** An output on `io`. */
  constructor(io: CliIo, options: OutputOptions = {}) {
    this.#io = io;
    this.#options = options;
  }

  /** Whether a JSON object is printed instead of lines. */
  get json(): boolean {
    return this.#options.json === true;
  }

  /** Masks this URL's password (and the URL itself when it cannot be parsed) from now on. */
  addSecretUrl(url: string | undefined): void {
    if (!url) return;
    try {
      const password = new URL(url).password;
      if (password) this.#secrets.push(password);
    } catch {
      this.#secrets.push(url);
    }
  }

  /** Scrubs `text` of every known secret. */
  redact(text: string): string {
    return redactSecrets(text, this.#secrets);
  }

  /** A line of normal output: not printed with `--quiet` or `--json`. */
  line(text = ""): void {
    if (this.#options.quiet || this.#options.json) return;
    // Scrubbed whole, then split: one pass for a 500-row table, and it masks at least what
    // scrubbing each line would (no pattern stops at a line's end).
    for (const line of this.redact(text).split("\n")) this.#io.stdout(line);
  }

  /**
   * Names the database a command works on: `Database: <label>` on stderr (not with `--quiet` or
   * `--json`), and `database` in the JSON result and JSON errors from now on.
   */
  database(label: string): void {
    this.#database = label;
    this.note(`Database: ${label}`);
  }

  /** A line on stderr that is neither a result nor a warning: not printed with `--quiet` or `--json`. */
  note(text: string): void {
    if (this.#options.quiet || this.#options.json) return;
    this.#io.stderr(this.redact(text));
  }

  /** A warning on stderr: not printed with `--quiet`. */
  warn(text: string): void {
    if (this.#options.quiet) return;
    this.#io.stderr(this.redact(`${this.paint("yellow", "warning:")} ${text}`));
  }

  /** The JSON result of a command; printed only with `--json`. */
  result(value: unknown): void {
    if (!this.#options.json) return;
    this.#io.stdout(this.redact(JSON.stringify(this.#withDatabase(value), null, 2)));
  }

  /** Prints an error: `error: <message>` on stderr, or a JSON error object on stdout. */
  error(error: unknown): void {
    if (this.#options.json) {
      const body = this.#withDatabase({ error: errorJson(error) });
      this.#io.stdout(this.redact(JSON.stringify(body, null, 2)));
      return;
    }
    const message = errorMessage(error);
    this.#io.stderr(this.redact(`${this.paint("red", "error:")} ${message}`));
  }

  /** Usage text after a usage error, on stderr (skipped in JSON mode). */
  usage(text: string): void {
    if (this.#options.json) return;
    for (const line of text.split("\n")) this.#io.stderr(this.redact(line));
  }

  /** `value` with `database` first, when a database was named and `value` is an object. */
  #withDatabase(value: unknown): unknown {
    if (this.#database === undefined || typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value;
    return { database: this.#database, ...value };
  }

  /** Wraps `text` in a color when colors are on. */
  paint(tone: Tone, text: string): string {
    return this.#options.color ? `\x1b[${CODES[tone]}m${text}\x1b[0m` : text;
  }
}

/** The JSON shape of an error: `{ code, message, file, line, column, version }`. */
export interface ErrorJson {
  /** A {@linkcode MigrationError} code, `USAGE` or `INTERNAL`. */
  code: string;
  /** The full message. */
  message: string;
  /** File concerned, or null. */
  file: string | null;
  /** 1-based line, or null. */
  line: number | null;
  /** 1-based column, or null. */
  column: number | null;
  /** Version concerned, or null. */
  version: string | null;
}

/**
 * The JSON shape of any error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError, UsageError } from "../errors.ts";
 * import { errorJson } from "./output.ts";
 *
 * const json = errorJson(new MigrationError("NO_DOWN", "No down.", { version: "002" }));
 * assert.deepEqual([json.code, json.version, json.file], ["NO_DOWN", "002", null]);
 * assert.equal(errorJson(new UsageError("--count needs a value.")).code, "USAGE");
 * ```
 */
export function errorJson(error: unknown): ErrorJson {
  const message = errorMessage(error);
  if (error instanceof MigrationError) {
    return {
      code: error.code,
      message,
      file: error.file ?? null,
      line: error.line ?? null,
      column: error.column ?? null,
      version: error.version ?? null,
    };
  }
  const code = error instanceof UsageError
    ? "USAGE"
    : error instanceof SqlError
    ? "SQL_ERROR"
    : "INTERNAL";
  return { code, message, file: null, line: null, column: null, version: null };
}

/**
 * Milliseconds for humans: `12ms`, `1.5s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMs } from "./output.ts";
 *
 * assert.equal(formatMs(12.4), "12ms");
 * assert.equal(formatMs(1534), "1.5s");
 * ```
 */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/**
 * A table with aligned columns and no borders; the last column is not padded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTable } from "./output.ts";
 *
 * assert.deepEqual(formatTable([["VERSION", "NAME"], ["001", "init"]]), [
 *   "VERSION  NAME",
 *   "001      init",
 * ]);
 * ```
 */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  // Padded by display width: a wide or combining character is not one column. Printable ASCII,
  // the common case, is a column per character: one test per row, not a measure per cell.
  const measure = rows.every((row) => isPrintableAscii(row.join(""))) ? length : displayWidth;
  const cellWidths = rows.map((row) => row.map(measure)); // once per cell: 2000 in `status`
  const widths: number[] = [];
  for (const row of cellWidths) row.forEach((w, i) => widths[i] = Math.max(widths[i] ?? 0, w));
  return rows.map((row, r) =>
    row.map((cell, i) =>
      i === row.length - 1 ? cell : cell + " ".repeat(widths[i] - cellWidths[r][i])
    ).join("  ")
  );
}

const length = (text: string): number => text.length;
