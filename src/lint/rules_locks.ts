/**
 * Locks, measured: a lock that blocks queries requested with no `lock_timeout` in force
 * (`no-lock-timeout`: it waits behind any long transaction, and every query on the table waits
 * behind it), statements that run while such a lock is held (`lock-held`), and an UPDATE that
 * locks every row of an existing table until the migration commits (`unbatched-update`).
 *
 * @module
 */
import { blocksQueries, describeBlocked, LOCK_MODES, type LockMode } from "./lock_modes.ts";
import {
  type Draft,
  holdsAppRows,
  lockEvidence,
  measuredAt,
  nameOf,
  type Rule,
  type RuleContext,
} from "./rule_context.ts";
import { nodeOf, nodesOf, relationName } from "./sql_parser.ts";
import type { LintStatement } from "./statements.ts";

/** The strongest of a map's locks on tables and views (an index's follows its table's). */
function strongest(
  context: RuleContext,
  locks: Map<number, LockMode>,
): [number, LockMode] | undefined {
  const kind = (oid: number) => context.measurement?.relations.byOid.get(oid)?.kind ?? "";
  return [...locks].filter(([oid]) => !["i", "I"].includes(kind(oid)))
    .sort(([, a], [, b]) => LOCK_MODES.indexOf(b) - LOCK_MODES.indexOf(a))[0];
}

/** `no-lock-timeout`. */
export const lockTimeoutRule: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const measured = measuredAt(context, statement.index);
    if (!measured || measured.lockTimeoutMs > 0) return [];
    const blocking = new Map([...measured.taken].filter(([, mode]) => blocksQueries(mode)));
    const taken = strongest(context, blocking);
    if (!taken) return [];
    const [oid, mode] = taken;
    return [{
      rule: "no-lock-timeout",
      statement: statement.index,
      message: `${mode} on ${nameOf(context, oid)} is requested with no lock_timeout: behind ` +
        `any long-running transaction it waits without limit, and meanwhile it ${
          describeBlocked(mode)
        } for everyone queued behind it.`,
      evidence: { ...lockEvidence(context, oid, mode), lockTimeoutMs: 0 },
    }];
  });

/** Statements that do not matter while a lock is held: settings. */
function isSetting(statement: LintStatement): boolean {
  return nodeOf(statement.node, "VariableSetStmt") !== undefined ||
    nodeOf(statement.node, "VariableShowStmt") !== undefined;
}

/** Statements that read a whole table: VALIDATE CONSTRAINT and data changes. */
function readsTable(statement: LintStatement): boolean {
  const node = statement.node;
  const alter = nodeOf(node, "AlterTableStmt");
  if (
    nodesOf(alter?.cmds, "AlterTableCmd").some((cmd) => cmd.subtype === "AT_ValidateConstraint")
  ) {
    return true;
  }
  return ["UpdateStmt", "DeleteStmt", "InsertStmt", "MergeStmt"].some((kind) =>
    node !== undefined && kind in node
  );
}

/**
 * `lock-held`: a statement that starts while an earlier one's ACCESS EXCLUSIVE is held, or that
 * reads a whole table while a lock that blocks writes is held.
 */
export const lockHeldRule: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const measured = measuredAt(context, statement.index);
    if (!measured || isSetting(statement)) return [];
    const exclusive = new Map(
      [...measured.heldAtStart].filter(([, mode]) => mode === "AccessExclusiveLock"),
    );
    const held = strongest(context, readsTable(statement) ? measured.heldAtStart : exclusive);
    if (!held) return [];
    const [oid, mode] = held;
    const taker = [...context.measurement!.statements.values()].find((m) =>
      m.taken.get(oid) === mode
    );
    const where = taker ? ` since line ${context.statements[taker.index]?.line}` : "";
    return [{
      rule: "lock-held",
      statement: statement.index,
      message: `This statement runs while the migration holds ${mode} on ${nameOf(context, oid)}` +
        `${where}, which ${describeBlocked(mode)} until the migration commits.`,
      evidence: lockEvidence(context, oid, mode),
    }];
  });

/**
 * `unbatched-update`: an UPDATE of an existing table that changed each of its rows (measured:
 * the seeded rows carry its transaction id), or, where it did not run or the table could not be
 * seeded, that has no WHERE. A data fix that changes some rows is not flagged, nor an UPDATE of a
 * table whose rows earlier migrations inserted (reference data: production holds those rows).
 */
export const unbatchedUpdateRule: Rule = (context) =>
  context.statements.flatMap((statement): Draft[] => {
    const update = nodeOf(statement.node, "UpdateStmt");
    const table = relationName(update?.relation);
    if (!update || !table || !holdsAppRows(context, table, statement.index)) return [];
    const [counted] = measuredAt(context, statement.index)?.probes.get("after rows") ?? [];
    const rows = Number(counted?.total ?? 0);
    const every = rows > 0 ? Number(counted?.changed) === rows : update.whereClause === undefined;
    if (!every) return [];
    const changed = rows > 0 ? `changed all ${rows} rows here` : "changes every row";
    return [{
      rule: "unbatched-update",
      statement: statement.index,
      message: `This UPDATE of ${table} ${changed} in one transaction: on production it locks ` +
        "each row it changes until the migration commits (writers of those rows wait), and " +
        "writes a new version of every row at once (the table and its indexes grow, replicas lag).",
      evidence: { measured: rows > 0, scan: { relation: table, rows: rows > 0 ? rows : null } },
    }];
  });
