/**
 * One attempt at measuring an up, statement by statement: the hook `runScript` calls around each
 * statement, and what it read after each (see {@linkcode StatementMeasurement}).
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";
import type { ScriptStatement, StatementHook } from "../engine/run_script.ts";
import { sqlStateOf } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { TRACKER_SCHEMA } from "../verify/change_tracker.ts";
import { blocksQueries, isLockMode, LOCK_MODES, type LockMode, stronger } from "./lock_modes.ts";
import type { StatementMeasurement } from "./measurement.ts";
import { parseLockTimeout, quotedName, readFacts, type Relations } from "./measure_sql.ts";
import { type ProbeAnswers, probesFor } from "./probes.ts";
import { nodeOf } from "./sql_parser.ts";
import type { LintStatement } from "./statements.ts";

/** Statements that may add constraints or indexes to existing tables (or do anything at all). */
const MAY_ADD = ["AlterTableStmt", "IndexStmt", "DoStmt", "CallStmt"];

/** SQLSTATEs of a statement that cannot run in a transaction block. */
const REFUSES_TRANSACTION = ["25001", "2D000"];

function mayAddConstraints(node: LintStatement["node"]): boolean {
  return node === undefined || MAY_ADD.some((kind) => kind in node);
}

/** Records one attempt at an up, statement by statement. */
export class Recorder {
  readonly measured = new Map<number, StatementMeasurement>();
  /** The relations after the up, read with its last statement's facts. */
  next?: Relations;
  /** Index of the statement running (or that failed). */
  current = 0;
  #held = new Map<number, LockMode>();
  #filenodes: Map<number, number>;
  #lockTimeoutMs: number;
  #sessionTimeout = false;

  constructor(
    private readonly relations: Relations,
    private readonly migration: Migration,
    private readonly statements: readonly LintStatement[],
    private readonly tideLockTimeoutMs: number,
  ) {
    this.#filenodes = new Map([...relations.byOid].map(([oid, r]) => [oid, r.filenode]));
    this.#lockTimeoutMs = tideLockTimeoutMs > 0 ? tideLockTimeoutMs : relations.lockTimeoutMs;
  }

  readonly hook: StatementHook = async (db, statement, run) => {
    this.current = statement.index;
    if (statement.index === 0 && this.tideLockTimeoutMs > 0) {
      // What tide itself sends before the migration (SET LOCAL in its transaction).
      const scope = this.migration.noTransaction ? "SET" : "SET LOCAL";
      await db.exec(`${scope} lock_timeout = '${this.tideLockTimeoutMs}ms'`);
      this.#sessionTimeout = this.migration.noTransaction;
    }
    const node = this.statements[statement.index]?.node;
    if (this.migration.noTransaction) await this.#alone(db, statement, run, node);
    else await this.#measure(db, statement, run, node);
  };

  /** A no-transaction statement: in a transaction of its own, to see its locks, if it may. */
  async #alone(
    db: Queryable,
    statement: ScriptStatement,
    run: () => Promise<void>,
    node: LintStatement["node"],
  ): Promise<void> {
    if (nodeOf(node, "TransactionStmt")) return await run();
    await db.exec("BEGIN");
    let inTransaction = true;
    try {
      await this.#measure(
        db,
        statement,
        async () => {
          try {
            await run();
          } catch (error) {
            // 25001: CREATE INDEX CONCURRENTLY and the like refuse a transaction block; 2D000:
            // a DO block or procedure that commits (a batched backfill) cannot commit in one.
            if (!REFUSES_TRANSACTION.includes(sqlStateOf(error) ?? "")) throw error;
            await db.exec("ROLLBACK");
            inTransaction = false;
            await run();
          }
        },
        node,
        () => !inTransaction,
      );
      if (inTransaction) await db.exec("COMMIT");
    } catch (error) {
      if (inTransaction) await db.exec("ROLLBACK").catch(() => {});
      throw error;
    }
    this.#held.clear();
  }

  async #measure(
    db: Queryable,
    statement: ScriptStatement,
    run: () => Promise<void>,
    node: LintStatement["node"],
    unobserved: () => boolean = () => false,
  ): Promise<void> {
    const probes = probesFor(node, this.#tableNamed);
    const answers: ProbeAnswers = new Map();
    for (const probe of probes.filter((p) => p.when === "before")) {
      answers.set(`before ${probe.key}`, await db.query(probe.sql, probe.params));
    }
    await run();
    for (const probe of probes.filter((p) => p.when === "after")) {
      answers.set(`after ${probe.key}`, await db.query(probe.sql, probe.params));
    }
    // The last statement of a transactional up also reads the relations for the next up.
    const last = !this.migration.noTransaction && statement.index === statement.count - 1;
    const next = last ? { excluded: [TRACKER_SCHEMA] } : undefined;
    const facts = await readFacts(db, this.relations, mayAddConstraints(node), next);
    this.next = facts.next;
    this.#record(statement.index, facts, answers, unobserved());
  }

  #record(
    index: number,
    facts: Awaited<ReturnType<typeof readFacts>>,
    probes: ProbeAnswers,
    unobserved: boolean,
  ): void {
    const held = new Map<number, LockMode>();
    for (const lock of facts.locks) {
      if (!this.relations.byOid.has(lock.oid) || !isLockMode(lock.mode)) continue;
      held.set(lock.oid, stronger(lock.mode, held.get(lock.oid) ?? "AccessShareLock"));
    }
    const taken = new Map([...held].filter(([oid, mode]) => this.#held.get(oid) !== mode));
    const heldAtStart = new Map([...this.#held].filter(([, mode]) => blocksQueries(mode)));
    // A rewrite holds at least SHARE on what it rewrites; a weaker lock only reveals an index
    // rewritten along with its table by an earlier statement, unseen then.
    const rewritten = facts.locks.filter((lock) =>
      lock.filenode !== null && this.#filenodes.has(lock.oid) &&
      this.#filenodes.get(lock.oid) !== lock.filenode &&
      LOCK_MODES.indexOf(held.get(lock.oid) ?? "AccessShareLock") >= LOCK_MODES.indexOf("ShareLock")
    ).map((lock) => lock.oid);
    for (const lock of facts.locks) {
      if (lock.filenode !== null) this.#filenodes.set(lock.oid, lock.filenode);
    }
    const known = new Set(this.measured.values().flatMap((m) => m.constraints.map((c) => c.oid)));
    const built = new Set(this.measured.values().flatMap((m) => m.indexes.keys()));
    this.measured.set(index, {
      index,
      held,
      taken,
      heldAtStart,
      lockTimeoutMs: this.#lockTimeoutMs,
      rewritten: [...new Set(rewritten)],
      constraints: facts.constraints.filter((c) => !known.has(c.oid)),
      indexes: new Map(
        facts.indexes.filter((i) => !built.has(i.oid)).map((i) => [i.oid, i.table]),
      ),
      unobserved,
      probes,
    });
    this.#held = held;
    this.#lockTimeoutMs = parseLockTimeout(facts.lockTimeout);
  }

  /** The SQL name of an existing table (not a view: its rows have no `xmin`). */
  #tableNamed = (name: string): string | undefined => {
    const relation = this.relations.find(name);
    return relation?.kind === "r" || relation?.kind === "p" ? quotedName(relation) : undefined;
  };

  /** Undoes a session-level `SET lock_timeout` of ours. */
  async resetSession(db: Queryable): Promise<void> {
    if (this.#sessionTimeout) await db.exec("RESET lock_timeout").catch(() => {});
  }
}
