/**
 * The measuring session: a {@linkcode StepObserver} that, around each up, fills the existing
 * tables with a few rows, then runs the up one statement at a time in the migration's own
 * transaction (each statement in its own for `-- tide:no-transaction`) and reads, after each
 * (`recorder.ts`), the locks held on relations that existed before the migration, the relations
 * rewritten (a new `relfilenode`), the constraints and indexes it created on existing tables, and
 * the `lock_timeout` in force, counting the one tide sets from `--lock-timeout`.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import { errorMessage, SqlError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { ApplyUp, StepObserver } from "../verify/observer.ts";
import { TRACKER_SCHEMA } from "../verify/change_tracker.ts";
import { type SeedOutcome, type SeedPlans, seedTables } from "./seed.ts";
import type { LintStatement } from "./statements.ts";
import { quotedName, readRelations, type Relations } from "./measure_sql.ts";
import { Recorder } from "./recorder.ts";
import type { MigrationMeasurement } from "./measurement.ts";

export type { Relations };

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
