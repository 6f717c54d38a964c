/**
 * Dependencies between modules sharing one tracking table, planned without I/O: a migration that
 * requires another module's migration (`-- tide:requires auth:003`) is applied only once that one
 * is, a run of several modules is put in an order that meets every requirement, and a rollback
 * that would take away what another module's applied migration requires is refused.
 *
 * @module
 */
import { MigrationError } from "../errors.ts";
import type { Migration, Requirement } from "../files/migration.ts";
import { requirementText } from "../files/requires.ts";
import { canonicalVersion, migrationLabel } from "../files/version.ts";
import type { AppliedMigration } from "./ledger.ts";
import { planUp, type PlanUpOptions, type UpStep } from "./plan.ts";

/** A tracking row with its module: what other modules have applied. */
export type ModuleRow = AppliedMigration & {
  /** The module the row belongs to. */
  module: string;
};

/** One module of a run: its migrations and its rows. */
export interface ModuleInput {
  /** The module (`""` for the default one). */
  module: string;
  /** Its migrations on disk, in version order. */
  migrations: readonly Migration[];
  /** Its rows of the tracking table, in version order. */
  applied: readonly AppliedMigration[];
}

/** A step of a run of several modules. */
export type ModuleStep = UpStep & {
  /** The module whose migration it applies. */
  module: string;
};

/** How a module is named to a person: `"auth"`, or `the default module`. */
export function moduleLabel(module: string): string {
  return module === "" ? "the default module" : `module ${module}`;
}

/** The command that applies `module`'s migrations. */
function upCommand(module: string): string {
  return module === "" ? "tide up" : `tide up --module ${module}`;
}

const key = (module: string, version: string) => `${module}\0${canonicalVersion(version)}`;

/**
 * The applied rows of every module as keys, for {@linkcode orderModules}.
 */
function appliedKeys(rows: readonly ModuleRow[]): Set<string> {
  return new Set(rows.filter((r) => r.status === "applied").map((r) => key(r.module, r.version)));
}

/**
 * Orders the steps of several modules so that every requirement is met by a migration applied
 * before it: each module's own steps keep their order, and the first module able to go does.
 * Throws `UNMET_REQUIREMENT` when a step requires a migration that is neither applied nor
 * planned before it, naming what to run first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderModules } from "./plan_modules.ts";
 *
 * const step = (module: string, version: string, requires: string[] = []) => ({
 *   direction: "up" as const, module, version, name: "m",
 *   migration: {
 *     version, name: "m", noTransaction: false, checksum: "c",
 *     up: { path: `${module}/${version}_m.sql`, sql: "", line: 1, column: 1 },
 *     requires: requires.map((r) => ({ module: r.split(":")[0], version: r.split(":")[1] })),
 *   },
 * });
 * const app = [step("app", "001", ["auth:002"])];
 * const auth = [step("auth", "001"), step("auth", "002")];
 * const order = orderModules([app, auth], []);
 * assert.deepEqual(order.map((s) => `${s.module}:${s.version}`), ["auth:001", "auth:002", "app:001"]);
 * ```
 */
export function orderModules(
  queues: readonly (readonly ModuleStep[])[],
  applied: readonly ModuleRow[],
): ModuleStep[] {
  const done = appliedKeys(applied);
  const pending = queues.map((queue) => [...queue]);
  const planned = new Set(pending.flat().map((s) => key(s.module, s.version)));
  const order: ModuleStep[] = [];
  while (pending.some((queue) => queue.length > 0)) {
    const ready = pending.find((queue) => queue.length > 0 && unmet(queue[0], done).length === 0);
    if (ready === undefined) {
      const blocked = pending.filter((q) => q.length > 0).map((q) => q[0]);
      throw unmetError(blocked[0], unmet(blocked[0], done), planned);
    }
    const step = ready.shift()!;
    done.add(key(step.module, step.version));
    order.push(step);
  }
  return order;
}

function unmet(step: ModuleStep, done: ReadonlySet<string>): Requirement[] {
  return (step.migration.requires ?? []).filter((r) => !done.has(key(r.module, r.version)));
}

