/**
 * Reading a migration file's name: version, name and direction. Formats:
 *
 * - `<version>_<name>.up.sql` + `<version>_<name>.down.sql`;
 * - `<version>_<name>.sql` with `-- migrate:up` and `-- migrate:down` sections (dbmate style);
 * - Flyway: `V<version>__<name>.sql` (up) and `U<version>__<name>.sql` (down).
 *
 * Files not ending in `.sql`, and files starting with `_` or `.`, are not migrations.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";

/** Which direction(s) a file holds, from its name. */
export type MigrationFileKind = "up" | "down" | "single";

/** What a migration file name says. */
export interface MigrationFileName {
  /** Version exactly as written: `"001"`, `"1_2"`. */
  version: string;
  /** Name part: `"add_users"`. */
  name: string;
  /** `up` or `down` for one direction per file, `single` for a file with both sections. */
  kind: MigrationFileKind;
}

const VERSION = String.raw`\d+(?:[._]\d+)*`;
const FLYWAY_NAME = new RegExp(String.raw`^([VU])(${VERSION})__(.+)\.sql$`);
const PAIR_NAME = /^(\d+)_(.+)\.(up|down)\.sql$/;
const SINGLE_NAME = /^(\d+)_(.+)\.sql$/;
const NEAR_DIRECTION = /^(\d+)_(.+)\.([A-Za-z]{2,5})\.sql$/;
const FORMATS = "<version>_<name>.up.sql and <version>_<name>.down.sql, " +
  "<version>_<name>.sql with -- migrate:up and -- migrate:down sections, or Flyway's " +
  "V<version>__<name>.sql and U<version>__<name>.sql";

/**
 * Reads a migration file name. Returns `undefined` for a file that is not a migration (not
 * ending in `.sql`, or starting with `_` or `.`); throws `MigrationError` `INVALID_FILE_NAME`
 * for a `.sql` file whose name is not a migration name, and for Flyway repeatables (`R__`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFileName } from "./file_name.ts";
 *
 * assert.deepEqual(parseFileName("003_add_users.up.sql"), {
 *   version: "003",
 *   name: "add_users",
 *   kind: "up",
 * });
 * assert.deepEqual(parseFileName("V1_2__seed.sql"), { version: "1_2", name: "seed", kind: "up" });
 * assert.equal(parseFileName("README.md"), undefined);
 * ```
 */
export function parseFileName(
  fileName: string,
  path: string = fileName,
): MigrationFileName | undefined {
  if (!fileName.toLowerCase().endsWith(".sql") || /^[_.]/.test(fileName)) return undefined;
  const invalid = (why: string) =>
    new MigrationError("INVALID_FILE_NAME", `Cannot read ${path}: ${why}`, { file: path });
  if (!fileName.endsWith(".sql")) {
    throw invalid(`rename it to end in lowercase ".sql" so it is read as a migration.`);
  }
  if (fileName.startsWith("R__")) {
    throw invalid(
      "Flyway repeatable migrations (R__) are not supported. Give it a version " +
        '(V<version>__<name>.sql), or start its name with "_" to keep it out of the migrations.',
    );
  }
  const flyway = FLYWAY_NAME.exec(fileName);
  if (flyway) {
    return { version: flyway[2], name: flyway[3], kind: flyway[1] === "V" ? "up" : "down" };
  }
  const pair = PAIR_NAME.exec(fileName);
  if (pair) return { version: pair[1], name: pair[2], kind: pair[3] as "up" | "down" };
  const typo = NEAR_DIRECTION.exec(fileName);
  if (typo && nearDirection(typo[3]) !== undefined) {
    const direction = nearDirection(typo[3]);
    throw invalid(
      `"${typo[3]}" is not a direction: rename it to ${typo[1]}_${typo[2]}.${direction}.sql ` +
        "(directions are lowercase .up.sql and .down.sql).",
    );
  }
  const single = SINGLE_NAME.exec(fileName);
  if (single) return { version: single[1], name: single[2], kind: "single" };
  throw invalid(
    `the name is not a migration file name. Name it ${FORMATS}; start the name with "_" to ` +
      "keep a SQL file that is not a migration in the directory.",
  );
}

/**
 * The direction `word` misspells (`dwon`, `Down`, `UP`), if it is one edit or a swap away from
 * `up` or `down`; `undefined` for other words (`001_a.seed.sql` is a single file named a.seed).
 */
function nearDirection(word: string): "up" | "down" | undefined {
  const lower = word.toLowerCase();
  for (const direction of ["down", "up"] as const) {
    if (lower === direction || (lower.length > 2 && editDistance(lower, direction) <= 1)) {
      return direction;
    }
    if (
      lower.length === direction.length &&
      [...lower].sort().join("") === [...direction].sort().join("")
    ) {
      return direction;
    }
  }
  return undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
