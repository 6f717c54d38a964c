/**
 * Who applies migrations, for the tracking and log tables.
 *
 * @module
 */
import type { Queryable } from "../drivers/driver.ts";

/**
 * Who applies migrations: the database user and, when known, the person or CI actor
 * (`$GITHUB_ACTOR`, else `$USER`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connect } from "../drivers/connect.ts";
 * import { appliedBy } from "./actor.ts";
 *
 * await using db = await connect("memory://");
 * assert.equal(await appliedBy(db, "octocat"), "postgres (octocat)"); // PGlite's user is postgres
 * ```
 */
export async function appliedBy(db: Queryable, actor?: string): Promise<string> {
  const rows = await db.query<{ user: string }>('SELECT current_user::text AS "user"');
  const who = actor ?? envVar("GITHUB_ACTOR") ?? envVar("USER");
  return who ? `${rows[0]?.user} (${who})` : String(rows[0]?.user);
}

function envVar(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined; // without --allow-env the actor is simply unknown
  }
}
