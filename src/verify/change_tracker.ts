/**
 * Fast snapshots for verification: event triggers record every object each DDL command touches,
 * so a snapshot after a step re-reads only those objects (and what depends on them) and merges
 * them into the previous snapshot. Where event triggers cannot be created (a role that is not a
 * superuser), every snapshot is a full one: slower, same result.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import { CATALOGS, MEMBER_CATALOGS, OTHER_ROOT } from "../schema/other_queries.ts";
import { errorMessage, MigrationError } from "../errors.ts";
import {
  changeScope,
  type IncrementalSnapshot,
  mergeScopedRows,
  readIncremental,
  rereadScope,
  scopedReaderCall,
  scopedReaderFunction,
} from "../schema/snapshot_incremental.ts";

/** The catalogs whose objects are read with the one root of `other_queries.ts`. */
const OTHER_CATALOGS = [...Object.values(CATALOGS), ...MEMBER_CATALOGS].join(", ");

/** The schema holding the tracker's table, functions and event triggers; never snapshotted. */
export const TRACKER_SCHEMA = "tide_verify";

/** The function reading every object family under given roots in one call. */
const READER = `${TRACKER_SCHEMA}.read_scope`;

/** In `changed()`: a call of the reader with its `roots` (a `text[]` of keys) split per kind. */
const READ_ROOTS = scopedReaderCall(
  READER,
  (_, classid) =>
    `ARRAY(SELECT split_part(k, ':', 2)::oid FROM unnest(roots) k WHERE k LIKE '${classid}:%')`,
);

/** Takes snapshots of a verification database, scoped to what changed when it can. */
export interface ChangeTracker {
  /** True when event triggers record changes; false when every snapshot is a full one. */
  readonly tracking: boolean;
  /**
   * Snapshots the schema behind `db`. With `base` (or a copy of it), the snapshot of the state
   * after which the changes made since the previous call happened, only the changed objects are
   * read again. Every call starts a new round of recorded changes.
   */
  snapshot(db: Queryable, base?: IncrementalSnapshot): Promise<IncrementalSnapshot>;
  /**
   * The tags of the DDL commands (`CREATE TABLE`, `GRANT`...) run between the last two calls of
   * {@linkcode ChangeTracker.snapshot}; `undefined` when not tracking.
   */
  commands(): readonly string[] | undefined;
}

