/**
 * Round-trip verification inside `deno test`: one test step per migration, so a migration whose
 * down does not undo its up fails by name, with the schema diff in the failure.
 *
 * @module
 */
import { AssertionError } from "node:assert";
import {
  compareVersions,
  type Migration,
  type MigrationVerdict,
  redactSecrets,
  verifyMigrations,
  type VerifyOptions,
  type VerifyReport,
} from "../mod.ts";
import { type MigrationsInput, resolveMigrations } from "./migrations_input.ts";
import { migrationLabel } from "../src/files/version.ts";

/** Options of {@linkcode verifyRoundTrip} and {@linkcode assertRoundTrip}. */
export interface RoundTripOptions extends MigrationsInput {
  /** Apply the migrations before this version once, then verify only it and later ones. */
  from?: string;
  /** Schema for `{{schema}}` templates. */
  schema?: string;
  /** Do not report columns that came back in another order. */
  ignoreColumnOrder?: boolean;
  /**
   * A PostgreSQL server to verify on instead of an in-memory PGlite: a throwaway database is
   * created there and dropped afterwards. Its password never appears in failures.
   */
  databaseUrl?: string;
  /** The module these migrations belong to, as other modules' requirements name it. */
  module?: string;
  /**
   * Other modules' migration directories, by module (the config's `modules`): what these
   * migrations require of them (`-- tide:requires auth:003`) is applied first, unverified.
   */
  modules?: Readonly<Record<string, string | URL>>;
}

/** Options of {@linkcode roundTripTest}. */
export interface RoundTripTestOptions extends RoundTripOptions {
  /** Name of the test. Default `"migrations round-trip"`. */
  name?: string;
  /** Skip the test, e.g. when a server it needs is not configured. */
  ignore?: boolean;
}

/**
 * Verifies that every migration round-trips (up, down, up again, with identical schemas) and
 * returns the report, whatever it says.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyRoundTrip } from "@tide/tide/testing";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/001_users.up.sql`, "create table users (id int);\n");
 * await Deno.writeTextFile(`${dir}/001_users.down.sql`, "drop table users;\n");
 * const report = await verifyRoundTrip({ dir });
 * assert.deepEqual(report.totals, { verified: 1, passed: 1, failed: 0, skipped: 0 });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function verifyRoundTrip(options: RoundTripOptions = {}): Promise<VerifyReport> {
  return await verifyMigrations(await verifyOptions(options, await resolveMigrations(options)));
}

/** What `verifyMigrations` is given for `options`, the other modules read from their folders. */
async function verifyOptions(
  options: RoundTripOptions,
  migrations: readonly Migration[],
): Promise<VerifyOptions> {
  const modules = await Promise.all(
    Object.entries(options.modules ?? {}).map(async ([module, dir]) => ({
      module,
      migrations: await resolveMigrations({ dir }),
    })),
  );
  return {
    migrations,
    from: options.from,
    schema: options.schema,
    ignoreColumnOrder: options.ignoreColumnOrder,
    databaseUrl: options.databaseUrl,
    module: options.module,
    modules,
  };
}

/**
 * Verifies that every migration round-trips, and throws an `AssertionError` naming every
 * migration that does not, with its problems and schema diff.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertRoundTrip } from "@tide/tide/testing";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/001_users.up.sql`, "create table users (id int, note text);\n");
 * // Lossy: the down leaves the table (without the column) behind.
 * await Deno.writeTextFile(`${dir}/001_users.down.sql`, "alter table users drop column note;\n");
 * await assert.rejects(assertRoundTrip({ dir }), {
 *   name: "AssertionError",
 *   message: /001_users does not round-trip \(down-differs\)/,
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function assertRoundTrip(options: RoundTripOptions = {}): Promise<void> {
  const report = await verifyRoundTrip(options);
  if (report.ok) return;
  const failed = report.migrations.filter((verdict) => !verdict.ok);
  const text = [
    `${failed.length} of ${report.totals.verified} migrations do not round-trip ` +
    `(up, down, up again).`,
    ...failed.map(describeVerdict),
  ].join("\n\n");
  // stackStartFn: the failure points at the caller's test, not at tide.
  throw new AssertionError({
    message: scrub(text, options.databaseUrl),
    stackStartFn: assertRoundTrip,
  });
}

/**
 * Registers a `Deno.test` that verifies the migrations once, then reports each one as a step
 * named after its file (`002_add_users`), failing with the problems and the schema diff.
 *
 * @example
 * ```ts
 * // migrations_test.ts; in a project, pass { dir: new URL("./migrations", import.meta.url) }.
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "@tide/tide";
 * import { createTestDatabase, roundTripTest } from "@tide/tide/testing";
 *
 * const file = (path: string, sql: string) => ({ path, bytes: new TextEncoder().encode(sql) });
 * const migrations = await parseMigrationFiles([
 *   file("001_users.up.sql", "create table users (id int);"),
 *   file("001_users.down.sql", "drop table users;"),
 * ]);
 *
 * roundTripTest({ name: "the migrations round-trip", migrations }); // one step: 001_users
 *
 * Deno.test("a user can be stored", async () => {
 *   await using db = await createTestDatabase({ migrations });
 *   await db.exec("insert into users values (1)");
 *   assert.deepEqual(await db.query("select id from users"), [{ id: 1 }]);
 * });
 * ```
 */
export function roundTripTest(options: RoundTripTestOptions = {}): void {
  // Steps run inside tide, so their failures are thrown from where the test was registered.
  const origin = new AssertionError({ message: "round-trip", stackStartFn: roundTripTest });
  Deno.test({
    name: options.name ?? "migrations round-trip",
    ignore: options.ignore,
    fn: (t) => runRoundTripSteps(t, options, origin),
  });
}

