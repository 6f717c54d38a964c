/**
 * Generated downs for a migration set: each migration's up is applied after the previous
 * ones, its down is generated from the schemas before and after, and proven by a round trip on
 * verification's workspace, with its incremental snapshots.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import { errorMessage } from "../errors.ts";
import { runScript } from "../engine/run_script.ts";
import type { Migration } from "../files/migration.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import type { SnapshotObject } from "../schema/objects.ts";
import { diffIncremental, type IncrementalSnapshot } from "../schema/snapshot_incremental.ts";
import { rootsBetween } from "../schema/snapshot_merge.ts";
import { openWorkspace, type Workspace } from "../verify/workspace.ts";
import { verifyOrder, type VerifyStep } from "../verify/required.ts";
import { runSetup, type VerifySetup } from "../verify/setup.ts";
import type { ModuleMigrations } from "../engine/migrator_options.ts";
import { type GeneratedSql, generateSql, type Note } from "./generate.ts";
import { dropRoles, rolesCreatedBy } from "./roles.ts";
import { proveDown } from "./prove.ts";

/** What became of one migration's generated down. */
export type DownStatus = "proven" | "irreversible" | "failed";

/** One migration's generated down. */
export interface GeneratedDown {
  /** Version exactly as written in the file name. */
  version: string;
  /** Name part of the file name. */
  name: string;
  /** The up's file. */
  file: string;
  /** `proven` only when the round trip with the generated down passed. */
  status: DownStatus;
  /** Why it is not proven, or what a proven down cannot give back (the data of a drop). */
  reason?: string;
  /** The generated SQL (also when not proven); empty when the up changes no schema object. */
  sql: string;
  /** What the generator said about it. */
  notes: Note[];
  /** False when the up changes no schema object: there is nothing to write. */
  changesSchema: boolean;
}

/** Options of {@linkcode generateDowns}. */
export interface GenerateDownsOptions {
  /** Migrations in version order. */
  migrations: readonly Migration[];
  /** Versions to generate a down for (the others are only applied); all when unset. */
  versions?: readonly string[];
  /** Schema for `{{schema}}` templates. */
  schema?: string;
  /** A PostgreSQL server to work on (a throwaway database) instead of PGlite. */
  databaseUrl?: string;
  /** Write names as templates; by default when the migrations use templates. */
  templates?: boolean;
  /** SQL run once before the first migration, as `verify` runs it (`verify.setup`). */
  setup?: VerifySetup;
  /** The module of `migrations`, as requirements name it. Default `""`. */
  module?: string;
  /** Other modules: what the migrations require of them is applied first, as `verify` does. */
  modules?: readonly ModuleMigrations[];
  /** Called with each result as soon as it is known. */
  onResult?: (result: GeneratedDown) => void;
}

