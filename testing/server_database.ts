/**
 * Test databases on a PostgreSQL server: each one a copy (`CREATE DATABASE ... TEMPLATE`) of a
 * template database that is migrated once per migration set and named by its hash
 * (`tide_tpl_<project>_<hash>`), then reused while the hash is unchanged. Concurrent test
 * processes build a template once: the builder holds an advisory lock, the others wait for it.
 *
 * @module
 */
import {
  connect,
  type Driver,
  errorMessage,
  MigrationError,
  redactUrl,
  type Row,
  sqlStateOf,
} from "../mod.ts";
import { lockKey, quoteIdentifier } from "../src/internal.ts";

/** A throwaway database on a server, dropped when closed. */
export interface ServerTestDatabase extends Driver {
  /** Always `"postgres"`. */
  readonly kind: "postgres";
  /** PGlite only; absent here. */
  readonly pglite?: undefined;
  /** Name of the database (`tide_test_<random>`). */
  readonly database: string;
  /** The URL of this database, with the server URL's credentials, for the app's own client. */
  url(): Promise<string>;
}

/** A migrated (and seeded) state: how to name it, build it, and finish each copy of it. */
export interface TemplateSpec {
  /** Short hash of the project (its migrations directory): templates of one family replace each other. */
  family: string;
  /** Hash of everything the migrated state depends on. */
  hash: string;
  /** Migrates (and seeds) the new template database. */
  build(db: Driver): Promise<void>;
  /** Runs on each new copy (an uncached seed). */
  each?: (db: Driver) => Promise<void>;
}

/** Templates of one family kept on the server: the newest ones, for switching branches back. */
const TEMPLATES_KEPT = 3;
const APPLICATION_NAME = "tide test";

/**
 * Creates `tide_test_<random>` on the server of `serverUrl` as a copy of the spec's template,
 * building the template first when it does not exist yet. The role needs `CREATEDB`; without
 * it this rejects with a `TEST_DATABASE_FAILED` {@linkcode MigrationError} that says so.
 *
 * @example
 * ```ts ignore
 * await using db = await createServerTestDatabase("postgres://postgres@localhost/postgres", {
 *   family: "1a2b3c4d5e6f",
 *   hash: "9f86d081884c7d659a2feaa0c55ad015",
 *   build: (db) => db.exec("create table t (id int)"),
 * });
 * ```
 */
export async function createServerTestDatabase(
  serverUrl: string,
  spec: TemplateSpec,
): Promise<ServerTestDatabase> {
  const admin = await connect(serverUrl, { applicationName: APPLICATION_NAME });
  let db: ServerTestDatabase;
  try {
    const name = await cloneTemplate(admin, serverUrl, spec);
    const url = databaseUrlFor(serverUrl, name);
    db = serverDatabase(admin, lazyDriver(url), name, url);
  } catch (error) {
    await admin.close();
    throw error;
  }
  try {
    await spec.each?.(db);
    return db;
  } catch (error) {
    await db.close(); // drops it, and closes the admin session
    throw error;
  }
}

