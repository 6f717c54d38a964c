/**
 * A PostgreSQL server for tests: `TIDE_TEST_DATABASE_URL` when set, else a throwaway cluster
 * started once per process and removed when the process exits.
 *
 * The throwaway cluster trusts every connection except those of the role
 * {@linkcode PASSWORD_ROLE}, which must give its password (scram-sha-256), so tests can prove a
 * password is used and never printed. A server given by `TIDE_TEST_DATABASE_URL` should do the
 * same (`.ci/run` sets one up so).
 *
 * Starting the cluster runs subprocesses that finish before the call returns, and leaves no
 * handle open, so test sanitizers can stay on. A test that calls into a database must still
 * close every driver it opens.
 *
 * @module
 */

import postgres from "postgres";

/** The role {@linkcode testServerUrlWithPassword} logs in as; it must give its password. */
export const PASSWORD_ROLE = "tide_password_user";
/** The password of {@linkcode PASSWORD_ROLE}: punctuation included, so encoding is exercised. */
export const TEST_PASSWORD = "pa55-Secret!x";

interface Server {
  /** Superuser URL of the maintenance database. */
  adminUrl: string;
}

let server: Promise<Server> | undefined;

/**
 * Returns the URL of a fresh, empty database (`tide_test_<random>`) owned by a superuser on the
 * test server. Every call makes a new database.
 *
 * @example
 * ```ts ignore
 * import { testDatabaseUrl } from "./postgres_server.ts";
 * import { connect } from "../drivers/connect.ts";
 *
 * Deno.test("a migration runs on PostgreSQL", async () => {
 *   await using db = await connect(await testDatabaseUrl());
 *   await db.exec("create table t (id int)");
 * });
 * ```
 */
export async function testDatabaseUrl(): Promise<string> {
  const { adminUrl } = await testServer();
  const name = await createDatabase(adminUrl);
  return withDatabase(adminUrl, name);
}

/**
 * Returns the URL of a fresh database owned by {@linkcode PASSWORD_ROLE}, logging in with
 * {@linkcode TEST_PASSWORD} (percent-encoded in the URL), and that password.
 *
 * @example
 * ```ts ignore
 * import { testServerUrlWithPassword } from "./postgres_server.ts";
 *
 * const { url, password } = await testServerUrlWithPassword();
 * // Run a command with `url` and check that `password` is nowhere in its output.
 * ```
 */
export async function testServerUrlWithPassword(): Promise<{ url: string; password: string }> {
  const { adminUrl } = await testServer();
  await withAdmin(adminUrl, async (sql) => {
    const [{ exists }] =
      await sql`select exists (select from pg_roles where rolname = ${PASSWORD_ROLE})`;
    const verb = exists ? "alter" : "create";
    await sql.unsafe(`${verb} role ${PASSWORD_ROLE} login password '${TEST_PASSWORD}'`);
  });
  const name = await createDatabase(adminUrl, PASSWORD_ROLE);
  const url = new URL(withDatabase(adminUrl, name));
  url.username = PASSWORD_ROLE;
  url.password = encodeURIComponent(TEST_PASSWORD);
  return { url: url.href, password: TEST_PASSWORD };
}

function testServer(): Promise<Server> {
  const fromEnv = Deno.env.get("TIDE_TEST_DATABASE_URL");
  if (fromEnv) return Promise.resolve({ adminUrl: fromEnv });
  server ??= startThrowawayCluster().catch((error) => {
    server = undefined;
    throw error;
  });
  return server;
}

async function createDatabase(adminUrl: string, owner?: string): Promise<string> {
  const name = `tide_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await withAdmin(adminUrl, async (sql) => {
    await sql.unsafe(`create database ${name}${owner ? ` owner ${owner}` : ""}`);
  });
  return name;
}

async function withAdmin<T>(adminUrl: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.href;
}

async function startThrowawayCluster(): Promise<Server> {
  const bin = await findBinaries();
  const asRoot = Deno.uid() === 0;
  const dir = await Deno.makeTempDir({ dir: asRoot ? "/tmp" : undefined, prefix: "tide-pg-" });
  const data = `${dir}/data`;
  if (asRoot) await run(["chown", "postgres:", dir], false);
  const port = freePort();
  const pgUser = (args: string[]) => run(args, asRoot);
  await pgUser([`${bin}/initdb`, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
  await Deno.writeTextFile(`${data}/pg_hba.conf`, HBA);
  const serverOptions = `-c fsync=off -c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`;
  globalThis.addEventListener("unload", () => stopCluster(bin, data, dir, asRoot));
  await pgUser([
    `${bin}/pg_ctl`,
    "-D",
    data,
    "-l",
    `${dir}/log`,
    "-o",
    serverOptions,
    "-w",
    "start",
  ]);
  return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

const HBA = `local all all trust
host all ${PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256
host all ${PASSWORD_ROLE} ::1/128 scram-sha-256
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
`;

/** Runs at exit, where nothing async completes: hence the synchronous calls. */
function stopCluster(bin: string, data: string, dir: string, asRoot: boolean): void {
  const args = [`${bin}/pg_ctl`, "-D", data, "-m", "immediate", "-w", "stop"];
  const [cmd, ...rest] = asRoot ? ["runuser", "-u", "postgres", "--", ...args] : args;
  try {
    new Deno.Command(cmd, { args: rest, stdout: "null", stderr: "null" }).outputSync();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

async function findBinaries(): Promise<string> {
  const candidates: string[] = [];
  try {
    const out = await new Deno.Command("pg_config", { args: ["--bindir"], stderr: "null" })
      .output();
    if (out.success) candidates.push(new TextDecoder().decode(out.stdout).trim());
  } catch {
    // No pg_config on PATH: look in the Debian layout below.
  }
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => e.name)
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // Not a Debian layout.
  }
  for (const dir of candidates) {
    if (await exists(`${dir}/initdb`) && await exists(`${dir}/pg_ctl`)) return dir;
  }
  throw new Error(
    "Starting a throwaway PostgreSQL for the tests failed: no initdb/pg_ctl found (tried " +
      `pg_config --bindir and /usr/lib/postgresql/*/bin). Install PostgreSQL server binaries ` +
      "or set TIDE_TEST_DATABASE_URL to a server where tests may create databases.",
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function run(args: string[], asPostgres: boolean): Promise<void> {
  const [cmd, ...rest] = asPostgres ? ["runuser", "-u", "postgres", "--", ...args] : args;
  const out = await new Deno.Command(cmd, { args: rest, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) || new TextDecoder().decode(out.stdout);
    throw new Error(`Starting a throwaway PostgreSQL for the tests failed: ${cmd} ${rest.join(" ")}
exited with ${out.code}:\n${text.trim()}`);
  }
}
