/**
 * The measuring session: a {@linkcode StepObserver} that, around each up, fills the existing
 * tables with a few rows, then runs the up one statement at a time in the migration's own
 * transaction (each statement in its own for `-- tide:no-transaction`) and reads, after each,
 * the locks held on relations that existed before the migration, the relations rewritten (a new
 * `relfilenode`), the constraints and indexes it created on existing tables, and the
 * `lock_timeout` in force, counting the one tide sets from `--lock-timeout`.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import type { ScriptStatement, StatementHook } from "../engine/run_script.ts";
import { errorMessage, SqlError, sqlStateOf } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { quoteIdentifier } from "../sql/quote.ts";
import type { ApplyUp, StepObserver } from "../verify/observer.ts";
import { TRACKER_SCHEMA } from "../verify/change_tracker.ts";
import { blocksQueries, isLockMode, LOCK_MODES, type LockMode, stronger } from "./lock_modes.ts";
import { type ProbeAnswers, probesFor } from "./probes.ts";
import { type SeedOutcome, type SeedPlans, seedTables } from "./seed.ts";
import type { LintStatement } from "./statements.ts";
import { nodeOf } from "./sql_parser.ts";
import { parseLockTimeout, readFacts, readRelations, type Relations } from "./measure_sql.ts";

export type { Relations };

/** A constraint a statement created on an existing table. */
export interface NewConstraint {
  /** Its oid. */
  oid: number;
  /** Its name. */
  name: string;
  /** Oid of its table. */
  table: number;
  /** `pg_constraint.contype`: `c`heck, `f`oreign key, `u`nique, `p`rimary key, e`x`clusion, `n`ot null. */
  type: string;
  /** Whether it is valid, that is, it was checked against every row. */
  valid: boolean;
  /** Oid of its index; 0 when none. */
  index: number;
}

/** What one statement did. */
export interface StatementMeasurement {
  /** 0-based index of the statement. */
  index: number;
  /** Locks on existing relations held once it ran, strongest per relation. */
  held: Map<number, LockMode>;
  /** Locks it took: not held before it, or stronger than before. */
  taken: Map<number, LockMode>;
  /** Locks blocking queries that earlier statements of its transaction held when it started. */
  heldAtStart: Map<number, LockMode>;
  /** `lock_timeout` in force when it started, in ms; 0 means none. */
  lockTimeoutMs: number;
  /** Existing relations it rewrote. */
  rewritten: number[];
  /** Constraints it created on existing tables. */
  constraints: NewConstraint[];
  /** Indexes it built on existing tables: index oid to table oid. */
  indexes: Map<number, number>;
  /** It refused to run in a transaction block, so it ran alone and its locks went unseen. */
  unobserved: boolean;
  /** Answers of its probes. */
  probes: ProbeAnswers;
}

/** What one up did. */
export interface MigrationMeasurement {
  /** The relations that existed before it. */
  relations: Relations;
  /** What became of each existing table's rows (by oid). */
  rows: Map<number, SeedOutcome>;
  /** Its statements that ran, by index. */
  statements: Map<number, StatementMeasurement>;
  /** It failed on the tables with rows and was measured again on empty ones. */
  failedWithRows?: { index: number; error: string };
  /** It failed (on empty tables too): where, and why. */
  failed?: { index: number; error: string };
}

/** Options of {@linkcode MeasuringSession}. */
export interface MeasuringOptions {
  /** The statements of each migration's up, by version, as lint reads them. */
  statements: (migration: Migration) => readonly LintStatement[];
  /** tide's `--lock-timeout`, in ms (0: none). */
  lockTimeoutMs: number;
  /**
   * Empty the seeded tables an up touched once it ran, so that a round trip that follows runs
   * on the tables as verification alone would see them (empty).
   */
  emptyAfterUp: boolean;
  /**
   * The tables (as written) whose rows the migration's round trip could trip over: those its
   * up and down alter, index or change rows of; `undefined` when that cannot be told. Only
   * those are emptied, when given.
   */
  roundTripTables?: (migration: Migration) => readonly string[] | undefined;
}