/** Whether migrations use `{{schema}}` or `{{tables.x}}`. */
export function usesTemplates(migrations: readonly Migration[]): boolean {
  return migrations.some((m) => /\{\{\s*(schema|tables\.)/.test(m.up.sql + (m.down?.sql ?? "")));
}

/**
 * Generates and proves the down of each migration in `versions` (all by default).
 *
 * @example
 * ```ts ignore
 * const results = await generateDowns({ migrations: await loadMigrations("migrations") });
 * for (const r of results) console.log(r.version, r.status, r.reason ?? "");
 * ```
 */
export async function generateDowns(options: GenerateDownsOptions): Promise<GeneratedDown[]> {
  const steps = verifyOrder(options.module ?? "", options.migrations, options.modules ?? []);
  await using workspace = await openWorkspace(
    steps.map((step) => step.migration),
    options.databaseUrl,
    options.setup?.sql,
  );
  if (options.setup !== undefined) await runSetup(workspace.driver, options.setup, options.schema);
  if (options.schema !== undefined) {
    await workspace.driver.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
  }
  const wanted = options.versions && new Set(options.versions);
  const generated = (step: VerifyStep) =>
    step.verified && (!wanted || wanted.has(step.migration.version));
  const last = steps.findLastIndex(generated);
  const templates = (options.templates ?? usesTemplates(options.migrations))
    ? { schema: options.schema ?? "public" }
    : undefined;
  const results: GeneratedDown[] = [];
  let current = await workspace.snapshot(workspace.driver);
  for (const step of steps.slice(0, last + 1)) {
    const { migration } = step;
    if (!generated(step)) {
      // Only applied, as in a full run: one whose up fails is left out there too.
      const checkpoint = migration.noTransaction ? await workspace.checkpoint() : undefined;
      try {
        await applyOnce(workspace.driver, migration, options.schema);
      } catch {
        if (checkpoint) await workspace.restore(checkpoint);
      }
      current = await workspace.snapshot(workspace.driver, current);
      continue;
    }
    const { result, after } = await one(workspace, migration, current, { ...options, templates });
    current = after;
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

async function applyOnce(db: Driver, migration: Migration, schema?: string): Promise<void> {
  const up = (q: Queryable) => runScript(q, migration, "up", { schema });
  await (migration.noTransaction ? up(db) : db.transaction(up));
}

type Options = Omit<GenerateDownsOptions, "templates"> & { templates?: { schema: string } };

/** A result of `migration`, with what became of its down. */
function resultOf(
  migration: Migration,
  status: DownStatus,
  sql: string,
  notes: Note[],
  reason?: string,
): GeneratedDown {
  return {
    version: migration.version,
    name: migration.name,
    file: migration.up.path,
    status,
    ...(reason === undefined ? {} : { reason }),
    sql,
    notes,
    changesSchema: true,
  };
}

async function one(
  workspace: Workspace,
  migration: Migration,
  before: IncrementalSnapshot,
  options: Options,
): Promise<{ result: GeneratedDown; after: IncrementalSnapshot }> {
  const checkpoint = migration.noTransaction ? await workspace.checkpoint() : undefined;
  try {
    await applyOnce(workspace.driver, migration, options.schema);
  } catch (error) {
    if (checkpoint) await workspace.restore(checkpoint);
    const failed = resultOf(migration, "failed", "", [], `the up failed: ${errorMessage(error)}`);
    return { result: { ...failed, changesSchema: false }, after: before };
  }
  const after = await workspace.snapshot(workspace.driver, before);
  if (diffIncremental(before, after).length === 0) {
    const reason = "the up changes no schema object, so there is nothing to undo in the " +
      "schema (data it changed is not restored)";
    const result = resultOf(migration, "proven", "", [], reason);
    return { result: { ...result, changesSchema: false }, after };
  }
  try {
    return await judge(workspace, migration, { before, after }, options);
  } catch (error) {
    // One migration the generator trips on must not cost the others their verdicts.
    const reason = `generating or proving the down failed: ${errorMessage(error)}`;
    return { result: resultOf(migration, "failed", "", [], reason), after };
  }
}

/** Generates the down from the two states and proves it. */
async function judge(
  workspace: Workspace,
  migration: Migration,
  states: { before: IncrementalSnapshot; after: IncrementalSnapshot },
  options: Options,
): Promise<{ result: GeneratedDown; after: IncrementalSnapshot }> {
  const { before, after } = states;
  const [from, to] = scoped(after, before);
  const tables = [...after.placed, ...before.placed].filter((p) => p.object.kind === "table")
    .map((p) => p.object.name);
  const templates = options.templates && { ...options.templates, tables };
  const generated = withRoles(generateSql(from, to, { templates }), migration);
  const said = (kind: "irreversible" | "lossy") =>
    generated.notes.filter((n) => (n.kind === "irreversible") === (kind === "irreversible"))
      .map((n) => n.message);
  const verdict = (status: DownStatus, reason?: string) =>
    resultOf(migration, status, generated.sql, generated.notes, reason);
  if (generated.blocked) {
    return { result: verdict("irreversible", said("irreversible").join("; ")), after };
  }
  const proof = await proveDown(workspace, migration, generated.sql, states, options.schema);
  const lossy = said("lossy");
  if (proof.ok) {
    const reason = lossy.length > 0 ? `proven for the schema; ${lossy.join("; ")}` : undefined;
    return { result: verdict("proven", reason), after: proof.after };
  }
  const problems = proof.problems.slice(0, 5).join("; ");
  // A down that fails where the generator said it could (rows holding NULL, a value that does
  // not cast back, a removed enum value) cannot run on this data: irreversible, for that reason.
  const warned = generated.notes.filter((n) => n.fails).map((n) => n.message);
  if (proof.failure === "down" && warned.length > 0) {
    const reason = `${warned.join("; ")} (${problems})`;
    return { result: verdict("irreversible", reason), after: proof.after };
  }
  return { result: verdict("failed", problems), after: proof.after };
}

/** The roles the up creates are dropped last (see `roles.ts`). */
function withRoles(generated: GeneratedSql, migration: Migration): GeneratedSql {
  const roles = rolesCreatedBy(migration.up.sql);
  if (roles.length === 0) return generated;
  const sql = [generated.sql.trimEnd(), dropRoles(roles)].filter((s) => s !== "").join("\n\n");
  return { ...generated, sql };
}

const VIEW_KINDS = new Set(["view", "materialized view"]);

/**
 * The objects of both states a generator needs: those under the roots re-read between them
 * (what changed, and what depends on it), or all when the two are not related.
 */
function scoped(
  a: IncrementalSnapshot,
  b: IncrementalSnapshot,
): [SnapshotObject[], SnapshotObject[]] {
  const roots = rootsBetween(b.lineage, a.lineage) ?? rootsBetween(a.lineage, b.lineage);
  if (roots === undefined) return [a.placed.map((p) => p.object), b.placed.map((p) => p.object)];
  // Views of views are not always re-read with what they read, nor a partition with its
  // parent: the generator finds them.
  for (const s of [a, b]) {
    for (const p of s.placed) if (VIEW_KINDS.has(p.object.kind)) roots.add(p.root);
    const rootOf = new Map(
      s.placed.filter((p) => p.object.kind === "table")
        .map((p) => [p.object.name, p.root]),
    );
    for (const p of s.placed) {
      if (p.object.kind !== "table" || !roots.has(p.root)) continue;
      const parents = p.object.attributes["partition of"] ?? p.object.attributes.inherits;
      for (const parent of parents?.split(", ") ?? []) {
        const root = rootOf.get(parent);
        if (root) roots.add(root);
      }
    }
  }
  const pick = (s: IncrementalSnapshot) =>
    s.placed.filter((p) => roots.has(p.root)).map((p) => p.object);
  return [pick(a), pick(b)];
}
