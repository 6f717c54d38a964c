/**
 * Flyway's format, as Flyway reads it: scripts anywhere under the directory (sub-folders
 * included), named `V<version>__<description>.sql` (versioned), `U<version>__<description>.sql`
 * (its undo) and `R__<description>.sql` (repeatable: applied after the versioned ones, again
 * whenever its checksum changes). A version is digits split by `.` or `_` (`1.2.3`, `1_2`),
 * compared part by part as numbers. Names that match no prefix (callbacks such as
 * `afterMigrate.sql`, notes) are not migrations. `${name}` placeholders are replaced from the
 * config's `placeholders` and `flyway.conf`'s `flyway.placeholders.name=`, with Flyway's
 * built-ins (`${flyway:defaultSchema}`, `${flyway:user}`, `${flyway:database}`,
 * `${flyway:timestamp}`, `${flyway:filename}`, `${flyway:workingDirectory}`, `${flyway:table}`);
 * an unknown one is an error, as in Flyway. A `<script>.conf` beside a script with
 * `executeInTransaction=false` runs it outside a transaction. `flyway.conf` in the directory may
 * change the prefixes, separator, suffixes and placeholder delimiters.
 *
 * @module
 */
import { basename } from "../paths.ts"; // not node:path: see paths.ts
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../migration.ts";
import { canonicalVersion, isValidVersion, nextVersion, REPEATABLE_PREFIX } from "../version.ts";
import {
  fileProblem,
  foreignScript,
  Problems,
  scaffoldSql,
  sortedUnique,
  toMigration,
} from "./common.ts";
import { type FlywayConfig, readFlywayConfig, replacePlaceholders } from "./flyway_config.ts";
import type { FormatOptions, MigrationFormat, ScaffoldInput } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

/** What a script name says. */
interface ScriptName {
  kind: "versioned" | "undo" | "repeatable";
  version: string;
  description: string;
}

/** Flyway's format. */
export const flywayFormat: MigrationFormat = {
  name: "flyway",
  reads: ["flyway", "flyway-conf"],
  files: "V<version>__<description>.sql, U<version>__<description>.sql, R__<description>.sql",
  read: readFlyway,
  scaffold: (input: ScaffoldInput) => {
    const versions = input.migrations.filter((m) => !m.repeatable).map((m) => m.version);
    const version = nextVersion(versions, input.now).replace(/^0+(?=\d)/, "");
    return [
      {
        path: `V${version}__${input.name}.sql`,
        text: scaffoldSql(input, "up", "-- Write the change here.\n\n"),
      },
      {
        path: `U${version}__${input.name}.sql`,
        text: scaffoldSql(input, "down", "-- Undo exactly what V did.\n\n"),
      },
    ];
  },
};

function readFlyway(tree: SourceTree, options: FormatOptions): Migration[] {
  const problems = new Problems();
  const config = readFlywayConfig(tree);
  const ups = new Map<string, { file: SourceFile; name: ScriptName }>();
  const undos = new Map<string, { file: SourceFile; name: ScriptName }>();
  const repeatables: Migration[] = [];
  for (const file of tree.files) {
    const name = problems.attempt(() => scriptName(basename(file.rel), file.path, config));
    if (name === undefined || name === null) continue;
    if (name.kind === "repeatable") {
      const m = problems.attempt(() => readScript(tree, file, name, undefined, config, options));
      if (m) repeatables.push(m);
    } else {
      const key = canonicalVersion(name.version);
      const into = name.kind === "versioned" ? ups : undos;
      if (into.has(key)) problems.add(duplicate(into.get(key)!.file, file, name.version));
      else into.set(key, { file, name });
    }
  }
  const versioned: Migration[] = [];
  for (const [key, up] of ups) {
    const undo = undos.get(key);
    undos.delete(key);
    const m = problems.attempt(() =>
      readScript(tree, up.file, up.name, undo?.file, config, options)
    );
    if (m) versioned.push(m);
  }
  for (const orphan of undos.values()) {
    problems.add(
      new MigrationError(
        "DOWN_WITHOUT_UP",
        `Cannot load ${orphan.file.path}: there is no versioned migration with version ` +
          `${orphan.name.version}. Add V${orphan.name.version}__${orphan.name.description}.sql, ` +
          "or delete this file.",
        { file: orphan.file.path, version: orphan.name.version },
      ),
    );
  }
  const sorted = sortedUnique([...versioned, ...repeatables], problems);
  problems.throwIfAny();
  return sorted;
}

function duplicate(first: SourceFile, second: SourceFile, version: string): MigrationError {
  return new MigrationError(
    "DUPLICATE_VERSION",
    `Cannot load migrations: ${first.path} and ${second.path} both have version ${version}, ` +
      "which Flyway refuses too. Give one of them another version.",
    { file: second.path, version },
  );
}

/** The name's parts; `null` for a file Flyway does not take as a migration. */
function scriptName(file: string, path: string, config: FlywayConfig): ScriptName | null {
  const suffix = config.suffixes.find((s) => file.endsWith(s));
  if (suffix === undefined) return null;
  const stem = file.slice(0, -suffix.length);
  const prefixes: [string, ScriptName["kind"]][] = [
    [config.versionedPrefix, "versioned" as const],
    [config.undoPrefix, "undo" as const],
    [config.repeatablePrefix, "repeatable" as const],
  ].sort((a, b) => b[0].length - a[0].length) as [string, ScriptName["kind"]][];
  const found = prefixes.find(([prefix]) => stem.startsWith(prefix));
  if (found === undefined) return null;
  const [prefix, kind] = found;
  const rest = stem.slice(prefix.length);
  const at = rest.indexOf(config.separator);
  const [version, description] = at === -1
    ? [rest, ""]
    : [rest.slice(0, at), rest.slice(at + config.separator.length)];
  if (kind === "repeatable") {
    if (version !== "") {
      throw fileProblem(
        "INVALID_FILE_NAME",
        path,
        `a repeatable migration has no version: name it ${prefix}${config.separator}${
          description || "description"
        }${suffix}.`,
      );
    }
    return { kind, version: "", description };
  }
  if (!isValidVersion(version)) {
    throw fileProblem(
      "INVALID_FILE_NAME",
      path,
      `"${version}" is not a Flyway version (digits split by "." or "_"): name it ${prefix}1.2${config.separator}${
        description || "description"
      }${suffix}.`,
    );
  }
  return { kind, version, description };
}

function readScript(
  tree: SourceTree,
  file: SourceFile,
  name: ScriptName,
  undo: SourceFile | undefined,
  config: FlywayConfig,
  options: FormatOptions,
): Migration {
  const text = tree.text(file);
  const render = (f: SourceFile, t: string) => replacePlaceholders(t, f, config, options);
  const undoText = undo && tree.text(undo);
  const conf = tree.get(`${file.rel}.conf`);
  const noTransaction = conf !== undefined &&
    /^\s*executeInTransaction\s*=\s*false\s*$/im.test(tree.text(conf));
  return toMigration({
    version: name.kind === "repeatable" ? REPEATABLE_PREFIX + name.description : name.version,
    name: name.description,
    up: foreignScript(file.path, text, 0, text.length, render(file, text)),
    down: undo && foreignScript(undo.path, undoText!, 0, undoText!.length, render(undo, undoText!)),
    noTransaction,
    checksumOf: text,
    repeatable: name.kind === "repeatable",
  });
}
