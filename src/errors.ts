/**
 * Every error class of tide, in one place, matched with `instanceof`: {@linkcode MigrationError}
 * (with a {@linkcode MigrationErrorCode}) and its kinds {@linkcode ScriptError} and
 * {@linkcode MigrationSourceError}, the server's {@linkcode SqlError}, and the CLI's
 * {@linkcode UsageError}. Every message says what was being done, where (file:line:column when
 * a file is involved and the position is known), what went wrong and the way out. Longer than
 * most files on purpose: one home for every error class and code.
 *
 * Over 300 lines by design: every error class and the list of codes have this one home.
 *
 * @module
 */

/**
 * Every {@linkcode MigrationErrorCode}, in the order of the README's error table, which lists each
 * with its cause and fix (a test keeps the two in step).
 */
export const MIGRATION_ERROR_CODES = [
  "INVALID_FILE_NAME",
  "DUPLICATE_VERSION",
  "DOWN_WITHOUT_UP",
  "EMPTY_UP",
  "DOWN_CHANGED",
  "UNREAD_FILE",
  "AMBIGUOUS_FORMAT",
  "INVALID_UTF8",
  "INVALID_SECTIONS",
  "INVALID_DIRECTIVE",
  "PSQL_COMMAND",
  "INVALID_IDENTIFIER",
  "UNKNOWN_TEMPLATE",
  "INVALID_CODE_MIGRATION",
  "MISSING_DIRECTORY",
  "CHECKSUM_MISMATCH",
  "MISSING_FILE",
  "OUT_OF_ORDER",
  "UNMET_REQUIREMENT",
  "STILL_REQUIRED",
  "FAILED_MIGRATION",
  "UNKNOWN_VERSION",
  "COUNT_TOO_LARGE",
  "NO_DOWN",
  "UNSAFE_ROLLBACK",
  "SQL_ERROR",
  "CODE_MIGRATION_FAILED",
  "SNAPSHOT_FAILED",
  "CHANGE_TRACKING_FAILED",
  "VERIFY_DATABASE_FAILED",
  "TEST_DATABASE_FAILED",
  "LOCK_TIMEOUT",
  "LOCK_WAIT_TIMEOUT",
  "LOCK_LOST",
  "INSUFFICIENT_PRIVILEGE",
  "CONNECTION_FAILED",
  "CONNECTION_LOST",
  "NETWORK_TIMEOUT",
  "UNSUPPORTED_COPY",
  "TRANSACTION_CONTROL",
  "UNSUPPORTED_URL",
  "PROTECTED_ENVIRONMENT",
  "UNTRACKED_SCHEMA",
  "NO_DATABASE_URL",
  "CONFIG_ERROR",
  "UNSUPPORTED_EXTENSION",
  "UNSUPPORTED_LAYOUT",
  "NOT_PROVEN",
  "SCHEMA_SOURCE_FAILED",
  "ADOPT_TABLE_NOT_FOUND",
  "ADOPT_DIRTY",
  "ADOPT_INCONSISTENT",
  "ADOPT_CONFLICT",
] as const;

/** Why a {@linkcode MigrationError} was raised. */
export type MigrationErrorCode = typeof MIGRATION_ERROR_CODES[number];

/** Options of {@linkcode MigrationError}. */
export interface MigrationErrorOptions {
  /** Version of the migration concerned, exactly as written in its file name. */
  version?: string;
  /** Path of the file concerned. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`, counted in code points. */
  column?: number;
  /** The underlying error (a driver error, a file system error). */
  cause?: unknown;
  /** Nothing of the request reached the server (a session already lost refuses it). */
  unsent?: boolean;
}

/**
 * An error of tide: a bad migration file, a refused plan, a failed migration, a lock that could
 * not be taken.
 *
 * @example Tell a checksum mismatch apart from other failures
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError } from "./errors.ts";
 *
 * const error: unknown = new MigrationError(
 *   "CHECKSUM_MISMATCH",
 *   "001_init.sql was edited after it was applied.",
 *   { version: "001", file: "migrations/001_init.sql" },
 * );
 * assert.ok(error instanceof MigrationError && error.code === "CHECKSUM_MISMATCH");
 * assert.equal(error.version, "001");
 * ```
 */
