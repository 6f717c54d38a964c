/**
 * goose's format, as goose reads it: `<version>_<name>.sql` directly in the directory (the
 * version is the digits before the first `_`, above 0; any other `.sql` name is an error), with
 * `-- +goose Up` then optionally `-- +goose Down`. Annotations are matched without regard to
 * case and must start their line. `-- +goose StatementBegin` / `StatementEnd` make one statement
 * of what they enclose; other statements end at a line ending in `;`. `-- +goose NO
 * TRANSACTION` anywhere runs the migration outside a transaction. `-- +goose ENVSUB ON` / `OFF`
 * substitute environment variables (`$VAR`, `${VAR}`, `${VAR:-default}`) in the lines between.
 * Go migrations (`<version>_<name>.go`) cannot run here: they are refused by name, or left out
 * and named where the caller asks (`onCodeMigration`: verify checks the SQL ones).
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../migration.ts";
import {
  fileProblem,
  foreignScript,
  problemAt,
  Problems,
  scaffoldSql,
  sortedUnique,
  toMigration,
} from "./common.ts";
import { processEnv, substituteEnv } from "./envsub.ts";
import type { FormatOptions, MigrationFormat, ScaffoldInput } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";
import { nextVersion } from "../version.ts";

const SQL_FILE = /^([^_]*)_(.*)\.sql$/;
const GO_FILE = /^(\d+)_.*\.go$/;

/** goose's format. */
export const gooseFormat: MigrationFormat = {
  name: "goose",
  reads: ["goose"],
  files: "<version>_<name>.sql with -- +goose Up / -- +goose Down",
  ignores: (rel) => GO_FILE.test(rel) && !rel.endsWith("_test.go"),
  read(tree, options) {
    const problems = new Problems();
    const migrations: Migration[] = [];
    const go: string[] = [];
    for (const file of tree.topLevel()) {
      if (GO_FILE.test(file.rel) && !file.rel.endsWith("_test.go")) go.push(file.path);
      if (!file.rel.endsWith(".sql")) continue;
      const migration = problems.attempt(() => readFile(tree, file, options));
      if (migration) migrations.push(migration);
    }
    if (go.length > 0 && options.onCodeMigration) go.forEach(options.onCodeMigration);
    else if (go.length > 0) problems.add(goMigrations(go));
    const sorted = sortedUnique(migrations, problems);
    problems.throwIfAny();
    return sorted;
  },
  scaffold: (input: ScaffoldInput) => {
    const versions = input.migrations.map((m) => m.version);
    const sequential = versions.length > 0 && versions.every((v) => v.length < 14);
    const version = sequential
      ? nextVersion(versions, input.now).padStart(5, "0")
      : input.now.toISOString().replace(/\D/g, "").slice(0, 14);
    return [{
      path: `${version}_${input.name}.sql`,
      text: `-- +goose Up\n-- +goose StatementBegin\n${scaffoldSql(input, "up", "\n")}` +
        "-- +goose StatementEnd\n\n" +
        `-- +goose Down\n-- +goose StatementBegin\n${scaffoldSql(input, "down", "\n")}` +
        "-- +goose StatementEnd\n",
    }];
  },
};

function goMigrations(paths: string[]): MigrationError {
  return new MigrationError(
    "INVALID_FILE_NAME",
    `Cannot read ${paths.join(", ")}: goose Go migrations are Go code, which tide cannot run. ` +
      "Rewrite each as a .sql migration, or check the SQL migrations alone by moving the Go " +
      "ones out of the directory.",
    { file: paths[0] },
  );
}

function readFile(tree: SourceTree, file: SourceFile, options: FormatOptions): Migration {
  const match = SQL_FILE.exec(file.rel);
  if (match === null || !/^\d+$/.test(match[1]) || BigInt(match[1]) < 1n) {
    throw fileProblem(
      "INVALID_FILE_NAME",
      file.path,
      "goose names a SQL migration <version>_<name>.sql with a version above 0. Rename it, or " +
        "move it out of the directory.",
    );
  }
  const text = tree.text(file);
  const parsed = parseGoose(text, file.path, options.env ?? processEnv);
  const script = (section: Section) => ({
    ...foreignScript(file.path, text, section.start, section.end, section.sql),
    statements: section.statements,
  });
  return toMigration({
    version: match[1],
    name: match[2],
    up: script(parsed.up),
    down: parsed.down && script(parsed.down),
    noTransaction: parsed.noTransaction,
    checksumOf: text,
  });
}

/** One direction of a goose file: where it is, its SQL and goose's statements in it. */
interface Section {
  start: number;
  end: number;
  lines: string[];
  /** Length of the SQL so far (the joined lines). */
  length: number;
  statements: [number, number][];
  /** Start of the statement being read, if any. */
  pending?: number;
  sql: string;
}

const KNOWN = [
  "up",
  "down",
  "statementbegin",
  "statementend",
  "no transaction",
  "envsub on",
  "envsub off",
];

