/**
 * The floor tide is measured against: psql applying the same files in one session, one
 * transaction per file, with no bookkeeping at all.
 *
 * @module
 */
import { join } from "node:path";
import { MigrationError } from "../src/errors.ts";
import { redactSecrets } from "../src/sql/redact.ts";

/** Time psql took to apply every up, then every down in reverse. */
export interface FloorTimes {
  /** All ups, in one psql session, in milliseconds. */
  upMs: number;
  /** All downs in reverse order, in one psql session, in milliseconds. */
  downMs: number;
}

/**
 * Finds a psql binary: `$PSQL`, else `psql` on the PATH, else the newest under
 * `/usr/lib/postgresql/<major>/bin`.
 *
 * @example
 * ```ts ignore
 * // Needs psql installed.
 * import assert from "node:assert/strict";
 * import { findPsql } from "./psql_floor.ts";
 *
 * assert.match(await findPsql(), /psql$/);
 * ```
 */
export async function findPsql(): Promise<string> {
  const candidates = [Deno.env.get("PSQL"), "psql"];
  try {
    const majors = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => Number(e.name));
    for (const major of majors.sort((a, b) => b - a)) {
      candidates.push(`/usr/lib/postgresql/${major}/bin/psql`);
    }
  } catch {
    // No Debian-style install: only $PSQL and the PATH are left.
  }
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const { success } = await new Deno.Command(candidate, { args: ["--version"] }).output();
      if (success) return candidate;
    } catch {
      // Not there: try the next.
    }
  }
  throw new MigrationError(
    "CONFIG_ERROR",
    "Measuring the psql floor: no psql found ($PSQL, the PATH, /usr/lib/postgresql/*/bin). " +
      "Install the PostgreSQL client or set PSQL to its path.",
  );
}

/**
 * Builds a psql script running each file in its own transaction: `BEGIN; \i 'file' COMMIT;`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { floorScript } from "./psql_floor.ts";
 *
 * assert.equal(floorScript(["/m/001_a.up.sql"]), "BEGIN;\n\\i '/m/001_a.up.sql'\nCOMMIT;\n");
 * ```
 */
export function floorScript(files: readonly string[]): string {
  return files
    .map((file) =>
      `BEGIN;\n\\i '${file.replaceAll("\\", "\\\\").replaceAll("'", "''")}'\nCOMMIT;\n`
    )
    .join("");
}

/**
 * Runs a psql script file against `url` and returns how long psql took, in milliseconds.
 * Stops at the first error, with psql's message (any password in it redacted).
 *
 * @example
 * ```ts ignore
 * import { runPsqlScript } from "./psql_floor.ts";
 *
 * const ms = await runPsqlScript("psql", "postgres://localhost/db", "/tmp/script.sql");
 * ```
 */
export async function runPsqlScript(psql: string, url: string, script: string): Promise<number> {
  const args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", script, "-d", url];
  const start = performance.now();
  const { success, stderr } = await new Deno.Command(psql, {
    args,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  const ms = performance.now() - start;
  if (!success) {
    const password = passwordOf(url);
    const message = redactSecrets(new TextDecoder().decode(stderr), password ? [password] : []);
    throw new MigrationError(
      "SQL_ERROR",
      `Running ${script} with psql failed: ${message.trim()}. Check that the database is empty.`,
      { file: script },
    );
  }
  return ms;
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** The pair-format up files of `dir`, in version order. */
async function upFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".up.sql")) names.push(entry.name);
  }
  // Versions are zero-padded to one width, so name order is version order.
  return names.sort().map((name) => join(dir, name));
}

/**
 * Applies every up of the pair-format set in `dir` with psql, then every down in reverse, on an
 * empty database, and returns both times.
 *
 * @example
 * ```ts ignore
 * import { findPsql, psqlFloor } from "./psql_floor.ts";
 *
 * const url = "postgres://localhost/bench"; // a PostgreSQL server
 * const { upMs, downMs } = await psqlFloor(await findPsql(), url, "/tmp/bench-100");
 * ```
 */
export async function psqlFloor(psql: string, url: string, dir: string): Promise<FloorTimes> {
  const ups = await upFiles(dir);
  const downs = ups.map((file) => file.replace(/\.up\.sql$/, ".down.sql")).reverse();
  const scripts = await Deno.makeTempDir({ prefix: "tide-bench-psql-" });
  try {
    await Deno.writeTextFile(join(scripts, "up.psql"), floorScript(ups));
    await Deno.writeTextFile(join(scripts, "down.psql"), floorScript(downs));
    const upMs = await runPsqlScript(psql, url, join(scripts, "up.psql"));
    const downMs = await runPsqlScript(psql, url, join(scripts, "down.psql"));
    return { upMs, downMs };
  } finally {
    await Deno.remove(scripts, { recursive: true });
  }
}
