/**
 * Rewrites: an existing table or index that got a new `relfilenode` (`table-rewrite`: a type
 * change, a volatile default, SET TABLESPACE, VACUUM FULL, CLUSTER...), a SERIAL, identity or
 * stored generated column added to an existing table (`serial-column`), a type narrowed
 * (`narrowing-type`, from the column's type before and after), and a change between `timestamp`
 * and `timestamptz` whose rewrite depends on the session's TimeZone (`timezone-rewrite`).
 *
 * @module
 */
import { describeBlocked } from "./lock_modes.ts";
import type { StatementMeasurement } from "./measurement.ts";
import {
  type Draft,
  existedBefore,
  lockEvidence,
  measuredAt,
  nameOf,
  rowsOf,
  rowsWords,
  type Rule,
  type RuleContext,
} from "./rule_context.ts";
import { type Node, nodeOf, nodesOf, relationName, typeNameOf } from "./sql_parser.ts";

const TABLE_KINDS = ["r", "p", "m"];

/** `table-rewrite`: measured, from `relfilenode`. */
export const rewriteRule: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const measured = measuredAt(context, statement.index);
    if (!measured || measured.rewritten.length === 0) return [];
    // TRUNCATE gives a table new files too, but reads nothing.
    if (nodeOf(statement.node, "TruncateStmt")) return [];
    const relations = context.measurement!.relations;
    const kindOf = (oid: number) => relations.byOid.get(oid)?.kind ?? "";
    const tables = measured.rewritten.filter((oid) => TABLE_KINDS.includes(kindOf(oid)));
    const main = tables[0] ?? measured.rewritten[0];
    const mode = measured.held.get(main) ?? "AccessExclusiveLock";
    const { rows, note } = rowsOf(context, main);
    const names = measured.rewritten.map((oid) => nameOf(context, oid));
    return [{
      rule: "table-rewrite",
      statement: statement.index,
      message: `${nameOf(context, main)} is rewritten (${names.join(", ")} get new files), ` +
        `copying ${rowsWords(rows)} while ${mode} is held, which ${describeBlocked(mode)}.`,
      evidence: { ...lockEvidence(context, main, mode), rewritten: names, note },
      ...rewriteFix(statement.node, nameOf(context, main)),
    }];
  });

/**
 * The way around a rewrite that is no column change, where the rule's general advice (a new
 * column, backfilled) does not apply.
 */
function rewriteFix(node: Node | undefined, name: string): { fix?: string } {
  if (nodeOf(node, "RefreshMatViewStmt")) {
    return {
      fix: `REFRESH MATERIALIZED VIEW CONCURRENTLY ${name}: reads of the view go on while it ` +
        "refreshes (it needs a unique index on the view).",
    };
  }
  if (nodeOf(node, "ReindexStmt")) {
    return {
      fix: "REINDEX ... CONCURRENTLY (PostgreSQL 12+) rebuilds without blocking reads and " +
        "writes, alone in a migration marked -- tide:no-transaction.",
    };
  }
  const vacuum = nodeOf(node, "VacuumStmt");
  const full = nodesOf(vacuum?.options, "DefElem").some((option) => option.defname === "full");
  if (nodeOf(node, "ClusterStmt") || full) {
    return {
      fix: `Rebuild ${name} online with pg_repack or pg_squeeze, outside the migrations, or run ` +
        "this in a maintenance window.",
    };
  }
  return {};
}

const SERIAL_TYPES = ["serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"];

/** `serial-column`: ADD COLUMN of a SERIAL, identity or stored generated column. */
export const serialRule: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const alter = nodeOf(statement.node, "AlterTableStmt");
    const table = relationName(alter?.relation);
    if (!alter || !existedBefore(context, table, statement.index)) return [];
    return nodesOf(alter.cmds, "AlterTableCmd").filter((cmd) => cmd.subtype === "AT_AddColumn")
      .flatMap((cmd): Draft[] => {
        const column = nodeOf(cmd.def, "ColumnDef");
        const constraints = nodesOf(column?.constraints, "Constraint");
        const serial = SERIAL_TYPES.includes(typeNameOf(column?.typeName));
        const identity = constraints.some((c) => c.contype === "CONSTR_IDENTITY");
        const stored = constraints.some((c) =>
          c.contype === "CONSTR_GENERATED" && c.generated_kind !== "v"
        );
        if (!serial && !identity && !stored) return [];
        const what = serial ? "SERIAL" : identity ? "identity" : "stored generated";
        return [{
          rule: "serial-column",
          statement: statement.index,
          message: `Adding the ${what} column ${column?.colname} to ${table} fills it in every ` +
            "existing row: the table is rewritten under ACCESS EXCLUSIVE, which blocks reads, " +
            "writes and DDL.",
          evidence: { measured: measuredAt(context, statement.index) !== undefined },
        }];
      });
  });

