/**
 * What adopting records, computed without I/O from what another tool counts as applied, the
 * migrations on disk and tide's own ledger. Every refusal (a migration without a file, a ledger
 * that disagrees) is raised here, before anything is written.
 *
 * @module
 */
import { basename, dirname } from "node:path";
import { MigrationError } from "../../errors.ts";
import type { Migration } from "../../files/migration.ts";
import {
  canonicalVersion,
  compareVersions,
  isValidVersion,
  migrationLabel,
} from "../../files/version.ts";
import type { AppliedMigration } from "../ledger.ts";
import type { AdoptTool, AppliedRef } from "./source.ts";

/** A migration adopting records as applied. */
export interface AdoptedMigration {
  /** Its version: the file's as written, or the tool's when there is no file. */
  version: string;
  /** Its name: the file's, or the tool's when there is no file (`""` when it has none). */
  name: string;
  /** Its migration; absent when it has no file (adopted with `allowMissing`). */
  migration?: Migration;
  /** When the other tool applied it, when its table says; else it is recorded as now. */
  appliedAt?: Date;
  /** The checksum the other tool recorded for its file, when it keeps one. */
  toolChecksum?: string;
}

/** A migration named by version and name. */
export interface VersionAndName {
  /** Version. */
  version: string;
  /** Name. */
  name: string;
}

/** Inputs of {@linkcode planAdoption}. */
export interface AdoptionInput {
  /** The other tool. */
  tool: AdoptTool;
  /** What it counts as applied. */
  refs: readonly AppliedRef[];
  /** Migrations on disk, in order. */
  migrations: readonly Migration[];
  /** Rows of tide's tracking table. */
  ledger: readonly AppliedMigration[];
  /** Record applied migrations that have no file instead of refusing. */
  allowMissing?: boolean;
}

/** What adopting would do. */
export interface AdoptionPlan {
  /** To record, in the files' order (those without a file last, by version). */
  adopt: AdoptedMigration[];
  /** Applied by the tool and already in tide's ledger: left as they are. */
  alreadyRecorded: VersionAndName[];
  /** In tide's ledger but not applied according to the tool: left as they are. */
  onlyInTide: VersionAndName[];
  /** Applied by the tool, without a file and without a version to record them by (skipped). */
  skipped: string[];
}

/**
 * The migrations to record as applied in tide's ledger. Throws `MISSING_FILE` when the tool
 * applied migrations that have no file (unless `allowMissing`), and `ADOPT_CONFLICT` when tide's
 * ledger already holds such a migration as failed or under another spelling of its version.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planAdoption } from "./plan.ts";
 *
 * const up = { path: "db/001_a.up.sql", sql: "CREATE TABLE a ();", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "c" };
 * const plan = planAdoption({
 *   tool: "dbmate",
 *   refs: [{ by: "version", version: "1", label: "1" }],
 *   migrations: [migration],
 *   ledger: [],
 * });
 * assert.deepEqual(plan.adopt.map((m) => m.version), ["001"]);
 * ```
 */
export function planAdoption(input: AdoptionInput): AdoptionPlan {
  const found = new Map<Migration, AppliedRef>();
  const missing: AppliedRef[] = [];
  for (const ref of input.refs) {
    const matched = input.migrations.filter((m) => matches(ref, m));
    if (lacksFile(ref, matched)) missing.push(ref);
    for (const migration of matched) if (!found.has(migration)) found.set(migration, ref);
  }
  if (missing.length > 0 && !input.allowMissing) throw missingFiles(input.tool, missing);
  const candidates: AdoptedMigration[] = [
    ...input.migrations.filter((m) => found.has(m)).map((migration) => ({
      version: migration.version,
      name: migration.name,
      migration,
      ...recorded(found.get(migration)!),
    })),
    ...withoutFiles(missing),
  ];
  return sortAgainstLedger(input, candidates, missing);
}

/** Whether `ref` names `migration`. */
function matches(ref: AppliedRef, migration: Migration): boolean {
  if (ref.by === "name") return nameKeys(migration).includes(nameKey(ref.name));
  if (!isValidVersion(migration.version) || !isValidVersion(ref.version)) return false;
  if (ref.by === "through") return compareVersions(migration.version, ref.version) <= 0;
  return sameVersion(migration.version, ref.version) ||
    (ref.legacyPrefix === true && migration.version.length > ref.version.length &&
      migration.version.startsWith(ref.version));
}

function lacksFile(ref: AppliedRef, matched: readonly Migration[]): boolean {
  if (ref.by !== "through") return matched.length === 0;
  return ref.fileRequired && !matched.some((m) => sameVersion(m.version, ref.version));
}