function unmetError(
  step: ModuleStep,
  missing: readonly Requirement[],
  planned: ReadonlySet<string>,
): MigrationError {
  const names = missing.map(requirementText).join(", ");
  const inRun = missing.filter((r) => planned.has(key(r.module, r.version)));
  const first = missing.find((r) => !planned.has(key(r.module, r.version))) ?? missing[0];
  const what = missing.length === 1 ? "which is" : "which are";
  const why = inRun.length === missing.length
    ? `${what} only planned after it: the requirements form a cycle. Break it by moving a ` +
      "table into the module that needs it first."
    : `${what} not applied. Apply ${moduleLabel(first.module)} first: \`${
      upCommand(first.module)
    }\` (or apply both in one run with "modules" in the config file and \`tide up\`).`;
  return new MigrationError(
    "UNMET_REQUIREMENT",
    `Cannot apply ${step.migration.up.path}: it requires ${names}, ${why}`,
    { version: step.version, file: step.migration.up.path },
  );
}

/**
 * The steps `up` would run for several modules at once, in an order meeting every requirement
 * (see {@linkcode orderModules}); `elsewhere` holds the rows of modules outside the run. Each
 * module is planned as `planUp` plans it, with the same options, except `to`, which only the
 * first module takes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { planModulesUp } from "./plan_modules.ts";
 *
 * const file = (path: string, text: string) => ({ path, bytes: new TextEncoder().encode(text) });
 * const app = await parseMigrationFiles([
 *   file("app/001_orders.up.sql", "-- tide:requires auth:001\ncreate table orders ();"),
 * ]);
 * const auth = await parseMigrationFiles([file("auth/001_users.up.sql", "create table users ();")]);
 * const steps = planModulesUp([
 *   { module: "", migrations: app, applied: [] },
 *   { module: "auth", migrations: auth, applied: [] },
 * ], []);
 * assert.deepEqual(steps.map((s) => `${s.module}:${s.version}`), ["auth:001", ":001"]);
 * ```
 */
export function planModulesUp(
  modules: readonly ModuleInput[],
  elsewhere: readonly ModuleRow[],
  options: PlanUpOptions = {},
): ModuleStep[] {
  // `to` is the first module's: the others apply all they have. `count` counts the whole run,
  // so it is taken from the ordered steps, not from each module's.
  const { count, ...rest } = options;
  const partial = count === undefined ? undefined : Number.MAX_SAFE_INTEGER; // no repeatables
  const queues = modules.map((m, i) =>
    planUp(m, { ...rest, to: i === 0 ? rest.to : undefined, count: partial })
      .map((step) => ({ ...step, module: m.module }))
  );
  const applied = [
    ...elsewhere,
    ...modules.flatMap((m) => m.applied.map((row) => ({ ...row, module: m.module }))),
  ];
  return orderModules(queues, applied).slice(0, count);
}

/**
 * Refuses, with `STILL_REQUIRED`, to roll back any of `versions` of `module` while an applied
 * migration of another module (`requiring`, rows with their recorded requirements) requires it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseRequired } from "./plan_modules.ts";
 *
 * const row = {
 *   module: "billing", version: "002", name: "invoices", checksum: "c",
 *   checksumAlgorithm: "sha256-lf", status: "applied" as const, appliedAt: new Date(0),
 *   executionTimeMs: 1, appliedBy: "ci", downSql: null, downNoTransaction: false, error: null,
 *   requires: ["auth:003"],
 * };
 * assert.throws(() => refuseRequired("auth", ["003"], [row]), /billing's applied 002_invoices/);
 * refuseRequired("auth", ["004"], [row]); // nothing requires auth:004
 * ```
 */
export function refuseRequired(
  module: string,
  versions: readonly string[],
  requiring: readonly ModuleRow[],
): void {
  const leaving = new Set(versions.map((v) => key(module, v)));
  for (const row of requiring) {
    if (row.module === module) continue;
    for (const text of row.requires ?? []) {
      const at = text.lastIndexOf(":");
      const needed = { module: text.slice(0, at), version: text.slice(at + 1) };
      if (!leaving.has(key(needed.module, needed.version))) continue;
      const owner = row.module === "" ? "the default module" : row.module;
      throw new MigrationError(
        "STILL_REQUIRED",
        `Cannot roll back ${text}: ${owner}'s applied ${migrationLabel(row)} requires ` +
          `it. Roll that one back first (\`tide down${
            row.module === "" ? "" : ` --module ${row.module}`
          }\` until ${migrationLabel(row)} is rolled back), then run this again.`,
        { version: needed.version },
      );
    }
  }
}
