/**
 * The check before `down --only V` rolls back one older migration: on an in-memory PGlite, the
 * applied migrations are replayed (ups in version order), schema snapshots taken around V's up
 * and after the last one, then V's down is run there and the schema snapshotted again. The
 * rollback is safe when V's down runs and changes only objects V's up made or changed and no
 * later migration changed. It proves nothing about data, nor about objects no migration made.
 *
 * @module
 */
import type { Driver } from "../drivers/driver.ts";
import { errorMessage, MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { compareVersions } from "../files/version.ts";
import type { SchemaChange } from "../schema/diff.ts";
import type { SchemaSnapshot } from "../schema/objects.ts";
import { ledgerTables } from "./ledger_location.ts";
import type { DownOptions, RunResult, UpOptions } from "./migrator_options.ts";

/** What the check runs migrations with, on the copy: a migrator of its own. */
export interface CopyMigrator {
  up(options?: UpOptions): Promise<RunResult>;
  down(options?: DownOptions): Promise<RunResult>;
}

/** What {@linkcode checkRollback} needs. */
export interface RollbackCheck {
  /** The version rolled back, as applied. */
  version: string;
  /** The applied migrations' files, in version order (V among them). */
  applied: readonly Migration[];
  /** Versions applied whose file is gone: the copy cannot be built without them. */
  missing: readonly string[];
  /** Schema of the tracking tables, left out of the snapshots. */
  schema: string;
  /** The tracking table. */
  table: string;
  /** A migrator of `migrations` on the copy, with the run's settings. */
  migrator(driver: Driver, migrations: readonly Migration[]): CopyMigrator;
}

/**
 * Throws `UNSAFE_ROLLBACK` naming what would break when rolling back `check.version` alone
 * would fail or change what later migrations made or changed (see the module doc).
 *
 * @example
 * ```ts ignore
 * await checkRollback({ version: "002", applied, missing: [], schema, table, migrator });
 * ```
 */
export async function checkRollback(check: RollbackCheck): Promise<void> {
  const index = check.applied.findIndex((m) => compareVersions(m.version, check.version) === 0);
  const later = check.applied.slice(index + 1).filter((m) => !m.repeatable);
  if (later.length === 0) return; // the newest: nothing after it to break
  if (check.missing.length > 0) {
    throw unsafe(check.version, [
      `the applied migration(s) ${check.missing.join(", ")} have no file, so the current state ` +
      "cannot be rebuilt to check it on",
    ]);
  }
  const problems = await onCopy(check, index);
  if (problems.length > 0) throw unsafe(check.version, problems);
}

/** Replays on a PGlite copy, runs V's down there, and says what would break. */
async function onCopy(check: RollbackCheck, index: number): Promise<string[]> {
  const [{ bootPglite }, { extensionsIn }] = await Promise.all([
    import("../drivers/pglite_cache.ts"),
    import("../drivers/pglite_extensions.ts"),
  ]);
  const sql = check.applied.map((m) => `${m.up.sql}\n${m.down?.sql ?? ""}`).join("\n");
  await using copy = await bootPglite({ extensions: extensionsIn(sql) });
  const migrator = check.migrator(copy, check.applied);
  const snapshot = () => snapshotOf(copy, check);
  if (index > 0) await migrator.up({ count: index });
  const beforeV = await snapshot();
  await migrator.up({ count: 1 });
  const afterV = await snapshot();
  await migrator.up();
  const now = await snapshot();
  try {
    await migrator.down({ only: check.version, force: true });
  } catch (error) {
    return [`its down fails once the later migrations are applied: ${errorMessage(error)}`];
  }
  return await judge([beforeV, afterV, now, await snapshot()]);
}

/**
 * What V's down (`now` -> `rolledBack`) changes that is not V's (an object V's up did not make
 * or change, nor part of one) or touches what later migrations made or changed.
 */
async function judge(snapshots: SchemaSnapshot[]): Promise<string[]> {
  const { diffSnapshots } = await import("../schema/diff.ts");
  const [beforeV, afterV, now, rolledBack] = snapshots;
  const parents = new Map(
    snapshots.flatMap((s) => s.objects).map((o) => [`${o.kind}\0${o.name}`, o.parent]),
  );
  const named = (changes: SchemaChange[]): Named[] =>
    changes.map((c) => ({ name: c.name, parent: parents.get(`${c.kind}\0${c.name}`) }));
  const own = named(diffSnapshots(beforeV, afterV));
  const laterChanges = diffSnapshots(afterV, now);
  const later = named(laterChanges);
  const broken = diffSnapshots(now, rolledBack).flatMap((change) => {
    const [object] = named([change]);
    const hit = laterChanges.filter((_, i) => partOf(later[i], object) || partOf(object, later[i]));
    if (hit.length === 0 && own.some((mine) => partOf(object, mine))) return [];
    const why = hit.length === 0
      ? "not made or changed by its up"
      : `which later migrations changed: ${hit.map((c) => c.description).join(", ")}`;
    return [`${change.description} (${why})`];
  });
  if (broken.length === 0) return [];
  return [`its down changes what it must leave alone: ${broken.join("; ")}`];
}

/** An object of a change, with the table it belongs to. */
interface Named {
  name: string;
  parent?: string;
}

/** `a` is `b`, or part of it (`public.t.c` or an index of `public.t`, for `public.t`). */
function partOf(a: Named, b: Named): boolean {
  return a.name === b.name || a.name.startsWith(`${b.name}.`) || a.parent === b.name;
}

async function snapshotOf(db: Driver, check: RollbackCheck): Promise<SchemaSnapshot> {
  const { takeSnapshot } = await import("../schema/snapshot.ts");
  const { schema, table, logTable } = ledgerTables(check);
  return await takeSnapshot(db, { exclude: [{ schema, table }, { schema, table: logTable }] });
}

function unsafe(version: string, problems: string[]): MigrationError {
  return new MigrationError(
    "UNSAFE_ROLLBACK",
    `Refusing to roll back ${version} alone: on a PGlite copy of the applied migrations, ` +
      `${
        problems.join("; ").replace(/\.$/, "")
      }. Roll back the later migrations first (\`tide down --to\`), ` +
      `or, once you have checked, run it again with --force.`,
    { version },
  );
}