export class MigrationError extends Error {
  /** Why it was raised. */
  readonly code: MigrationErrorCode;
  /** Version of the migration concerned. */
  readonly version?: string;
  /** File concerned. */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** 1-based column in `file`. */
  readonly column?: number;
  /** Nothing of the request reached the server: it cannot have run. */
  readonly unsent?: boolean;

  /** Creates an error with a code, a complete message and where it happened. */
  constructor(code: MigrationErrorCode, message: string, options: MigrationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MigrationError";
    this.code = code;
    this.version = options.version;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    if (options.unsent) this.unsent = true;
  }
}

/** Fields of a server error, as both drivers report them. */
export interface SqlErrorFields {
  /** Five-character SQLSTATE, e.g. `42P07`. */
  sqlState?: string;
  /** 1-based character position in the statement text sent, when the server gave one. */
  position?: number;
  /** The server's DETAIL line. */
  detail?: string;
  /** The server's HINT line. */
  hint?: string;
  /** The server's CONTEXT line. */
  where?: string;
}

/**
 * A {@linkcode MigrationError} raised because an argument names nothing there is (`--to` a
 * version no migration has, `down --count` above what is applied): refused before anything is
 * written, and bad usage for the CLI (exit status 2).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArgumentError, MigrationError } from "./errors.ts";
 *
 * const error = new ArgumentError("COUNT_TOO_LARGE", "Cannot roll back --count 3: only 2 are applied.");
 * assert.ok(error instanceof MigrationError);
 * assert.equal(error.code, "COUNT_TOO_LARGE");
 * ```
 */
export class ArgumentError extends MigrationError {
  /** Creates the error; `message` is complete. */
  constructor(code: MigrationErrorCode, message: string, options: MigrationErrorOptions = {}) {
    super(code, message, options);
    this.name = "ArgumentError";
  }
}

/**
 * An error the database server reported, normalized across drivers. The SQL text is kept off
 * the error so it never leaks into logs by accident.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SqlError } from "./errors.ts";
 *
 * const error = new SqlError('relation "users" already exists', {
 *   sqlState: "42P07",
 *   position: 14,
 * });
 * assert.equal(error.sqlState, "42P07");
 * assert.equal(error.position, 14);
 * ```
 */
export class SqlError extends Error {
  /** Five-character SQLSTATE. */
  readonly sqlState?: string;
  /** 1-based character position in the text sent. */
  readonly position?: number;
  /** The server's DETAIL line. */
  readonly detail?: string;
  /** The server's HINT line. */
  readonly hint?: string;
  /** The server's CONTEXT line. */
  readonly where?: string;

  /** Creates a server error with its fields. */
  constructor(message: string, fields: SqlErrorFields = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = "SqlError";
    this.sqlState = fields.sqlState;
    this.position = fields.position;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.where = fields.where;
  }
}

/** A server error as both drivers' libraries report it. */
export interface ServerErrorLike {
  /** The server's message. */
  message: string;
  /** SQLSTATE. */
  code?: string;
  /** 1-based character position, as a number or a numeric string. */
  position?: string | number;
  /** DETAIL. */
  detail?: string;
  /** HINT. */
  hint?: string;
  /** CONTEXT. */
  where?: string;
}

/**
 * Builds a {@linkcode SqlError} from a driver library's server error, which becomes its `cause`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqlErrorFrom } from "./errors.ts";
 *
 * const error = sqlErrorFrom({ message: "syntax error", code: "42601", position: "8" });
 * assert.equal(error.position, 8);
 * assert.equal(error.sqlState, "42601");
 * ```
 */
export function sqlErrorFrom(error: ServerErrorLike): SqlError {
  const position = error.position === undefined || error.position === ""
    ? undefined
    : Number(error.position);
  return new SqlError(error.message, {
    sqlState: error.code,
    position: Number.isFinite(position) ? position : undefined,
    detail: error.detail || undefined,
    hint: error.hint || undefined,
    where: error.where || undefined,
  }, { cause: error });
}

/**
 * The SQLSTATE of an error, or of the {@linkcode SqlError} it wraps as its `cause`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError, SqlError, sqlStateOf } from "./errors.ts";
 *
 * const cause = new SqlError("canceling statement due to lock timeout", { sqlState: "55P03" });
 * const error = new MigrationError("SQL_ERROR", "Cannot apply ...", { cause });
 * assert.equal(sqlStateOf(error), "55P03");
 * assert.equal(sqlStateOf(new Error("no server involved")), undefined);
 * ```
 */