const INSTALL = `
CREATE SCHEMA ${TRACKER_SCHEMA};
-- A migration may SET ROLE to one that owns its objects: the tracker's functions run as their
-- owner, and any role may call them.
GRANT USAGE ON SCHEMA ${TRACKER_SCHEMA} TO PUBLIC;
CREATE TABLE ${TRACKER_SCHEMA}.touched (classid pg_catalog.oid, objid pg_catalog.oid, tag text);
-- GRANT and REVOKE name no object to event triggers: the ACLs of the last sweep, by root, show
-- which objects they changed. Rolled back with the catalogs, like every tracker table.
CREATE VIEW ${TRACKER_SCHEMA}.current_acls AS
  SELECT root, pg_catalog.string_agg(acl, ';' ORDER BY acl) AS acl FROM (
    SELECT '1259:' || c.oid AS root, c.relacl::text AS acl FROM pg_catalog.pg_class c
      WHERE c.relacl IS NOT NULL AND c.oid >= 16384
    UNION ALL SELECT '1259:' || a.attrelid, a.attnum || ':' || a.attacl::text
      FROM pg_catalog.pg_attribute a WHERE a.attacl IS NOT NULL AND a.attrelid >= 16384
    UNION ALL SELECT '1255:' || p.oid, p.proacl::text FROM pg_catalog.pg_proc p
      WHERE p.proacl IS NOT NULL AND p.oid >= 16384
    UNION ALL SELECT '1247:' || t.oid, t.typacl::text FROM pg_catalog.pg_type t
      WHERE t.typacl IS NOT NULL AND t.oid >= 16384
    UNION ALL SELECT '2615:' || n.oid, n.nspacl::text FROM pg_catalog.pg_namespace n
      WHERE n.nspacl IS NOT NULL AND n.nspname NOT LIKE 'pg\\_%'
  ) x GROUP BY root;
CREATE TABLE ${TRACKER_SCHEMA}.acls AS SELECT * FROM ${TRACKER_SCHEMA}.current_acls;
CREATE FUNCTION ${TRACKER_SCHEMA}.acl_roots() RETURNS text[] LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog AS $$
DECLARE
  changed text[];
BEGIN
  SELECT array_agg(COALESCE(c.root, s.root)) INTO changed
    FROM ${TRACKER_SCHEMA}.current_acls c FULL JOIN ${TRACKER_SCHEMA}.acls s ON s.root = c.root
    WHERE c.acl IS DISTINCT FROM s.acl;
  DELETE FROM ${TRACKER_SCHEMA}.acls;
  INSERT INTO ${TRACKER_SCHEMA}.acls SELECT * FROM ${TRACKER_SCHEMA}.current_acls;
  RETURN COALESCE(changed, '{}');
END $$;
-- Every command leaves its tag, also one that names no object (GRANT).
CREATE FUNCTION ${TRACKER_SCHEMA}.on_ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog AS $$
BEGIN
  INSERT INTO ${TRACKER_SCHEMA}.touched
    SELECT classid, objid, command_tag FROM pg_event_trigger_ddl_commands();
  INSERT INTO ${TRACKER_SCHEMA}.touched VALUES (NULL, NULL, TG_TAG);
END $$;
-- A dropped constraint, default, trigger, policy or rule names the table (or domain) it was
-- on; that owner survives the drop and must be read again. Never fail the user's command: when
-- the owner cannot be found, ask for a full snapshot.
CREATE FUNCTION ${TRACKER_SCHEMA}.on_drop() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog AS $$
BEGIN
  INSERT INTO ${TRACKER_SCHEMA}.touched
    SELECT classid, objid, TG_TAG FROM pg_event_trigger_dropped_objects();
  BEGIN
    INSERT INTO ${TRACKER_SCHEMA}.touched
      SELECT CASE WHEN object_type = 'domain constraint' THEN 'pg_type'::regclass::oid
          ELSE 'pg_class'::regclass::oid END,
        CASE WHEN object_type = 'domain constraint' THEN to_regtype(address_names[1])::oid
          ELSE to_regclass(quote_ident(address_names[1]) || '.' || quote_ident(address_names[2]))::oid
          END,
        TG_TAG
      FROM pg_event_trigger_dropped_objects()
      WHERE object_type IN ('table constraint', 'domain constraint', 'default value', 'trigger',
        'policy', 'rule', 'table column');
  EXCEPTION WHEN OTHERS THEN
    INSERT INTO ${TRACKER_SCHEMA}.touched VALUES (NULL, NULL, 'FULL');
  END;
END $$;
-- One call per snapshot: consumes what was touched, finds the roots of every touched object and
-- of everything depending on one (a rename re-renders them) and reads them with read_scope.
-- Returns NULL when nothing was touched; else the command tags seen and, with "full":true when
-- only a full snapshot is exact, or the roots read, the touched keys no root was found for
-- (dropped objects) and the rows.
-- Nested loops only: lookups go through pg_depend's index instead of scanning the catalog.
CREATE FUNCTION ${TRACKER_SCHEMA}.changed() RETURNS text LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  n_touched int;
  needs_full boolean;
  roots text[];
  unresolved text[];
  tags text[];
  granted boolean;
BEGIN
WITH RECURSIVE consumed AS (
  DELETE FROM ${TRACKER_SCHEMA}.touched RETURNING classid, objid, tag
), seed AS (
  SELECT DISTINCT classid, objid FROM consumed WHERE classid IS NOT NULL AND objid IS NOT NULL
), closure (classid, objid) AS (
  SELECT classid, objid FROM seed
  UNION
  SELECT d.classid, d.objid FROM closure c JOIN pg_depend d
    ON d.refclassid = c.classid AND d.refobjid = c.objid
), resolved AS (
  SELECT c.classid, c.objid, CASE c.classid
  WHEN 'pg_class'::regclass THEN (SELECT CASE
      WHEN r.relkind IN ('i', 'I') THEN
        (SELECT '1259:' || i.indrelid::text FROM pg_index i WHERE i.indexrelid = r.oid)
      WHEN r.relkind = 'c' THEN '1247:' || r.reltype::text
      WHEN r.relkind = 't' THEN NULL
      ELSE '1259:' || r.oid::text END
    FROM pg_class r WHERE r.oid = c.objid)
  WHEN 'pg_constraint'::regclass THEN (SELECT CASE
      WHEN co.conrelid <> 0 THEN '1259:' || co.conrelid::text
      WHEN co.contypid <> 0 THEN '1247:' || co.contypid::text END
    FROM pg_constraint co WHERE co.oid = c.objid)
  WHEN 'pg_trigger'::regclass THEN (SELECT '1259:' || t.tgrelid::text FROM pg_trigger t
    WHERE t.oid = c.objid AND NOT t.tgisinternal)
  WHEN 'pg_policy'::regclass THEN
    (SELECT '1259:' || p.polrelid::text FROM pg_policy p WHERE p.oid = c.objid)
  WHEN 'pg_rewrite'::regclass THEN
    (SELECT '1259:' || w.ev_class::text FROM pg_rewrite w WHERE w.oid = c.objid)
  WHEN 'pg_attrdef'::regclass THEN
    (SELECT '1259:' || a.adrelid::text FROM pg_attrdef a WHERE a.oid = c.objid)
  WHEN 'pg_type'::regclass THEN (SELECT CASE
      WHEN t.typrelid <> 0 AND tr.relkind <> 'c' THEN '1259:' || t.typrelid::text
      WHEN t.typtype IN ('e', 'd', 'c', 'r') THEN '1247:' || t.oid::text END
    FROM pg_type t LEFT JOIN pg_class tr ON tr.oid = t.typrelid WHERE t.oid = c.objid)
  WHEN 'pg_proc'::regclass THEN '1255:' || c.objid::text
  WHEN 'pg_namespace'::regclass THEN '2615:' || c.objid::text
  WHEN 'pg_extension'::regclass THEN '3079:' || c.objid::text
  ELSE CASE WHEN c.classid::int IN (${OTHER_CATALOGS}) THEN '${OTHER_ROOT}' END
  END AS root FROM closure c
)
SELECT (SELECT count(*) FROM consumed),
  (SELECT bool_or(tag IN ('ALTER SCHEMA', 'FULL')) FROM consumed),
  (SELECT array_agg(DISTINCT r.root) FROM (SELECT root FROM resolved WHERE root IS NOT NULL
    UNION SELECT '${OTHER_ROOT}' FROM consumed WHERE tag = 'ALTER DEFAULT PRIVILEGES') r),
  (SELECT array_agg(s.classid::text || ':' || s.objid::text) FROM seed s
    JOIN resolved r ON r.classid = s.classid AND r.objid = s.objid WHERE r.root IS NULL),
  (SELECT array_agg(DISTINCT tag) FROM consumed WHERE tag <> 'FULL'),
  (SELECT bool_or(tag IN ('GRANT', 'REVOKE')) FROM consumed)
INTO n_touched, needs_full, roots, unresolved, tags, granted;
IF n_touched = 0 THEN RETURN NULL; END IF;
IF granted THEN
  roots := ARRAY(SELECT DISTINCT r FROM unnest(roots || ${TRACKER_SCHEMA}.acl_roots()) r);
END IF;
IF needs_full THEN
  RETURN '{"full":true,"tags":' || to_json(coalesce(tags, '{}'))::text || '}';
END IF;
RETURN '{"tags":' || to_json(coalesce(tags, '{}'))::text
  || ',"roots":' || to_json(coalesce(roots, '{}'))::text
  || ',"unresolved":' || to_json(coalesce(unresolved, '{}'))::text
  || ',"rows":' || ${READ_ROOTS} || '}';
END $$;
CREATE EVENT TRIGGER tide_verify_ddl ON ddl_command_end EXECUTE FUNCTION ${TRACKER_SCHEMA}.on_ddl();
CREATE EVENT TRIGGER tide_verify_drop ON sql_drop EXECUTE FUNCTION ${TRACKER_SCHEMA}.on_drop();
`;

