/**
 * tide's own format, and golang-migrate's (its pair layout): files directly in the directory,
 * `<version>_<name>.up.sql` + `.down.sql`; for tide also `<version>_<name>.sql` with
 * `-- migrate:up` / `-- migrate:down` sections and Flyway's `V`/`U` names; `-- tide:` directives
 * and `{{schema}}` templates. Files not ending in `.sql`, and names starting with `_` or `.`,
 * are skipped. The parsing of one file is `parse.ts`; this file pairs them.
 *
 * @module
 */
import { basename } from "../paths.ts"; // not node:path: see paths.ts
import { checksumText } from "../checksum.ts";
import { codeFileName, codeScaffold, readCodeMigration } from "../code_file.ts";
import { describeSql } from "../description.ts";
import { sqlRequirements } from "../requires.ts";
import { MigrationError } from "../../errors.ts";
import type { Migration, MigrationScript } from "../migration.ts";
import { type MigrationFileName, parseFileName } from "../file_name.ts";
import { isBlankSql, parseMigration } from "../parse.ts";
import { canonicalVersion, compareVersions, nextVersion } from "../version.ts";
import { Problems, scaffoldSql } from "./common.ts";
import { withOwnTransactions } from "../outer_transaction.ts";
import type { MigrationFormat, ScaffoldFile, ScaffoldInput } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

/** One file read and parsed. */
interface ReadFile {
  path: string;
  fileName: MigrationFileName;
  text: string;
  up?: MigrationScript;
  down?: MigrationScript;
  upNoTransaction: boolean;
  downNoTransaction: boolean;
  checksummed: string;
  /** A TypeScript migration, read whole. */
  code?: Migration;
}

/** tide's format. */
export const tideFormat: MigrationFormat = {
  name: "tide",
  reads: ["pair", "dbmate", "tide-directive", "flyway", "tide-code"],
  files: "<version>_<name>.up.sql + .down.sql, <version>_<name>.sql with -- migrate:up, or " +
    "<version>_<name>.ts",
  read: (tree) => readTide(tree.topLevel(), tree),
  scaffold: scaffoldTide,
};

const PAIR_ONLY = /^\d+_.+\.(up|down)\.sql$/;

/** golang-migrate's format: tide's pair layout only; other files are not migrations. */
export const golangMigrateFormat: MigrationFormat = {
  name: "golang-migrate",
  reads: ["pair", "tide-directive"],
  files: "<version>_<name>.up.sql + <version>_<name>.down.sql",
  // golang-migrate sends each file as one script: its BEGIN ... COMMIT is the file's own.
  read: (tree) =>
    readTide(tree.topLevel().filter((f) => PAIR_ONLY.test(f.rel)), tree).map(withOwnTransactions),
  scaffold: (input) => pairScaffold(input),
};

