/**
 * Creating a new migration: the next version, in the naming format the directory already uses.
 *
 * @module
 */
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import { parseFileName } from "./parse.ts";
import { compareVersions } from "./version.ts";

/** How a directory names its migrations. */
export type MigrationFormat = "pair" | "single" | "flyway";

/** What {@linkcode createMigration} wrote. */
export interface CreatedMigration {
  /** The new version. */
  version: string;
  /** The sanitized name. */
  name: string;
  /** Paths written, up first. */
  files: string[];
}

/**
 * A name as it may appear in a file name: lowercase `[a-z0-9_]`, runs of anything else turned
 * into one `_`. Empty when nothing is left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sanitizeName } from "./scaffold.ts";
 *
 * assert.equal(sanitizeName("Add Users' e-mail!"), "add_users_e_mail");
 * ```
 */
export function sanitizeName(name: string): string {
  return name.normalize("NFKD").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * The version after `versions`: a UTC timestamp `YYYYMMDDHHMMSS` when every existing version is
 * one (always later than the newest), else the next integer, zero-padded to the width in use
 * (3 digits, `001`, in an empty directory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextVersion } from "./scaffold.ts";
 *
 * assert.equal(nextVersion(["001", "002"]), "003");
 * const now = new Date("2026-02-03T04:05:06Z");
 * assert.equal(nextVersion(["20260101120000"], now), "20260203040506");
 * ```
 */
export function nextVersion(versions: readonly string[], now: Date = new Date()): string {
  if (versions.length === 0) return "001";
  const newest = [...versions].sort(compareVersions).at(-1)!;
  if (versions.every((v) => /^\d{14}$/.test(v))) {
    const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
    return BigInt(stamp) > BigInt(newest) ? stamp : (BigInt(newest) + 1n).toString();
  }
  const major = newest.split(/[._]/)[0];
  const next = (BigInt(major) + 1n).toString();
  const width = versions.every((v) => /^\d+$/.test(v)) ? newest.length : major.length;
  return next.padStart(width, "0");
}

/** Versions and the format in use in `dir`; no files gives the default, up/down pairs. */
async function survey(dir: string): Promise<{ versions: string[]; format: MigrationFormat }> {
  const versions = new Set<string>();
  const counts: Record<MigrationFormat, number> = { pair: 0, single: 0, flyway: 0 };
  try {
    for await (const entry of Deno.readDir(dir)) {
      const parsed = safeParse(entry.name);
      if (!parsed || parsed.kind === "down") continue;
      versions.add(parsed.version);
      const format = /^V/.test(entry.name)
        ? "flyway"
        : parsed.kind === "single"
        ? "single"
        : "pair";
      counts[format]++;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const format = (Object.keys(counts) as MigrationFormat[])
    .reduce((best, f) => (counts[f] > counts[best] ? f : best), "pair");
  return { versions: [...versions], format };
}

function safeParse(fileName: string) {
  try {
    return parseFileName(fileName);
  } catch {
    // Not a migration name: `validate` reports it; here it just does not count.
    return undefined;
  }
}

/**
 * Writes a new migration in `dir` (created when missing) with the next version, in the format
 * most existing migrations use: `.up.sql` + `.down.sql`, one file with `-- migrate:up` and
 * `-- migrate:down`, or Flyway's `V`/`U` files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { createMigration } from "./scaffold.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(join(dir, "009_init.up.sql"), "CREATE TABLE t ();\n");
 * const { version, files } = await createMigration(dir, "add users");
 * assert.equal(version, "010");
 * assert.deepEqual(files, [
 *   join(dir, "010_add_users.up.sql"),
 *   join(dir, "010_add_users.down.sql"),
 * ]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function createMigration(
  dir: string,
  rawName: string,
  now: Date = new Date(),
): Promise<CreatedMigration> {
  const name = sanitizeName(rawName);
  if (name === "") {
    throw new MigrationError(
      "INVALID_FILE_NAME",
      `Cannot create a migration named "${rawName}": nothing is left of it after keeping only ` +
        "letters, digits and underscores. Use a name such as add_users.",
    );
  }
  const { versions, format } = await survey(dir);
  const version = nextVersion(versions, now);
  const label = `${version}_${name}`;
  const contents: [string, string][] = format === "single" ? [[`${label}.sql`, SINGLE_TEMPLATE]] : [
    [format === "flyway" ? `V${version}__${name}.sql` : `${label}.up.sql`, UP_TEMPLATE],
    [format === "flyway" ? `U${version}__${name}.sql` : `${label}.down.sql`, DOWN_TEMPLATE],
  ];
  await Deno.mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [file, text] of contents) {
    const path = join(dir, file);
    // createNew: never overwrite a file someone else just wrote.
    await Deno.writeTextFile(path, text, { createNew: true });
    files.push(path);
  }
  return { version, name, files };
}

const UP_TEMPLATE =
  "-- Write the change here. It runs in a transaction unless the first line is\n" +
  "-- `-- tide:no-transaction`.\n\n";
const DOWN_TEMPLATE = "-- Undo exactly what the up did, so `tide down` restores the schema.\n\n";
const SINGLE_TEMPLATE = "-- migrate:up\n" + UP_TEMPLATE + "-- migrate:down\n" + DOWN_TEMPLATE;
