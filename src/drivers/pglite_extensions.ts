/**
 * Which PostgreSQL extensions PGlite can load, and which ones a migration asks for. Kept apart
 * from `pglite.ts` so callers can ask without loading PGlite itself.
 *
 * @module
 */

import type { Extension } from "@electric-sql/pglite";
import { MigrationError } from "../errors.ts";

/** An extension as PGlite takes it in its `extensions` option. */
export type PgliteExtension = Extension;

/** Static imports, one per module, so bundlers and `deno compile` see each of them. */
const LOADERS: Readonly<Record<string, () => Promise<PgliteExtension>>> = {
  amcheck: async () => (await import("@electric-sql/pglite/contrib/amcheck")).amcheck,
  bloom: async () => (await import("@electric-sql/pglite/contrib/bloom")).bloom,
  btree_gin: async () => (await import("@electric-sql/pglite/contrib/btree_gin")).btree_gin,
  btree_gist: async () => (await import("@electric-sql/pglite/contrib/btree_gist")).btree_gist,
  citext: async () => (await import("@electric-sql/pglite/contrib/citext")).citext,
  cube: async () => (await import("@electric-sql/pglite/contrib/cube")).cube,
  dict_int: async () => (await import("@electric-sql/pglite/contrib/dict_int")).dict_int,
  dict_xsyn: async () => (await import("@electric-sql/pglite/contrib/dict_xsyn")).dict_xsyn,
  earthdistance: async () =>
    (await import("@electric-sql/pglite/contrib/earthdistance")).earthdistance,
  file_fdw: async () => (await import("@electric-sql/pglite/contrib/file_fdw")).file_fdw,
  fuzzystrmatch: async () =>
    (await import("@electric-sql/pglite/contrib/fuzzystrmatch")).fuzzystrmatch,
  hstore: async () => (await import("@electric-sql/pglite/contrib/hstore")).hstore,
  intarray: async () => (await import("@electric-sql/pglite/contrib/intarray")).intarray,
  isn: async () => (await import("@electric-sql/pglite/contrib/isn")).isn,
  lo: async () => (await import("@electric-sql/pglite/contrib/lo")).lo,
  ltree: async () => (await import("@electric-sql/pglite/contrib/ltree")).ltree,
  moddatetime: async () => (await import("@electric-sql/pglite/contrib/moddatetime")).moddatetime,
  pageinspect: async () => (await import("@electric-sql/pglite/contrib/pageinspect")).pageinspect,
  pg_buffercache: async () =>
    (await import("@electric-sql/pglite/contrib/pg_buffercache")).pg_buffercache,
  pg_freespacemap: async () =>
    (await import("@electric-sql/pglite/contrib/pg_freespacemap")).pg_freespacemap,
  pg_stat_statements: async () =>
    (await import("@electric-sql/pglite/contrib/pg_stat_statements")).pg_stat_statements,
  pg_surgery: async () => (await import("@electric-sql/pglite/contrib/pg_surgery")).pg_surgery,
  pg_trgm: async () => (await import("@electric-sql/pglite/contrib/pg_trgm")).pg_trgm,
  pg_visibility: async () =>
    (await import("@electric-sql/pglite/contrib/pg_visibility")).pg_visibility,
  pg_walinspect: async () =>
    (await import("@electric-sql/pglite/contrib/pg_walinspect")).pg_walinspect,
  pgcrypto: async () => (await import("@electric-sql/pglite/contrib/pgcrypto")).pgcrypto,
  seg: async () => (await import("@electric-sql/pglite/contrib/seg")).seg,
  tablefunc: async () => (await import("@electric-sql/pglite/contrib/tablefunc")).tablefunc,
  tcn: async () => (await import("@electric-sql/pglite/contrib/tcn")).tcn,
  tsm_system_rows: async () =>
    (await import("@electric-sql/pglite/contrib/tsm_system_rows")).tsm_system_rows,
  tsm_system_time: async () =>
    (await import("@electric-sql/pglite/contrib/tsm_system_time")).tsm_system_time,
  unaccent: async () => (await import("@electric-sql/pglite/contrib/unaccent")).unaccent,
  "uuid-ossp": async () => (await import("@electric-sql/pglite/contrib/uuid_ossp")).uuid_ossp,
};

/**
 * Extension names (as written in `CREATE EXTENSION`) that PGlite 0.5 ships, beside the always
 * present `plpgsql`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PGLITE_EXTENSIONS } from "./pglite_extensions.ts";
 *
 * assert.ok(PGLITE_EXTENSIONS.includes("citext"));
 * assert.ok(!PGLITE_EXTENSIONS.includes("postgis"));
 * ```
 */