/** How wide a type is, to tell a narrowing: a family and a size in it. */
function width(type: string): { family: string; size: number } | undefined {
  const integer: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };
  if (type in integer) return { family: "integer", size: integer[type] };
  if (type === "numeric") return { family: "numeric", size: Infinity };
  const numeric = /^numeric\((\d+)(?:,(\d+))?\)$/.exec(type);
  if (numeric) {
    return { family: "numeric", size: Number(numeric[1]) * 1000 + Number(numeric[2] ?? 0) };
  }
  if (type === "text" || type === "character varying") return { family: "text", size: Infinity };
  const text = /^(?:character varying|character)\((\d+)\)$/.exec(type);
  if (text) return { family: "text", size: Number(text[1]) };
  if (type === "double precision") return { family: "float", size: 8 };
  if (type === "real") return { family: "float", size: 4 };
  return undefined;
}

/** Whether going from `before` to `after` can lose values. */
function narrows(before: string, after: string): boolean {
  const [from, to] = [width(before), width(after)];
  if (!from || !to) return false;
  if (from.family === to.family) return to.size < from.size;
  // A fraction or a huge number does not fit an integer.
  return (from.family === "numeric" || from.family === "float") && to.family === "integer";
}

/** A column's type before and after an `ALTER COLUMN ... TYPE`, from its probes; `""` unknown. */
function columnTypes(measured: StatementMeasurement, column: string | undefined): [string, string] {
  const type = (when: string) =>
    String(measured.probes.get(`${when} type:${column}`)?.[0]?.type ?? "");
  return [type("before"), type("after")];
}

/** `narrowing-type`: the column's type before and after, measured. */
export const narrowingRule: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const measured = measuredAt(context, statement.index);
    if (!measured) return [];
    const alter = nodeOf(statement.node, "AlterTableStmt");
    const table = relationName(alter?.relation);
    return nodesOf(alter?.cmds, "AlterTableCmd").filter((cmd) =>
      cmd.subtype === "AT_AlterColumnType"
    )
      .flatMap((cmd): Draft[] => {
        const [before, after] = columnTypes(measured, cmd.name);
        if (!before || !after || !narrows(before, after)) return [];
        return [{
          rule: "narrowing-type",
          statement: statement.index,
          message: `${table}.${cmd.name} goes from ${before} to ${after}: values that do not fit ` +
            "make the migration fail (or are cut), and every row is rewritten under ACCESS " +
            "EXCLUSIVE.",
          evidence: { measured: true, note: `${before} -> ${after}` },
        }];
      });
  });

const TIMESTAMPS = ["timestamp without time zone", "timestamp with time zone"];

/** Zones of offset zero: with one of them, PostgreSQL 12+ changes the type in the catalog only. */
const UTC_ZONES = ["utc", "etc/utc", "gmt", "etc/gmt", "uct", "etc/uct", "universal", "zulu"];

/** Whether an earlier statement of the migration set the TimeZone to one of offset zero. */
function setsUtc(context: RuleContext, index: number): boolean {
  return context.statements.slice(0, index).some((statement) => {
    const set = nodeOf(statement.node, "VariableSetStmt");
    const value = nodeOf(set?.args?.[0], "A_Const")?.sval?.sval?.toLowerCase();
    return set?.name === "timezone" && value !== undefined && UTC_ZONES.includes(value);
  });
}

/**
 * `timezone-rewrite`: a column changed between `timestamp` and `timestamptz` (measured, by its
 * type before and after) with no UTC TimeZone set by the migration. Whether the table is
 * rewritten then depends on the production server's TimeZone, which no measurement here sees.
 */
export const timezoneRule: Rule = (context) =>
  context.statements.flatMap((statement) => {
    const measured = measuredAt(context, statement.index);
    const alter = nodeOf(statement.node, "AlterTableStmt");
    const table = relationName(alter?.relation);
    if (!measured || !alter || setsUtc(context, statement.index)) return [];
    return nodesOf(alter.cmds, "AlterTableCmd").filter((cmd) =>
      cmd.subtype === "AT_AlterColumnType"
    ).flatMap((cmd): Draft[] => {
      const [before, after] = columnTypes(measured, cmd.name);
      if (!TIMESTAMPS.includes(before) || !TIMESTAMPS.includes(after) || before === after) {
        return [];
      }
      const here = measured.rewritten.length > 0
        ? "as it was here"
        : "it was not here, where the TimeZone is UTC";
      return [{
        rule: "timezone-rewrite",
        statement: statement.index,
        message: `${table}.${cmd.name} goes from ${before} to ${after}: on a server whose ` +
          `TimeZone is not UTC, the table is rewritten under ACCESS EXCLUSIVE (${here}), and ` +
          "the stored values are read in that zone.",
        evidence: { measured: true, note: `${before} -> ${after}` },
      }];
    });
  });