/**
 * The names a migration answers to: its name, `<version>_<name>`, its file's name without
 * `.up.sql` or `.sql`, and the folder of a one-folder-per-migration layout (Prisma's
 * `<name>/migration.sql`, Diesel's `<name>/up.sql`).
 */
function nameKeys(migration: Migration): string[] {
  const file = basename(migration.up.path);
  const keys = [migration.name, migrationLabel(migration)];
  keys.push(file.replace(/(\.up)?\.sql$/i, ""));
  if (/^(migration|up)\.sql$/i.test(file)) keys.push(basename(dirname(migration.up.path)));
  return keys.map(nameKey);
}

/** Flyway turns `_` into spaces in descriptions: compare names with both alike. */
function nameKey(name: string): string {
  return name.replaceAll("_", " ");
}

function sameVersion(a: string, b: string): boolean {
  return isValidVersion(a) && isValidVersion(b) && canonicalVersion(a) === canonicalVersion(b);
}

function recorded(ref: AppliedRef): { appliedAt?: Date; toolChecksum?: string } {
  return {
    ...(ref.appliedAt ? { appliedAt: ref.appliedAt } : {}),
    ...(ref.checksum ? { toolChecksum: ref.checksum } : {}),
  };
}

/** Missing migrations recordable by version, as the tool names them, ordered by version. */
function withoutFiles(missing: readonly AppliedRef[]): AdoptedMigration[] {
  return missing.flatMap((ref) =>
    ref.by === "name" ? [] : [{
      version: ref.version,
      name: ref.by === "version" ? ref.name ?? "" : "",
      ...recorded(ref),
    }]
  ).sort((a, b) => compareVersions(a.version, b.version));
}

function missingFiles(tool: AdoptTool, missing: readonly AppliedRef[]): MigrationError {
  const labels = missing.map((ref) => ref.label);
  return new MigrationError(
    "MISSING_FILE",
    `Cannot adopt from ${tool}: it applied migrations that have no file here: ` +
      `${labels.join(", ")}. Point --dir at the directory ${tool} runs, restore the files, ` +
      `or pass --allow-missing to record them without one (tide then lists them as "missing ` +
      'file"). Nothing was recorded.',
    { version: missing[0].by === "name" ? undefined : missing[0].version },
  );
}

/** Splits the candidates into new, already recorded and conflicting rows. */
function sortAgainstLedger(
  input: AdoptionInput,
  candidates: readonly AdoptedMigration[],
  missing: readonly AppliedRef[],
): AdoptionPlan {
  const exact = new Map(input.ledger.map((row) => [row.version, row]));
  const conflicts: string[] = [];
  const plan: AdoptionPlan = { adopt: [], alreadyRecorded: [], onlyInTide: [], skipped: [] };
  for (const candidate of candidates) {
    const row = exact.get(candidate.version);
    const spelled = input.ledger.find((r) =>
      r.version !== candidate.version && sameVersion(r.version, candidate.version)
    );
    if (row?.status === "failed") conflicts.push(failedConflict(row));
    else if (row) plan.alreadyRecorded.push({ version: row.version, name: row.name });
    else if (spelled) conflicts.push(spellingConflict(spelled, candidate));
    else plan.adopt.push(candidate);
  }
  if (conflicts.length > 0) {
    throw new MigrationError(
      "ADOPT_CONFLICT",
      `Cannot adopt from ${input.tool}: tide's ledger disagrees with it. ${conflicts.join(" ")} ` +
        "Nothing was recorded.",
      { version: candidates.find((c) => exact.get(c.version)?.status === "failed")?.version },
    );
  }
  const adopted = new Set(candidates.map((c) => c.version));
  plan.onlyInTide = input.ledger.filter((row) => !adopted.has(row.version))
    .map((row) => ({ version: row.version, name: row.name }));
  plan.skipped = missing.filter((ref) => ref.by === "name").map((ref) => ref.label);
  return plan;
}

function failedConflict(row: AppliedMigration): string {
  return `${migrationLabel(row)} is recorded there as failed: resolve it first with ` +
    `\`tide repair --yes --mark-applied ${row.version}\` (all of it is in place) or ` +
    `\`--mark-rolled-back ${row.version}\` (none of it is).`;
}

function spellingConflict(row: AppliedMigration, candidate: AdoptedMigration): string {
  const file = candidate.migration?.up.path ?? migrationLabel(candidate);
  return `${file} is recorded there as version ${row.version} (${row.name}): rename the file ` +
    `to version ${row.version}, as tide recorded it.`;
}