function readTide(files: readonly SourceFile[], tree: SourceTree): Migration[] {
  const problems = new Problems();
  const read: ReadFile[] = [];
  /** Versions whose up file failed to parse: their down files are not reported as orphans. */
  const brokenUps = new Set<string>();
  for (const file of files) {
    let fileName: MigrationFileName | undefined;
    const ok = problems.attempt(() => {
      const code = codeFileName(basename(file.rel));
      if (code !== undefined) {
        fileName = { ...code, kind: "up" };
        const migration = readCodeMigration(file.path, tree.text(file));
        read.push({
          path: file.path,
          fileName,
          text: "",
          upNoTransaction: false,
          downNoTransaction: false,
          checksummed: "",
          code: migration,
        });
        return true;
      }
      fileName = parseFileName(basename(file.rel), file.path);
      if (fileName === undefined) return true;
      const text = tree.text(file);
      const parsed = parseMigration(text, file.path, fileName.kind);
      read.push({ path: file.path, fileName, text, ...parsed });
      return true;
    });
    if (ok === undefined && fileName !== undefined && fileName.kind !== "down") {
      brokenUps.add(canonicalVersion(fileName.version));
    }
  }
  const migrations = pairUp(read, brokenUps, problems);
  problems.throwIfAny();
  return migrations.sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * Matches down files to up files by version alone, as golang-migrate, sqlx and Flyway do: a down
 * may name what it does (`30_drop_x.down.sql` for `30_add_x.up.sql`); reports what does not match.
 */
function pairUp(files: readonly ReadFile[], brokenUps: ReadonlySet<string>, problems: Problems) {
  const ups = new Map<string, ReadFile>();
  for (const file of files.filter((file) => file.fileName.kind !== "down")) {
    const key = canonicalVersion(file.fileName.version);
    const earlier = ups.get(key);
    if (earlier === undefined) ups.set(key, file);
    else problems.add(duplicateVersion(earlier, file, duplicateFix(earlier, file)));
  }
  const downs = new Map<string, ReadFile>();
  for (const file of files.filter((file) => file.fileName.kind === "down")) {
    const key = canonicalVersion(file.fileName.version);
    if (brokenUps.has(key)) continue;
    const problem = downProblem(file, ups.get(key), downs.get(key));
    if (problem === undefined) downs.set(key, file);
    else problems.add(problem);
  }
  return [...ups].map(([key, up]) => toTideMigration(up, downs.get(key)));
}

function downProblem(
  down: ReadFile,
  up: ReadFile | undefined,
  earlierDown: ReadFile | undefined,
): MigrationError | undefined {
  const { version, name } = down.fileName;
  const flyway = basename(down.path).startsWith("U");
  const expected = flyway ? `V${version}__${name}.sql` : `${version}_${name}.up.sql`;
  if (earlierDown !== undefined) {
    return duplicateVersion(earlierDown, down, "Keep one down file per migration.");
  }
  if (up?.code !== undefined) {
    return duplicateVersion(
      up,
      down,
      `${up.path} is a TypeScript migration: its down is the function down() it exports. ` +
        "Move this SQL there (await ctx.sql`...`), and delete this file.",
    );
  }
  if (up?.fileName.kind === "single") {
    return duplicateVersion(
      up,
      down,
      `${up.path} holds both directions: move this SQL under its "-- migrate:down" line and ` +
        "delete this file.",
    );
  }
  if (up !== undefined) return;
  const why = `there is no up migration with version ${version}. Add ${expected}, or delete ` +
    "this file.";
  return new MigrationError("DOWN_WITHOUT_UP", `Cannot load ${down.path}: ${why}`, {
    file: down.path,
    version,
  });
}

/** Two ups of one version; differently named ones may be maragudk/migrate's (whole names). */
function duplicateFix(first: ReadFile, second: ReadFile): string {
  if (first.fileName.name === second.fileName.name) return "Give one of them another version.";
  return "Give one of them another version, or pass --format maragudk if maragudk/migrate " +
    "runs them (it orders migrations by their whole names).";
}

function duplicateVersion(first: ReadFile, second: ReadFile, fix: string): MigrationError {
  const [a, b] = [first.fileName.version, second.fileName.version];
  const versions = a === b
    ? `both have version ${a}`
    : `have the same version (${a} and ${b} are equal as numbers)`;
  return new MigrationError(
    "DUPLICATE_VERSION",
    `Cannot load migrations: ${first.path} and ${second.path} ${versions}. ${fix}`,
    { file: second.path, version: b },
  );
}

function toTideMigration(up: ReadFile, down: ReadFile | undefined): Migration {
  if (up.code !== undefined) return up.code;
  const requires = sqlRequirements(up.text, up.path);
  const downScript = up.down ?? down?.down;
  const upScript = up.up as MigrationScript;
  return {
    version: up.fileName.version,
    name: up.fileName.name,
    up: upScript,
    ...(downScript === undefined ? {} : { down: downScript }),
    // Each direction follows its own directive; the checksum covers the up alone.
    noTransaction: up.upNoTransaction,
    downNoTransaction: up.fileName.kind === "single"
      ? up.downNoTransaction
      : (down?.downNoTransaction ?? false),
    checksum: checksumText(up.checksummed),
    ...(isBlankSql(upScript.sql) ? { empty: true as const } : {}),
    ...described(describeSql(up.text)),
    ...(requires.length > 0 ? { requires } : {}),
  };
}

/** `{ description }`, or nothing when there is none. */
function described(description: string | undefined): { description?: string } {
  return description === undefined ? {} : { description };
}

/** The layouts of tide's scaffold: as most existing migrations are named. */
type TideLayout = "pair" | "single" | "flyway";

function scaffoldTide(input: ScaffoldInput): ScaffoldFile[] {
  // Read from the names alone: `tide new` works in a directory that does not load.
  const counts: Record<TideLayout, number> = { pair: 0, single: 0, flyway: 0 };
  const versions = new Set<string>();
  for (const file of input.tree.topLevel()) {
    const code = codeFileName(file.rel);
    if (code !== undefined) versions.add(code.version);
    const parsed = safeParse(file.rel);
    if (!parsed || parsed.kind === "down") continue;
    versions.add(parsed.version);
    counts[/^V/.test(file.rel) ? "flyway" : parsed.kind === "single" ? "single" : "pair"]++;
  }
  const layout = (Object.keys(counts) as TideLayout[])
    .reduce((best, l) => (counts[l] > counts[best] ? l : best), "pair");
  const version = nextVersion([...versions], input.now);
  const label = `${version}_${input.name}`;
  if (input.code === "typescript") return [{ path: `${label}.ts`, text: codeScaffold(input) }];
  const up = scaffoldSql(input, "up", UP_TEMPLATE);
  const down = scaffoldSql(input, "down", DOWN_TEMPLATE);
  if (layout === "single") {
    return [{ path: `${label}.sql`, text: `-- migrate:up\n${up}-- migrate:down\n${down}` }];
  }
  if (layout === "pair") return pairScaffold(input, version);
  return [
    { path: `V${version}__${input.name}.sql`, text: up },
    { path: `U${version}__${input.name}.sql`, text: down },
  ];
}

function safeParse(fileName: string): MigrationFileName | undefined {
  try {
    return parseFileName(fileName);
  } catch {
    // Not a migration name: `validate` reports it; here it just does not count.
    return undefined;
  }
}

function pairScaffold(input: ScaffoldInput, version?: string): ScaffoldFile[] {
  const v = version ?? nextVersion(input.migrations.map((m) => m.version), input.now);
  return [
    { path: `${v}_${input.name}.up.sql`, text: scaffoldSql(input, "up", UP_TEMPLATE) },
    { path: `${v}_${input.name}.down.sql`, text: scaffoldSql(input, "down", DOWN_TEMPLATE) },
  ];
}

const UP_TEMPLATE =
  "-- Write the change here. It runs in a transaction unless the first line is\n" +
  "-- `-- tide:no-transaction`.\n\n";
const DOWN_TEMPLATE = "-- Undo exactly what the up did, so `tide down` restores the schema.\n\n";