export const PGLITE_EXTENSIONS: readonly string[] = Object.freeze([
  "plpgsql",
  ...Object.keys(LOADERS),
]);

/**
 * Extensions another one needs installed first (`CREATE EXTENSION ... CASCADE`), loaded with it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXTENSION_REQUIRES } from "./pglite_extensions.ts";
 *
 * assert.deepEqual(EXTENSION_REQUIRES.earthdistance, ["cube"]);
 * ```
 */
export const EXTENSION_REQUIRES: Readonly<Record<string, readonly string[]>> = {
  earthdistance: ["cube"],
};

const CREATE_EXTENSION =
  /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?(?:"((?:[^"]|"")+)"|([a-z_][a-z0-9_$-]*))/gi;

/**
 * Finds the extensions `sql` creates with `CREATE EXTENSION [IF NOT EXISTS] name`, in order of
 * first appearance, without duplicates, skipping comments. Quoted names keep their case; bare
 * names are lowered.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { extensionsIn } from "./pglite_extensions.ts";
 *
 * const sql = 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp"; create extension citext;\n' +
 *   "-- create extension postgis;";
 * assert.deepEqual(extensionsIn(sql), ["uuid-ossp", "citext"]);
 * ```
 */
export function extensionsIn(sql: string): string[] {
  const found = new Set<string>();
  // Commented-out statements do not run, so they must not demand an extension.
  const code = sql.replace(/--[^\n]*/g, " ").replace(/\/\*[\s\S]*?\*\//g, " ");
  for (const match of code.matchAll(CREATE_EXTENSION)) {
    found.add(match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2].toLowerCase());
  }
  return [...found];
}

/**
 * Imports the PGlite modules of `names` (and what they require), keyed as PGlite wants them.
 * Rejects with an `UNSUPPORTED_EXTENSION` {@linkcode MigrationError} naming any extension PGlite
 * lacks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MigrationError } from "../errors.ts";
 * import { loadPgliteExtensions } from "./pglite_extensions.ts";
 *
 * const extensions = await loadPgliteExtensions(["citext", "uuid-ossp"]);
 * assert.deepEqual(Object.keys(extensions), ["citext", "uuid_ossp"]);
 * await assert.rejects(
 *   loadPgliteExtensions(["postgis"]),
 *   (error) => error instanceof MigrationError && error.code === "UNSUPPORTED_EXTENSION",
 * );
 * ```
 */
export async function loadPgliteExtensions(
  names: readonly string[],
): Promise<Record<string, PgliteExtension>> {
  const missing = names.filter((name) => !PGLITE_EXTENSIONS.includes(name));
  if (missing.length > 0) throw unsupported(missing);
  const wanted = new Set(names.flatMap((name) => [...(EXTENSION_REQUIRES[name] ?? []), name]));
  wanted.delete("plpgsql");
  const extensions: Record<string, PgliteExtension> = {};
  for (const name of wanted) {
    extensions[name.replaceAll("-", "_")] = await LOADERS[name]();
  }
  return extensions;
}

function unsupported(missing: string[]): MigrationError {
  const list = missing.map((name) => `"${name}"`).join(", ");
  const plural = missing.length > 1;
  return new MigrationError(
    "UNSUPPORTED_EXTENSION",
    `Starting PGlite with extension${plural ? "s" : ""} ${list} failed: PGlite does not ship ` +
      `${plural ? "them" : "it"}. Verify against a real PostgreSQL server instead with ` +
      "--database-url postgres://...",
  );
}

/**
 * The extensions PGlite ships that `migrations` create, in their up or down SQL: what a PGlite
 * connection that runs them must load. Others are left out (their `CREATE EXTENSION` fails
 * with the server's message, as on a server without them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { extensionsOfMigrations } from "./pglite_extensions.ts";
 *
 * const up = { path: "001_a.up.sql", sql: "CREATE EXTENSION citext; CREATE EXTENSION postgis;", line: 1, column: 1 };
 * const migration = { version: "001", name: "a", up, noTransaction: false, checksum: "c" };
 * assert.deepEqual(extensionsOfMigrations([migration]), ["citext"]);
 * ```
 */
export function extensionsOfMigrations(
  migrations: readonly { up: { sql: string }; down?: { sql: string } }[],
): string[] {
  const sql = migrations.map((m) => `${m.up.sql}\n${m.down?.sql ?? ""}`).join("\n");
  return extensionsIn(sql).filter((name) => PGLITE_EXTENSIONS.includes(name));
}