/** Measures each up it observes; the results stay in {@linkcode MeasuringSession.results}. */
export class MeasuringSession implements StepObserver {
  /** Measurements by version. */
  readonly results: Map<string, MigrationMeasurement> = new Map();
  #seeded = new Map<number, SeedOutcome>();
  #plans: SeedPlans = new Map();
  /** The relations as last read, and the oids to read again (touched since). */
  #relations?: Relations;
  #touched = new Set<number>();
  /** `#relations` are as the database is now (read at the end of the last up). */
  #current = false;

  /** Creates a session. */
  constructor(private readonly options: MeasuringOptions) {}

  /** {@inheritDoc StepObserver.observeUp} */
  async observeUp(db: Driver, migration: Migration, up: ApplyUp): Promise<void> {
    let relations = await this.#readRelations(db);
    const rows = await this.#seed(db, relations);
    const statements = this.options.statements(migration);
    let recorder = new Recorder(relations, migration, statements, this.options.lockTimeoutMs);
    const result: MigrationMeasurement = { relations, rows, statements: recorder.measured };
    this.results.set(migration.version, result);
    try {
      try {
        await up(recorder.hook);
      } catch (error) {
        const index = recorder.current;
        if (migration.noTransaction || ![...rows.values()].some((r) => r.kind === "seeded")) {
          throw error;
        }
        // Our rows may be what made it fail: measure it again on empty tables.
        await this.#empty(db, relations, [...this.#seeded.keys()]);
        result.relations = relations = await this.#readRelations(db);
        recorder = new Recorder(relations, migration, statements, this.options.lockTimeoutMs);
        result.statements = recorder.measured;
        result.failedWithRows = { index, error: serverMessage(error) };
        await up(recorder.hook);
      }
    } catch (error) {
      // Failing on empty tables too, it was not the rows.
      delete result.failedWithRows;
      result.failed = { index: recorder.current, error: serverMessage(error) };
      // A failed no-transaction up is restored from a checkpoint taken before our rows.
      if (migration.noTransaction) this.#seeded.clear();
      throw error;
    } finally {
      await recorder.resetSession(db);
      this.#afterUp(migration, result, recorder.next);
    }
    if (!this.options.emptyAfterUp || !migration.down) return;
    const names = this.options.roundTripTables?.(migration);
    const oids = names === undefined
      ? touched(result)
      : names.map((name) => relations.find(name)?.oid).filter((oid) => oid !== undefined);
    await this.#empty(db, relations, oids);
  }

  /** Runs an up that is not measured: what it changes is unknown, so everything is read again. */
  async passUp(up: ApplyUp): Promise<void> {
    this.#forget();
    await up();
  }