export function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof SqlError) return error.sqlState;
  if (error instanceof Error && error.cause !== undefined) return sqlStateOf(error.cause);
  return undefined;
}

/**
 * The message of anything thrown: an `Error`'s message, else its string form.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorMessage } from "./errors.ts";
 *
 * assert.equal(errorMessage(new Error("boom")), "boom");
 * assert.equal(errorMessage("plain"), "plain");
 * ```
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Where and how far a script got when it failed. */
export interface ScriptErrorOptions {
  /** Version, file, line, column and cause, as for `MigrationError`. */
  error: MigrationErrorOptions & { version: string; file: string };
  /** Statements that ran to completion before the failure. */
  statementsDone: number;
  /** Statements the script was split into (1 when it was sent whole). */
  statementCount: number;
}

/**
 * A migration script failed. `code` is `SQL_ERROR` for a server error (then `cause` is the
 * `SqlError`), or the code of the underlying `MigrationError` (e.g. a lost connection).
 * `statementsDone` says how many statements of a `-- tide:no-transaction` script ran (and stay
 * applied) before the failing one; it is 0 for a script sent whole, which the caller's
 * transaction rolls back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError, ScriptError } from "./errors.ts";
 *
 * const error: unknown = new ScriptError("SQL_ERROR", "Cannot apply 002_x.up.sql:3:1: ...", {
 *   error: { version: "002", file: "002_x.up.sql", line: 3, column: 1 },
 *   statementsDone: 1,
 *   statementCount: 4,
 * });
 * assert.ok(error instanceof MigrationError && error instanceof ScriptError);
 * assert.equal(error.statementsDone, 1);
 * ```
 */
export class ScriptError extends MigrationError {
  /** Statements that completed (and, outside a transaction, stay applied). */
  readonly statementsDone: number;
  /** Statements the script was split into; 1 when it was sent whole. */
  readonly statementCount: number;

  /** Creates the error; `message` is complete. */
  constructor(code: MigrationErrorCode, message: string, options: ScriptErrorOptions) {
    super(code, message, options.error);
    this.name = "ScriptError";
    this.statementsDone = options.statementsDone;
    this.statementCount = options.statementCount;
  }
}

/**
 * All the problems found in a set of migration files, thrown as one error. Its `code`,
 * `file`, `line` and `column` are those of the first problem; its message lists every problem,
 * one per line; `problems` holds each as a `MigrationError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError, MigrationSourceError } from "./errors.ts";
 *
 * const error = new MigrationSourceError([
 *   new MigrationError("EMPTY_UP", "Cannot read 001_a.up.sql:1:1: ...", { file: "001_a.up.sql" }),
 *   new MigrationError("DOWN_WITHOUT_UP", "Cannot load 002_b.down.sql: ...", {
 *     file: "002_b.down.sql",
 *   }),
 * ]);
 * assert.equal(error.code, "EMPTY_UP");
 * assert.deepEqual(error.problems.map((p) => p.code), ["EMPTY_UP", "DOWN_WITHOUT_UP"]);
 * ```
 */
export class MigrationSourceError extends MigrationError {
  /** Every problem, in file name order. Never empty. */
  readonly problems: readonly MigrationError[];

  /** Gathers `problems` (at least one) into one error. */
  constructor(problems: readonly MigrationError[]) {
    const [first] = problems;
    const message = problems.length === 1
      ? first.message
      : `Found ${problems.length} problems in the migration files:\n` +
        problems.map((problem) => `- ${problem.message}`).join("\n");
    super(first.code, message, first);
    this.name = "MigrationSourceError";
    this.problems = problems;
  }
}

/**
 * The problems an error stands for: each one of a {@linkcode MigrationSourceError}, else the
 * error itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError, problemsOf } from "./errors.ts";
 *
 * const error = new MigrationError("MISSING_DIRECTORY", "Cannot load migrations from db: ...");
 * assert.deepEqual(problemsOf(error), [error]);
 * ```
 */
export function problemsOf(error: MigrationError): readonly MigrationError[] {
  return error instanceof MigrationSourceError ? error.problems : [error];
}

/**
 * Bad usage of a command: an unknown flag or command, a missing or malformed argument. The CLI
 * exits with status 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "./errors.ts";
 *
 * const error = new UsageError('--count must be a positive integer, got "x".');
 * assert.equal(error.name, "UsageError");
 * ```
 */
export class UsageError extends Error {
  /** Creates a usage error with a complete message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
