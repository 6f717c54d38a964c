/**
 * Which DDL commands change only what a schema snapshot holds. An up whose snapshot did not
 * change is data only, and needs no down, only when every command it ran is one of these: a
 * `CREATE CONVERSION` or `CREATE LANGUAGE`, which no snapshot shows, would otherwise pass as
 * data only.
 *
 * @module
 */

/** Commands of a snapshotted kind whose effect snapshots do not hold: an extension's version. */
const UNSEEN = new Set(["ALTER EXTENSION"]);

/** Command tags (as event triggers report them) whose effects snapshots hold in full. */
const SNAPSHOTTED = new Set(
  [
    ["TABLE", "FOREIGN TABLE", "VIEW", "MATERIALIZED VIEW", "INDEX", "SEQUENCE", "TYPE", "DOMAIN"],
    ["FUNCTION", "PROCEDURE", "TRIGGER", "POLICY", "SCHEMA", "EXTENSION", "RULE", "AGGREGATE"],
    ["CAST", "COLLATION", "OPERATOR", "STATISTICS", "PUBLICATION", "EVENT TRIGGER"],
    ["TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "FOREIGN DATA WRAPPER", "SERVER"],
  ].flat().flatMap((kind) => [`CREATE ${kind}`, `ALTER ${kind}`, `DROP ${kind}`]).concat(
    "CREATE TABLE AS",
    "SELECT INTO",
    "ALTER ROUTINE",
    "DROP ROUTINE",
    "COMMENT",
    "GRANT",
    "REVOKE",
    "ALTER DEFAULT PRIVILEGES",
    // Refreshing changes data only.
    "REFRESH MATERIALIZED VIEW",
  ).filter((tag) => !UNSEEN.has(tag)),
);

/**
 * True when every command of `tags` changes only what snapshots hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onlySnapshottedChanges } from "./ddl_coverage.ts";
 *
 * assert.equal(onlySnapshottedChanges(["CREATE TABLE", "COMMENT"]), true);
 * assert.equal(onlySnapshottedChanges(["CREATE CONVERSION"]), false);
 * ```
 */
export function onlySnapshottedChanges(tags: readonly string[]): boolean {
  return tags.every((tag) => SNAPSHOTTED.has(tag));
}
