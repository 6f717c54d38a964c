/**
 * Typed errors. Every message says what was being done, where (file:line:column when a file is
 * involved), what went wrong and the way out.
 *
 * @module
 */

/** Why a {@linkcode MigrationError} was raised. Each code is listed in the README with its fix. */
export type MigrationErrorCode =
  | "INVALID_FILE_NAME"
  | "DUPLICATE_VERSION"
  | "DOWN_WITHOUT_UP"
  | "EMPTY_UP"
  | "INVALID_UTF8"
  | "INVALID_SECTIONS"
  | "INVALID_DIRECTIVE"
  | "INVALID_IDENTIFIER"
  | "UNKNOWN_TEMPLATE"
  | "MISSING_DIRECTORY"
  | "CHECKSUM_MISMATCH"
  | "MISSING_FILE"
  | "OUT_OF_ORDER"
  | "FAILED_MIGRATION"
  | "UNKNOWN_VERSION"
  | "NO_DOWN"
  | "SQL_ERROR"
  | "LOCK_TIMEOUT"
  | "LOCK_WAIT_TIMEOUT"
  | "CONNECTION_FAILED"
  | "UNSUPPORTED_URL"
  | "PROTECTED_ENVIRONMENT"
  | "CONFIG_ERROR"
  | "UNSUPPORTED_EXTENSION"
  | "SNAPSHOT_FAILED"
  | "CHANGE_TRACKING_FAILED";

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
}

/**
 * An error of tide: a bad migration file, a refused plan, a failed migration, a lock that could
 * not be taken.
 *
 * @example Tell a checksum mismatch apart from other failures
 * ```ts
 * import { MigrationError } from "./errors.ts";
 *
 * try {
 *   throw new MigrationError("CHECKSUM_MISMATCH", "001_init.sql was edited after it was applied.");
 * } catch (error) {
 *   if (error instanceof MigrationError && error.code === "CHECKSUM_MISMATCH") {
 *     console.log(error.message);
 *   }
 * }
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

  /** Creates an error with a code, a complete message and where it happened. */
  constructor(code: MigrationErrorCode, message: string, options: MigrationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MigrationError";
    this.code = code;
    this.version = options.version;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
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
 * An error the database server reported, normalized across drivers. The SQL text is kept off
 * the error so it never leaks into logs by accident.
 *
 * @example
 * ```ts
 * import { SqlError } from "./errors.ts";
 *
 * const error = new SqlError('relation "users" already exists', { sqlState: "42P07", position: 14 });
 * console.log(error.sqlState); // "42P07"
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
 * import { sqlErrorFrom } from "./errors.ts";
 *
 * const error = sqlErrorFrom({ message: "syntax error", code: "42601", position: "8" });
 * console.log(error.position); // 8
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