/** The part of `Deno.TestContext` the steps need, so tests can watch the steps. */
export type StepRunner = Pick<Deno.TestContext, "step">;

/**
 * Runs one step per migration on `t`, each waiting for its own verdict while the verification
 * runs, so every step reports the time its migration took (the first one's includes starting
 * the database). A migration that round-trips passes; one that does not fails (see
 * {@linkcode assertVerdict}), thrown from `origin`'s stack when given.
 *
 * @example
 * ```ts
 * import { parseMigrationFiles } from "@tide/tide";
 * import { runRoundTripSteps } from "./round_trip.ts";
 *
 * const file = (path: string, sql: string) => ({ path, bytes: new TextEncoder().encode(sql) });
 * const migrations = await parseMigrationFiles([
 *   file("001_users.up.sql", "create table users (id int);"),
 *   file("001_users.down.sql", "drop table users;"),
 * ]);
 * Deno.test("each migration round-trips", (t) => runRoundTripSteps(t, { migrations }));
 * ```
 */
export async function runRoundTripSteps(
  t: StepRunner,
  options: RoundTripOptions,
  origin?: AssertionError,
): Promise<void> {
  const migrations = await resolveMigrations(options);
  const verified = verifiedOnes(migrations, options.from);
  const verdicts = verified.map(() => Promise.withResolvers<MigrationVerdict>());
  for (const { promise } of verdicts) promise.catch(() => {}); // steps after a break never await
  let next = 0;
  const run = verifyOptions(options, migrations).then((verify) =>
    verifyMigrations({ ...verify, onVerdict: (verdict) => verdicts[next++]?.resolve(verdict) })
  );
  run.catch((error) => verdicts.slice(next).forEach((v) => v.reject(error)));
  for (const [i, migration] of verified.entries()) {
    let broken = false;
    await t.step({
      name: migrationLabel(migration),
      // The verification's connections outlive each step; the test checks they all end.
      sanitizeOps: false,
      sanitizeResources: false,
      fn: async () => {
        const verdict = await verdicts[i].promise.catch((error) => {
          broken = true;
          throw error;
        });
        assertVerdict(verdict, options.databaseUrl, origin);
      },
    });
    if (broken) break; // the verification failed: its error is in this step
  }
  await run.catch((error) => {
    if (verified.length === 0) throw error;
  });
}

/** The migrations `verifyMigrations` verifies: all, or those from `from` on. */
function verifiedOnes(migrations: readonly Migration[], from?: string): readonly Migration[] {
  if (from === undefined) return migrations;
  return migrations.filter((m) => compareVersions(m.version, from) >= 0);
}

/**
 * Throws an `AssertionError` holding the problems and diff of a verdict that is not ok; with
 * `origin`, one whose stack is `origin`'s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertVerdict } from "./round_trip.ts";
 *
 * const verdict = {
 *   version: "002",
 *   name: "add_note",
 *   ok: false,
 *   problems: ["schema after down differs from before up"],
 *   failure: "down-differs" as const,
 *   changes: [],
 *   durationMs: 40,
 * };
 * assert.throws(() => assertVerdict(verdict), { name: "AssertionError", message: /002_add_note/ });
 * assertVerdict({ ...verdict, ok: true, problems: [], failure: undefined }); // ok: no throw
 * ```
 */
export function assertVerdict(
  verdict: MigrationVerdict,
  databaseUrl?: string,
  origin?: AssertionError,
): void {
  if (verdict.ok) return;
  const message = scrub(describeVerdict(verdict), databaseUrl);
  if (origin === undefined) {
    throw new AssertionError({ message, stackStartFn: assertVerdict });
  }
  // An error built now would have tide's frames; one made from `origin` keeps its frames.
  const error: AssertionError = Object.create(origin);
  Object.defineProperty(error, "message", { value: message, configurable: true, writable: true });
  throw error;
}

/**
 * A failed verdict as text: the migration, the failed step, each problem, and the diff.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeVerdict } from "@tide/tide/testing";
 *
 * const text = describeVerdict({
 *   version: "002",
 *   name: "add_note",
 *   ok: false,
 *   problems: ["schema after down differs from before up"],
 *   failure: "down-differs",
 *   changes: [],
 *   diff: "-column public.users.note text\n",
 *   durationMs: 40,
 * });
 * assert.equal(
 *   text,
 *   "002_add_note does not round-trip (down-differs):\n" +
 *     "  - schema after down differs from before up\n\n    -column public.users.note text",
 * );
 * ```
 */
export function describeVerdict(verdict: MigrationVerdict): string {
  const head = `${migrationLabel(verdict)} does not round-trip` +
    (verdict.failure ? ` (${verdict.failure}):` : ":");
  const lines = [head, ...verdict.problems.map((problem) => `  - ${problem}`)];
  if (verdict.error) {
    const { file, line, column } = verdict.error;
    const where = `${file}:${line}:${column}`;
    if (!verdict.problems.some((problem) => problem.includes(where))) lines.push(`  at ${where}`);
  }
  if (verdict.diff) lines.push("", indent(verdict.diff.trimEnd()));
  return lines.join("\n");
}

function indent(text: string): string {
  return text.split("\n").map((line) => `    ${line}`).join("\n");
}

/** Server errors may quote the connection string; a password must never reach test output. */
function scrub(text: string, databaseUrl?: string): string {
  if (databaseUrl === undefined) return redactSecrets(text);
  let password = "";
  try {
    password = decodeURIComponent(new URL(databaseUrl).password);
  } catch {
    // Not a URL: the pattern-based scrub still applies.
  }
  return redactSecrets(text, password ? [password] : []);
}