  /** Drops what is known of the relations: the next read reads them all. */
  #forget(): void {
    this.#relations = undefined;
    this.#current = false;
  }

  /** Reads the relations: those touched since the last read and newer ones, else all. */
  async #readRelations(db: Queryable): Promise<Relations> {
    if (this.#current && this.#relations) return this.#relations;
    const previous = this.#relations;
    const scope = previous && { previous, oids: [...this.#touched] };
    this.#relations = await readRelations(db, [TRACKER_SCHEMA], scope);
    this.#touched.clear();
    this.#current = false;
    return this.#relations;
  }

  /** Notes what an up may have changed, for the next read of the relations. */
  #afterUp(migration: Migration, result: MigrationMeasurement, next?: Relations): void {
    this.#current = false;
    if (next && !result.failed) {
      this.#relations = next;
      this.#touched.clear();
      this.#current = true;
    }
    // A no-transaction up's round trip re-creates what it made; a failed one is restored.
    if (migration.noTransaction || result.failed) this.#forget();
    for (const statement of result.statements.values()) {
      if (!this.#current) { for (const oid of statement.held.keys()) this.#touched.add(oid); }
      // A rewrite may renew indexes it held no lock on: read them all again.
      if (statement.unobserved || statement.rewritten.length > 0) this.#forget();
    }
  }

  /** Seeds the existing tables not seeded yet; returns the outcome of every existing table. */
  async #seed(db: Queryable, relations: Relations): Promise<Map<number, SeedOutcome>> {
    const tables = [...relations.byOid.values()].filter((r) => r.kind === "r" || r.kind === "p");
    const fresh = tables.filter((table) => !this.#seeded.has(table.oid)).map((t) => t.oid);
    const nameOf = (oid: number) => {
      const relation = relations.byOid.get(oid);
      return relation && quotedName(relation);
    };
    const outcomes = await seedTables(db, fresh, nameOf, this.#plans);
    for (const [oid, outcome] of outcomes) this.#seeded.set(oid, outcome);
    return new Map(tables.map((t) => [t.oid, this.#seeded.get(t.oid)!]));
  }

  /**
   * Empties seeded tables and the seeded ones referencing them (children first), to be seeded
   * again before the next up. DELETE keeps their files, so the relations stay as read.
   */
  async #empty(db: Queryable, relations: Relations, oids: readonly number[]): Promise<void> {
    const seeded = (oid: number) => this.#seeded.get(oid)?.kind === "seeded";
    const start = oids.filter(seeded);
    if (start.length === 0) return;
    const tables = childrenFirst(relations, relations.referencing(start).filter(seeded));
    const names = tables.map((oid) => relations.byOid.get(oid)).filter((t) => t !== undefined)
      .map(quotedName);
    try {
      await db.exec(names.map((name) => `DELETE FROM ${name}`).join(";\n"));
    } catch {
      // Rows of the migration's own refer to ours: truncate, and read the relations again.
      await db.exec(`TRUNCATE ${names.join(", ")} CASCADE`);
      this.#forget();
      for (const oid of relations.referencing(tables)) this.#seeded.delete(oid);
    }
    for (const oid of tables) this.#seeded.delete(oid);
  }
}

/** Statements that may add constraints or indexes to existing tables (or do anything at all). */
const MAY_ADD = ["AlterTableStmt", "IndexStmt", "DoStmt", "CallStmt"];

function mayAddConstraints(node: LintStatement["node"]): boolean {
  return node === undefined || MAY_ADD.some((kind) => kind in node);
}

/** `oids` ordered so that a table comes after every table referencing it. */
function childrenFirst(relations: Relations, oids: readonly number[]): number[] {
  const wanted = new Set(oids);
  const ordered: number[] = [];
  const seen = new Set<number>();
  const visit = (oid: number) => {
    if (seen.has(oid)) return;
    seen.add(oid);
    for (const [child, parent] of relations.fks) {
      if (parent === oid && child !== oid && wanted.has(child)) visit(child);
    }
    ordered.push(oid);
  };
  oids.forEach(visit);
  return ordered;
}

/** The server's own message, without tide's "Cannot apply file:line" around it. */
function serverMessage(error: unknown): string {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof SqlError) return e.message;
  return errorMessage(error);
}

/** The seeded tables an up locked beyond reading. */
function touched(result: MigrationMeasurement): number[] {
  const oids = new Set<number>();
  for (const statement of result.statements.values()) {
    for (const [oid, mode] of statement.held) if (mode !== "AccessShareLock") oids.add(oid);
  }
  return [...oids];
}

function quotedName(table: { schema: string; name: string }): string {
  return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

/** Records one attempt at an up, statement by statement. */
class Recorder {
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
            // 25001: CREATE INDEX CONCURRENTLY and the like refuse a transaction block.
            if (sqlStateOf(error) !== "25001") throw error;
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
    const probes = probesFor(node);
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

  /** Undoes a session-level `SET lock_timeout` of ours. */
  async resetSession(db: Queryable): Promise<void> {
    if (this.#sessionTimeout) await db.exec("RESET lock_timeout").catch(() => {});
  }
}
