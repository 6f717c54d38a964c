/**
 * The one interface every migration format implements, as dbmate's drivers do: how to tell the
 * format from a directory (`layouts`, used by `auto`), how to read it into migrations exactly as
 * its tool does (`read`), and how `tide new` writes the next migration in it (`scaffold`).
 * Each format lives in its own file beside this one; `registry.ts` lists them.
 *
 * @module
 */
import type { Migration } from "../migration.ts";
import type { SourceTree } from "./tree.ts";

/** The formats tide reads, by the name `--format` takes. */
export const FORMAT_NAMES = [
  "tide",
  "golang-migrate",
  "dbmate",
  "goose",
  "flyway",
  "sqlx",
  "diesel",
  "node-pg-migrate",
  "popx",
  "prisma",
  "plain",
  "sqitch",
  "maragudk",
  "pattern",
] as const;

/** A format's name. */
export type FormatName = typeof FORMAT_NAMES[number];

/** A format's name, or `auto`: the one format the directory's files fit. */
export type FormatChoice = FormatName | "auto";

/**
 * What a directory's files show, one kind per distinctive trait; a format fits a directory when
 * it reads every layout found there (see `detectFormat`).
 */
export type Layout =
  | "pair"
  | "tide-code"
  | "dbmate"
  | "tide-directive"
  | "flyway"
  | "flyway-conf"
  | "goose"
  | "node-pg-migrate"
  | "popx"
  | "sqlx-directive"
  | "bare"
  | "diesel"
  | "prisma"
  | "sqitch";

/** Options of reading a directory; each format uses what concerns it. */
export interface FormatOptions {
  /** `pattern` format: a regular expression with named groups `version`, `name`, `direction`. */
  pattern?: string;
  /** Flyway `${name}` placeholders (over those of `flyway.conf`). */
  placeholders?: Readonly<Record<string, string>>;
  /** Schema in use: Flyway's `${flyway:defaultSchema}`. */
  schema?: string;
  /** Database user: Flyway's `${flyway:user}`. */
  user?: string;
  /** Database name: Flyway's `${flyway:database}`. */
  database?: string;
  /** Environment variables, for goose's `-- +goose ENVSUB ON`; the process's when unset. */
  env?: (name: string) => string | undefined;
  /** The time of loading: Flyway's `${flyway:timestamp}`. */
  now?: Date;
  /**
   * Told of each code migration (goose `.go`, node-pg-migrate `.js`/`.ts`), which tide cannot
   * run. Set, such files are left out and named to it (verify checks the SQL ones); unset, the
   * directory is refused, so nothing that applies migrations skips one.
   */
  onCodeMigration?: (path: string) => void;
}

/**
 * The warning for a code migration left out (see `FormatOptions.onCodeMigration`): `file` as the
 * user sees it, `done` what the command does to migrations (`verified`, `linted`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeMigrationLeftOut } from "./format.ts";
 *
 * assert.match(codeMigrationLeftOut("db/00002_x.go", "verified"), /^db\/00002_x\.go is a code migration/);
 * ```
 */
export function codeMigrationLeftOut(file: string, done: string): string {
  return `${file} is a code migration, which tide cannot run: not ${done}, and the migrations ` +
    `after it are ${done} without its changes.`;
}

/** A file `tide new` writes: its path relative to the migrations directory, and its text. */
export interface ScaffoldFile {
  /** Relative path, `/`-separated. */
  path: string;
  /** Content. */
  text: string;
  /** Append to the file instead of creating it (sqitch's plan). */
  append?: boolean;
}

/** What `tide new` needs to write the next migration. */
export interface ScaffoldInput {
  /** The directory as it is. */
  tree: SourceTree;
  /** Its migrations as read, in order (empty when the directory does not load). */
  migrations: readonly Migration[];
  /** The sanitized name. */
  name: string;
  /** Now, for timestamps. */
  now: Date;
  /** SQL to write in place of the templates (`createMigration(dir, name, { up, down })`). */
  content?: MigrationContent;
  /** `typescript`: a TypeScript migration (`tide new --ts`), in tide's format only. */
  code?: "typescript";
}

/** The SQL of a new migration, given instead of the scaffold's comments. */
export interface MigrationContent {
  /** The up SQL. */
  up?: string;
  /** The down SQL; refused by formats that have no down (Prisma, plain). */
  down?: string;
}

/** A migration format. */
export interface MigrationFormat {
  /** Its `--format` name. */
  readonly name: FormatName;
  /** The layouts it reads, for `auto`. */
  readonly reads: readonly Layout[];
  /** Its file names in a few words, for messages. */
  readonly files: string;
  /** Files it leaves out on purpose (another dialect's), not reported as unread. */
  readonly ignores?: (rel: string) => boolean;
  /** Reads the migrations of `tree` in the tool's order; throws `MigrationSourceError`. */
  read(tree: SourceTree, options: FormatOptions): Migration[];
  /** The files of a new migration named `input.name`, after the existing ones. */
  scaffold(input: ScaffoldInput): ScaffoldFile[];
}