/** Event triggers can be off (PostgreSQL 17's `event_triggers`): prove they fire. */
const PROBE = `CREATE TABLE ${TRACKER_SCHEMA}.probe (); DROP TABLE ${TRACKER_SCHEMA}.probe;`;

const NOT_INSTALLED = Symbol("not installed");

/**
 * Installs the event triggers in the database behind `db` (in the `tide_verify` schema) and
 * returns a tracker; when that is refused, a tracker that always takes full snapshots. Call it
 * once per database, before the first snapshot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPgliteDriver } from "../drivers/pglite.ts";
 * import { trackChanges } from "./change_tracker.ts";
 *
 * await using db = await createPgliteDriver();
 * const tracker = await trackChanges(db);
 * assert.equal(tracker.tracking, true); // PGlite runs event triggers
 * const before = await tracker.snapshot(db);
 * await db.exec("create table t (id int)");
 * const after = await tracker.snapshot(db, before); // reads only what the triggers saw change
 * assert.deepEqual(after.placed.map((p) => p.object.name), ["public", "public.t", "public.t.id"]);
 * ```
 */
export async function trackChanges(db: Driver): Promise<ChangeTracker> {
  const tracking = await db.transaction(async (tx) => {
    await tx.exec(INSTALL);
    await tx.exec(scopedReaderFunction(READER, { privileges: true }));
    await tx.exec(PROBE);
    const [probe] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${TRACKER_SCHEMA}.touched`,
    );
    if (probe.n === 0) throw NOT_INSTALLED;
    await tx.exec(`DELETE FROM ${TRACKER_SCHEMA}.touched`);
    return true;
  }).catch(() => false);
  // Privileges are compared: a down that forgets a REVOKE does not restore the schema.
  const exclusions = { excludeSchemas: tracking ? [TRACKER_SCHEMA] : [], privileges: true };
  const full = (db: Queryable) => readIncremental(db, exclusions);
  let commands: readonly string[] | undefined;
  return {
    tracking,
    snapshot: async (db, base) => {
      if (!tracking) return await full(db);
      const changes = await changed(db);
      commands = changes?.tags ?? [];
      if (base === undefined || changes?.full) return await full(db);
      if (changes === undefined) return base;
      return await merge(db, base, changes);
    },
    commands: () => commands,
  };
}

/** What `tide_verify.changed()` returned when some objects were touched. */
interface Changes {
  /** The tags of the commands run. */
  tags: string[];
  /** Only a full snapshot is exact; nothing else is set. */
  full?: true;
  /** Roots whose rows were read. */
  roots: string[];
  /** Touched objects that no longer exist (or are not snapshotted): their root is in the base. */
  unresolved: string[];
  /** The rows of every family under `roots`. */
  rows: Record<string, unknown>;
}

/**
 * Merges the rows read under the changed roots into `base`. A dropped object's root is found in
 * `base`, as are the partitions a detached parent had: those still existing are read in a
 * second call, which most steps never need.
 */
async function merge(
  db: Queryable,
  base: IncrementalSnapshot,
  changes: Changes,
): Promise<IncrementalSnapshot> {
  const roots = changeScope(base, [...changes.roots, ...changes.unresolved]);
  const snapshot = mergeScopedRows(base, roots, changes.rows);
  // An unresolved key no longer exists; a root that is one has nothing left to read.
  const settled = new Set([...changes.roots, ...changes.unresolved]);
  const extra = roots.filter((root) => !settled.has(root));
  if (extra.length === 0) return snapshot;
  return await rereadScope(db, snapshot, extra, READER);
}

async function changed(db: Queryable): Promise<Changes | undefined> {
  try {
    const [row] = await db.query<{ changes: string | null }>(
      `SELECT ${TRACKER_SCHEMA}.changed() AS changes`,
    );
    if (row.changes === null) return undefined;
    return JSON.parse(row.changes) as Changes;
  } catch (error) {
    const reason = errorMessage(error);
    throw new MigrationError(
      "CHANGE_TRACKING_FAILED",
      `Reading the schema changes of the last step failed: ${reason}. Verification keeps its ` +
        `bookkeeping in the ${TRACKER_SCHEMA} schema; a migration must not drop or alter it.`,
      { cause: error },
    );
  }
}