/** State of reading a goose file, line by line. */
interface GooseState {
  text: string;
  path: string;
  up?: Section;
  down?: Section;
  current?: Section;
  noTransaction: boolean;
  envsub: boolean;
  inBlock: boolean;
}

/**
 * A goose file's sections. Each keeps its lines (annotations become blank lines, so positions
 * still match the file), after environment substitution where asked.
 */
function parseGoose(text: string, path: string, env: (name: string) => string | undefined) {
  const state: GooseState = { text, path, noTransaction: false, envsub: false, inBlock: false };
  let offset = 0;
  for (const raw of text.split("\n")) {
    const lineStart = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, "");
    const command = annotation(line, text, path, lineStart);
    if (command === "up" || command === "down") {
      openSection(state, command, lineStart, Math.min(offset, text.length));
      continue;
    }
    applyCommand(state, command);
    if (state.current === undefined) {
      if (command === undefined && !/^\s*(--.*)?$/.test(line)) {
        throw problemAt(
          "INVALID_SECTIONS",
          text,
          path,
          lineStart,
          'goose wants "-- +goose Up" before any SQL.',
        );
      }
      continue;
    }
    const sql = command !== undefined ? "" : state.envsub ? substituteEnv(line, env, path) : line;
    addLine(state.current, sql, command, state.inBlock);
  }
  if (!state.up) {
    throw problemAt(
      "INVALID_SECTIONS",
      text,
      path,
      0,
      'goose wants a "-- +goose Up" line before the up SQL.',
    );
  }
  if (state.inBlock) {
    throw problemAt(
      "INVALID_SECTIONS",
      text,
      path,
      text.length,
      'missing "-- +goose StatementEnd".',
    );
  }
  for (const section of [state.up, state.down]) {
    if (section === undefined) continue;
    section.sql = section.lines.join("\n");
    if (section.pending !== undefined) {
      section.statements.push([section.pending, section.sql.length]);
    }
  }
  return { up: state.up, down: state.down, noTransaction: state.noTransaction };
}

function openSection(state: GooseState, which: "up" | "down", lineStart: number, start: number) {
  const misplaced = state[which] !== undefined || (which === "up" ? state.down : !state.up);
  if (misplaced || state.inBlock) {
    throw problemAt(
      "INVALID_SECTIONS",
      state.text,
      state.path,
      lineStart,
      `misplaced "-- +goose ${which === "up" ? "Up" : "Down"}": goose wants one -- +goose Up, ` +
        "then at most one -- +goose Down, outside StatementBegin/End blocks.",
    );
  }
  if (state.current) state.current.end = lineStart;
  state.current = { start, end: state.text.length, lines: [], length: 0, statements: [], sql: "" };
  state[which] = state.current;
}

function applyCommand(state: GooseState, command: string | undefined): void {
  if (command === "statementbegin") state.inBlock = true;
  else if (command === "statementend") state.inBlock = false;
  else if (command === "no transaction") state.noTransaction = true;
  else if (command === "envsub on") state.envsub = true;
  else if (command === "envsub off") state.envsub = false;
}

/** Adds a line to `section`, ending statements where goose ends them. */
function addLine(section: Section, sql: string, command: string | undefined, inBlock: boolean) {
  const start = section.length + (section.lines.length > 0 ? 1 : 0);
  section.lines.push(sql);
  section.length = start + sql.length;
  if (command === "statementend") {
    if (section.pending !== undefined) section.statements.push([section.pending, start]);
    section.pending = undefined;
    return;
  }
  if (command !== undefined) return;
  const blank = /^\s*(--.*)?$/.test(sql);
  if (section.pending === undefined && !blank) section.pending = start;
  if (!inBlock && section.pending !== undefined && endsWithSemicolon(sql)) {
    section.statements.push([section.pending, section.length]);
    section.pending = undefined;
  }
}

/** goose's rule: the last word before any `--` ends with `;`. */
function endsWithSemicolon(line: string): boolean {
  let last = "";
  for (const word of line.split(/\s+/)) {
    if (word.startsWith("--")) break;
    if (word !== "") last = word;
  }
  return last.endsWith(";");
}

/** The lowercased goose annotation of `line`, if it is one; throws for an unknown one. */
function annotation(line: string, text: string, path: string, offset: number): string | undefined {
  if (!line.trimStart().startsWith("--") || !line.includes("+goose")) return undefined;
  const fail = (why: string) => problemAt("INVALID_DIRECTIVE", text, path, offset, why);
  if (/^\s/.test(line)) {
    throw fail("a goose annotation must start its line (no leading whitespace).");
  }
  const command = line.replaceAll("--", "").replace("+goose", "").trim().toLowerCase()
    .replace(/\s+/g, " ");
  if (KNOWN.includes(command)) return command;
  throw fail(
    `unknown goose annotation "${line.trim()}". goose knows Up, Down, StatementBegin, ` +
      "StatementEnd, NO TRANSACTION, ENVSUB ON and ENVSUB OFF.",
  );
}
