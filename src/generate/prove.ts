/**
 * The proof of generated SQL: run it where the up left the schema, compare with the schema
 * before the up, run the up again and compare with the schema after it. Verification's own
 * steps, on verification's workspace; a passed round trip is the only way to `proven`.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import { errorMessage } from "../errors.ts";
import { runScript } from "../engine/run_script.ts";
import type { Migration } from "../files/migration.ts";
import { diffIncremental, type IncrementalSnapshot } from "../schema/snapshot_incremental.ts";
import type { Workspace } from "../verify/workspace.ts";
import { migrationLabel } from "../files/version.ts";

/** What a proof found. */
export interface Proof {
  /** True when the down restored the schema before the up and the re-up the one after. */
  ok: boolean;
  /** The step that failed: the down, the re-up, or a comparison. */
  failure?: "down" | "re-up" | "down-differs" | "re-up-differs";
  /** What went wrong, in words. */
  problems: string[];
  /** The state after the up, to go on from (renewed when a no-transaction re-up stays). */
  after: IncrementalSnapshot;
}

/**
 * Proves `migration` with `down` as its down script, from the state after its up. Leaves the
 * workspace in that state: a transactional proof is rolled back, a no-transaction one is
 * checkpointed and restored on failure.
 *
 * @example
 * ```ts ignore
 * const proof = await proveDown(workspace, migration, "DROP TABLE t;", { before, after });
 * ```
 */
export async function proveDown(
  workspace: Workspace,
  migration: Migration,
  down: string,
  states: { before: IncrementalSnapshot; after: IncrementalSnapshot },
  schema?: string,
): Promise<Proof> {
  const generated: Migration = {
    ...migration,
    down: {
      path: `${migrationLabel(migration)} (generated down)`,
      sql: down,
      line: 1,
      column: 1,
    },
  };
  const problems: string[] = [];
  let failure: Proof["failure"];
  let reUp: IncrementalSnapshot | undefined;
  const fail = (step: NonNullable<Proof["failure"]>, problem: string) => {
    failure ??= step;
    problems.push(problem);
  };
  const steps = async (db: Queryable) => {
    try {
      await runScript(db, generated, "down", { schema });
    } catch (error) {
      return fail("down", `the generated down failed: ${errorMessage(error)}`);
    }
    const down = await workspace.snapshot(db, states.after);
    for (const c of diffIncremental(states.before, down)) {
      fail("down-differs", `after the generated down, ${c.description} (expected before up)`);
    }
    try {
      await runScript(db, generated, "up", { schema });
    } catch (error) {
      return fail("re-up", `the up failed after the generated down: ${errorMessage(error)}`);
    }
    reUp = await workspace.snapshot(db, down);
    for (const c of diffIncremental(states.after, reUp)) {
      fail("re-up-differs", `after the re-up, ${c.description}`);
    }
  };
  if (migration.noTransaction) {
    const checkpoint = await workspace.checkpoint();
    await steps(workspace.driver);
    if (problems.length > 0) await workspace.restore(checkpoint);
    const after = problems.length > 0 ? states.after : reUp ?? states.after;
    return { ok: problems.length === 0, failure, problems, after };
  }
  await workspace.driver.transaction(async (tx) => {
    await steps(tx);
    throw ROLLBACK;
  }).catch((error) => {
    if (error !== ROLLBACK) throw error;
  });
  return { ok: problems.length === 0, failure, problems, after: states.after };
}

const ROLLBACK = Symbol("rollback");