function serverDatabase(
  admin: Driver,
  driver: Driver,
  database: string,
  url: string,
): ServerTestDatabase {
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      try {
        await driver.close();
        await dropDatabase(admin, database);
      } finally {
        await admin.close();
      }
    })();
  return {
    ...driver,
    kind: "postgres",
    database,
    url: () => Promise.resolve(url),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** tide's driver on the new database, connected on first use: app tests use their own client. */
function lazyDriver(url: string): Driver {
  let opened: Promise<Driver> | undefined;
  const open = () => opened ??= connect(url, { applicationName: APPLICATION_NAME });
  const driver: Driver = {
    kind: "postgres",
    target: redactUrl(url),
    exec: async (sql) => await (await open()).exec(sql),
    query: async <T extends Row = Row>(sql: string, params?: readonly unknown[]) =>
      await (await open()).query<T>(sql, params),
    transaction: async (fn) => await (await open()).transaction(fn),
    close: async () => await (await opened?.catch(() => undefined))?.close(),
    [Symbol.asyncDispose]: () => driver.close(),
  };
  return driver;
}

/** A copy of the template; a template pruned by another process meanwhile is rebuilt once. */
async function cloneTemplate(admin: Driver, serverUrl: string, spec: TemplateSpec) {
  const name = `tide_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  for (let attempt = 1;; attempt++) {
    const template = await ensureTemplate(admin, serverUrl, spec);
    try {
      await createDatabase(admin, name, template);
      return name;
    } catch (error) {
      const vanished = sqlStateOf(error) === "3D000"; // invalid_catalog_name
      if (!vanished || attempt > 1) throw error;
    }
  }
}

async function ensureTemplate(admin: Driver, serverUrl: string, spec: TemplateSpec) {
  const name = `tide_tpl_${spec.family}_${spec.hash.slice(0, 32)}`;
  if (await databaseExists(admin, name)) return name;
  const key = lockKey(`tide:test-template:${name}`);
  await admin.query("SELECT pg_advisory_lock($1::bigint)", [key]);
  try {
    // Another process may have built it while this one waited for the lock.
    if (await databaseExists(admin, name)) return name;
    await buildTemplate(admin, serverUrl, name, spec);
    await pruneTemplates(admin, spec.family, name);
    return name;
  } finally {
    await admin.query("SELECT pg_advisory_unlock($1::bigint)", [key]);
  }
}

/** Built under another name and renamed when complete: a template that exists is whole. */
async function buildTemplate(admin: Driver, serverUrl: string, name: string, spec: TemplateSpec) {
  const building = `${name}_build`;
  await dropDatabase(admin, building); // left over by a builder that died
  await createDatabase(admin, building);
  try {
    const db = await connect(databaseUrlFor(serverUrl, building), {
      applicationName: APPLICATION_NAME,
    });
    try {
      await spec.build(db);
    } finally {
      await db.close();
    }
    await admin.exec(
      `ALTER DATABASE ${quoteIdentifier(building)} RENAME TO ${quoteIdentifier(name)}`,
    );
  } catch (error) {
    await dropDatabase(admin, building);
    throw error;
  }
  // No sessions on it, ever: a template being used cannot be copied.
  await admin.exec(
    `ALTER DATABASE ${quoteIdentifier(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
  );
}

/** Drops this family's older templates beyond the newest few; one in use stays. */
async function pruneTemplates(admin: Driver, family: string, current: string): Promise<void> {
  const older = await admin.query<{ name: string }>(
    `SELECT datname AS name FROM pg_database
      WHERE datname LIKE $1 AND datname NOT LIKE '%\\_build' AND datname <> $2
      ORDER BY oid DESC OFFSET $3`,
    [`tide\\_tpl\\_${family}\\_%`, current, TEMPLATES_KEPT - 1],
  );
  for (const { name } of older) {
    try {
      await admin.exec(`ALTER DATABASE ${quoteIdentifier(name)} WITH IS_TEMPLATE false`);
      await admin.exec(`DROP DATABASE ${quoteIdentifier(name)}`);
    } catch {
      // Not ours to drop, or being copied right now: a later prune gets it.
    }
  }
}

async function databaseExists(admin: Driver, name: string): Promise<boolean> {
  const rows = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  return rows.length > 0;
}

async function createDatabase(admin: Driver, name: string, template?: string): Promise<void> {
  const from = template === undefined ? "" : ` TEMPLATE ${quoteIdentifier(template)}`;
  try {
    await admin.exec(`CREATE DATABASE ${quoteIdentifier(name)}${from}`);
  } catch (error) {
    if (sqlStateOf(error) === "3D000") throw error; // the template vanished: the caller retries
    const denied = sqlStateOf(error) === "42501"; // insufficient_privilege
    throw new MigrationError(
      "TEST_DATABASE_FAILED",
      `Creating the test database ${name} on ${admin.target} failed: ${errorMessage(error)}. ` +
        (denied
          ? "The role of the database URL needs the CREATEDB privilege (ALTER ROLE ... " +
            "CREATEDB), or use a role that has it (TIDE_TEST_DATABASE_URL)."
          : "Check that the server accepts new databases (disk space, max connections)."),
      { cause: error },
    );
  }
}

async function dropDatabase(admin: Driver, name: string): Promise<void> {
  await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`).catch(
    () => {}, // best effort: a leftover tide_test_* database is harmless
  );
}

/** The same server URL, pointing at another database. */
function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
