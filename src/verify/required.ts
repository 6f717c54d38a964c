/**
 * What a verification applies besides the migrations it verifies: the migrations of other
 * modules they require (`-- tide:requires auth:003`), directly or through each other, each
 * applied once, never verified, at the point `tide up` would apply it.
 *
 * @module
 */
import type { ModuleMigrations } from "../engine/migrator_options.ts";
import { type ModuleStep, orderModules } from "../engine/plan_modules.ts";
import type { Migration, Requirement } from "../files/migration.ts";
import { compareVersions } from "../files/version.ts";

/** One migration of a verification run, in the order it runs. */
export interface VerifyStep {
  /** The migration. */
  migration: Migration;
  /** Its module: the verified one's name, or the other module it comes from. */
  module: string;
  /** Verified (up, down, up again); else applied once, as another module's requirement. */
  verified: boolean;
}

/**
 * `migrations` (of `module`) in order, with the migrations of `others` they require slotted in
 * where each is first needed, as `tide up` of all the modules would order them. A requirement no
 * module given can meet is left to the migration (it fails where the object is missing, and
 * `verify.setup` can provide it), as before modules were read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { verifyOrder } from "./required.ts";
 *
 * const file = (path: string, sql: string) => ({ path, bytes: new TextEncoder().encode(sql) });
 * const app = await parseMigrationFiles([
 *   file("app/001_orders.up.sql", "-- tide:requires auth:001\ncreate table orders ();"),
 * ]);
 * const auth = await parseMigrationFiles([
 *   file("auth/001_users.up.sql", "create table users ();"),
 *   file("auth/002_roles.up.sql", "create table roles ();"),
 * ]);
 * const steps = verifyOrder("app", app, [{ module: "auth", migrations: auth }]);
 * assert.deepEqual(steps.map((s) => [s.module, s.migration.version, s.verified]), [
 *   ["auth", "001", false],
 *   ["app", "001", true],
 * ]);
 * ```
 */
export function verifyOrder(
  module: string,
  migrations: readonly Migration[],
  others: readonly ModuleMigrations[],
): VerifyStep[] {
  const byModule = new Map(
    others.filter((o) => o.module !== module).map((o) => [o.module, o.migrations]),
  );
  const needed = neededPrefixes(migrations, byModule);
  if (needed.size === 0) {
    return migrations.map((migration) => ({ migration, module, verified: true }));
  }
  // Ordered with only the requirements the run can meet, so an unknown one is not refused here.
  const meetable = (r: Requirement) => r.module === module || needed.has(r.module);
  const original = new Map<Migration, Migration>();
  const queue = (name: string, list: readonly Migration[]): ModuleStep[] =>
    list.map((migration) => {
      const ordered = { ...migration, requires: migration.requires?.filter(meetable) };
      original.set(ordered, migration);
      return {
        direction: "up",
        version: migration.version,
        name: migration.name,
        migration: ordered,
        module: name,
      };
    });
  const queues = [
    queue(module, migrations),
    ...[...needed].map(([name, newest]) =>
      queue(name, byModule.get(name)!.filter((m) => compareVersions(m.version, newest) <= 0))
    ),
  ];
  return orderModules(queues, []).map((step) => ({
    migration: original.get(step.migration)!,
    module: step.module,
    verified: step.module === module,
  }));
}

/** The newest version needed of each other module, following their own requirements too. */
function neededPrefixes(
  migrations: readonly Migration[],
  byModule: ReadonlyMap<string, readonly Migration[]>,
): Map<string, string> {
  const needed = new Map<string, string>();
  const pending: Requirement[] = migrations.flatMap((m) => m.requires ?? []);
  while (pending.length > 0) {
    const { module, version } = pending.pop()!;
    const list = byModule.get(module);
    const newest = needed.get(module);
    if (list === undefined || newest !== undefined && compareVersions(version, newest) <= 0) {
      continue;
    }
    needed.set(module, version);
    for (const m of list) {
      const added = compareVersions(m.version, version) <= 0 &&
        (newest === undefined || compareVersions(m.version, newest) > 0);
      if (added) pending.push(...m.requires ?? []);
    }
  }
  return needed;
}
