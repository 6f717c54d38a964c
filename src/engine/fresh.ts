/**
 * What `fresh` drops: the managed schemas, i.e. the schema of tide's tracking tables and every
 * schema the migrations' ups create, each with everything in it. The tracking tables' schema is
 * created again at once with its owner, privileges and comment, as it may predate the
 * migrations (`public`); the others are left for the migrations to create again.
 *
 * @module
 */
import type { Driver, Queryable } from "../drivers/driver.ts";
import { MigrationError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import { renderScript } from "../files/templates.ts";
import { quoteIdentifier, quoteLiteral } from "../sql/quote.ts";
import { splitStatements } from "../sql/split.ts";

/** `CREATE SCHEMA [IF NOT EXISTS] name`, after any leading comments. */
const CREATE_SCHEMA =
  /^(?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*create\s+schema\s+(?:if\s+not\s+exists\s+)?("(?:[^"]|"")+"|[\p{L}_][\p{L}\p{N}_$]*)/iu;

/**
 * The schemas `fresh` drops: `ledgerSchema` first, then each schema a SQL up creates, in the
 * order met (a TypeScript migration's code is not read). Templates are rendered with
 * `templateSchema`, as the run renders them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMigrationFiles } from "../files/load.ts";
 * import { managedSchemas } from "./fresh.ts";
 *
 * const sql = "-- billing lives apart\nCREATE SCHEMA IF NOT EXISTS billing;\nCREATE TABLE t ();";
 * const bytes = new TextEncoder().encode(sql);
 * const migrations = await parseMigrationFiles([{ path: "001_a.up.sql", bytes }]);
 * assert.deepEqual(managedSchemas("public", migrations), ["public", "billing"]);
 * ```
 */
export function managedSchemas(
  ledgerSchema: string,
  migrations: readonly Migration[],
  templateSchema?: string,
): string[] {
  const schemas = new Set([ledgerSchema]);
  for (const migration of migrations) {
    if (migration.code !== undefined) continue;
    const text = renderScript(migration.up, { schema: templateSchema }).text;
    for (const statement of splitStatements(text)) {
      const name = CREATE_SCHEMA.exec(statement.text)?.[1];
      if (name === undefined) continue;
      schemas.add(
        name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase(),
      );
    }
  }
  return [...schemas];
}

/** What a schema kept by `fresh` is created again with. */
interface SchemaLook {
  owner: string;
  comment: string | null;
  grants: { grantee: string; privilege: string; grantable: boolean }[];
}

/**
 * Drops `schemas` with everything in them (`DROP SCHEMA ... CASCADE`, so objects elsewhere that
 * depend on them go too), then creates `keep` again as it was: owner, privileges, comment. One
 * transaction: a failure (a role that does not own a schema) changes nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { dropSchemas } from "./fresh.ts";
 *
 * await using db = await connect("memory://");
 * await db.exec("CREATE TABLE t (); CREATE SCHEMA billing; CREATE TABLE billing.b ();");
 * await dropSchemas(db, ["public", "billing"], "public");
 * const [row] = await db.query("SELECT to_regclass('t') AS t, to_regnamespace('billing') AS b");
 * assert.deepEqual(row, { t: null, b: null });
 * ```
 */
export async function dropSchemas(db: Driver, schemas: string[], keep: string): Promise<void> {
  await db.transaction(async (tx) => {
    const look = await schemaLook(tx, keep);
    for (const schema of schemas) {
      await tx.exec(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    }
    if (look !== undefined) await tx.exec(recreateSql(keep, look));
  });
}

async function schemaLook(db: Queryable, schema: string): Promise<SchemaLook | undefined> {
  const [row] = await db.query<{ owner: string; comment: string | null }>(
    `SELECT nspowner::regrole::text AS owner, obj_description(oid, 'pg_namespace') AS comment
       FROM pg_namespace WHERE nspname = $1`,
    [schema],
  );
  if (row === undefined) return undefined;
  const grants = await db.query<SchemaLook["grants"][number]>(
    `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS grantee,
             a.privilege_type AS privilege, a.is_grantable AS grantable
       FROM pg_namespace n, aclexplode(n.nspacl) a
      WHERE n.nspname = $1 AND a.grantee <> n.nspowner`,
    [schema],
  );
  return { ...row, grants };
}

function recreateSql(schema: string, look: SchemaLook): string {
  const name = quoteIdentifier(schema);
  // regrole::text is already quoted where it needs to be.
  const statements = [`CREATE SCHEMA ${name} AUTHORIZATION ${look.owner}`];
  for (const grant of look.grants) {
    const option = grant.grantable ? " WITH GRANT OPTION" : "";
    statements.push(`GRANT ${grant.privilege} ON SCHEMA ${name} TO ${grant.grantee}${option}`);
  }
  if (look.comment !== null) {
    statements.push(`COMMENT ON SCHEMA ${name} IS ${quoteLiteral(look.comment)}`);
  }
  return statements.join(";\n");
}

/**
 * Refuses a `fresh` that would drop what modules not in the run applied (`MISSING_FILE`): it
 * drops every module's rows and objects, and applies again only those it has the files of.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseOtherModules } from "./fresh.ts";
 *
 * refuseOtherModules([{ module: "" }], new Set([""]));
 * assert.throws(() => refuseOtherModules([{ module: "auth" }], new Set([""])), /"auth"/);
 * ```
 */
export function refuseOtherModules(rows: { module: string }[], names: Set<string>): void {
  const left = [...new Set(rows.map((row) => row.module))].filter((m) => !names.has(m));
  if (left.length === 0) return;
  const listed = left.map((m) => m === "" ? "the default module" : `"${m}"`).join(", ");
  throw new MigrationError(
    "MISSING_FILE",
    `Cannot run fresh: the tracking table also records migrations of ${listed}, whose files ` +
      "this run does not have, and fresh drops their objects with the schema. List every module " +
      'under "modules" in the config file and run it without --module, or use `tide reset`.',
  );
}
