/**
 * A new migration drafted from a desired schema: the up turns the schema the migrations build
 * into the desired one, the down turns it back, and both are proven by a round trip (up,
 * compare with the desired schema, down, compare with the start, up again) before anything is
 * written.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import { errorMessage, MigrationError } from "../errors.ts";
import { runScript } from "../engine/run_script.ts";
import type { Migration } from "../files/migration.ts";
import type { ModuleMigrations } from "../engine/migrator_options.ts";
import { diffSnapshots, type SchemaChange } from "../schema/diff.ts";
import type { SchemaSnapshot } from "../schema/objects.ts";
import { type GeneratedSql, generateSql } from "./generate.ts";
import { usesTemplates } from "./down.ts";
import {
  type LedgerOptions,
  migratedPglite,
  schemaFilePglite,
  snapshotWithoutLedger,
} from "./source.ts";

/** A drafted migration. */
export interface Draft {
  /** What changes, from the migrations' schema to the desired one. */
  changes: SchemaChange[];
  /** The up. */
  up: GeneratedSql;
  /** The down. */
  down: GeneratedSql;
}

/**
 * Drafts the migration from the schema `migrations` build to the one `schemaSql` (the text of
 * `schemaPath`) creates, and proves it. The other `modules` of the database are built too. Throws `NOT_PROVEN` when either direction cannot reach
 * its target or fails its round trip. An empty `changes` means there is nothing to write.
 *
 * @example
 * ```ts ignore
 * const draft = await draftFromSchema(migrations, "schema.sql", await Deno.readTextFile("schema.sql"));
 * ```
 */
export async function draftFromSchema(
  migrations: readonly Migration[],
  schemaPath: string,
  schemaSql: string,
  ledger: LedgerOptions = {},
  modules: readonly ModuleMigrations[] = [],
): Promise<Draft> {
  await using target = await schemaFilePglite(schemaPath, schemaSql);
  const desired = await snapshotWithoutLedger(target, ledger);
  await using current = await migratedPglite(migrations, ledger, modules);
  const before = await snapshotWithoutLedger(current, ledger);
  const changes = diffSnapshots(before, desired);
  const templates = usesTemplates(migrations) ? { schema: ledger.schema ?? "public" } : undefined;
  const up = generateSql(before.objects, desired.objects, { templates });
  const down = generateSql(desired.objects, before.objects, { templates });
  if (changes.length === 0) return { changes, up, down };
  for (const [what, sql] of [["up", up], ["down", down]] as const) {
    if (sql.blocked) {
      const reasons = sql.notes.filter((n) => n.kind === "irreversible").map((n) => n.message);
      throw notProven(`the ${what} cannot reach its target: ${reasons.join("; ")}`);
    }
  }
  await proveDraft(current, { up: up.sql, down: down.sql }, { before, desired }, ledger);
  return { changes, up, down };
}

function notProven(why: string): MigrationError {
  return new MigrationError(
    "NOT_PROVEN",
    `Drafting the migration failed: ${why}. Nothing was written: write this migration by hand.`,
  );
}

/**
 * Runs up, down and up again in a transaction that is rolled back, comparing each state with
 * the one it must reach; throws `NOT_PROVEN` on the first difference or error.
 *
 * @example
 * ```ts ignore
 * await proveDraft(db, { up, down }, { before, desired });
 * ```
 */
export async function proveDraft(
  db: Driver,
  sql: { up: string; down: string },
  states: { before: SchemaSnapshot; desired: SchemaSnapshot },
  ledger: LedgerOptions = {},
): Promise<void> {
  const migration: Migration = {
    version: "draft",
    name: "draft",
    up: { path: "the generated up", sql: sql.up, line: 1, column: 1 },
    down: { path: "the generated down", sql: sql.down, line: 1, column: 1 },
    noTransaction: false,
    checksum: "",
  };
  const check = async (tx: Queryable, direction: "up" | "down", expected: SchemaSnapshot) => {
    try {
      await runScript(tx, migration, direction, { schema: ledger.schema });
    } catch (error) {
      throw notProven(`the generated ${direction} failed: ${errorMessage(error)}`);
    }
    const changes = diffSnapshots(expected, await snapshotWithoutLedger(tx, ledger));
    if (changes.length > 0) {
      const words = changes.slice(0, 5).map((c) => c.description).join("; ");
      throw notProven(`after the generated ${direction}, the schema differs: ${words}`);
    }
  };
  const rollback = Symbol("rollback");
  await db.transaction(async (tx) => {
    await check(tx, "up", states.desired);
    await check(tx, "down", states.before);
    await check(tx, "up", states.desired);
    throw rollback;
  }).catch((error) => {
    if (error !== rollback) throw error;
  });
}
