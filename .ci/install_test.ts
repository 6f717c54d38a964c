/**
 * tide used the ways the README's "Use it in your project" gives, each in a throwaway project of
 * its own (its own deno.json, migrations, app code and tests), run as separate `deno` processes:
 * the JSR import with `deno link` to this checkout, import-map entries to the checkout's files,
 * and `deno install -g --config`. Also what `deno publish` would ship.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The permissions the README's `tide` task grants. */
const CLI_PERMISSIONS =
  "--allow-read --allow-write --allow-env --allow-net --allow-sys --allow-run=git";
/** What only the GitHub Action uses: a consumer's lock file must never name these. */
const ACTION_DEPENDENCIES = /@actions\/|@octokit\/|octokit/;

const MIGRATIONS: Record<string, string> = {
  "001_create_notes.up.sql": "CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);\n",
  "001_create_notes.down.sql": "DROP TABLE notes;\n",
  "002_add_notes_author.sql": "-- migrate:up\nALTER TABLE notes ADD COLUMN author text;\n\n" +
    "-- migrate:down\nALTER TABLE notes DROP COLUMN author;\n",
};

/** The consumer's own code: app functions on tide's API, and their tests. */
const APP = `import { loadMigrations, type Queryable } from "@tide/tide";

export async function migrationCount(dir: URL): Promise<number> {
  return (await loadMigrations(dir.pathname)).length;
}

export async function addNote(db: Queryable, id: number, body: string): Promise<void> {
  await db.query("INSERT INTO notes (id, body) VALUES ($1, $2)", [id, body]);
}
`;
const TESTS = `import assert from "node:assert/strict";
import { createTestDatabase, roundTripTest } from "@tide/tide/testing";
import { addNote, migrationCount } from "./app.ts";

const dir = new URL("./migrations", import.meta.url);

roundTripTest({ dir });

Deno.test("the app reads its migrations through tide", async () => {
  assert.equal(await migrationCount(dir), 2);
});

Deno.test("an app test gets a migrated database", async () => {
  await using db = await createTestDatabase({ dir });
  await addNote(db, 1, "hello");
  const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM notes");
  assert.equal(rows[0].n, 1);
});
`;

interface Run {
  code: number;
  stdout: string;
  /** stdout and stderr. */
  output: string;
}

/**
 * What the consumer's Deno needs from the machine to reach the registry: its cache, and where
 * the certificates and proxies are (behind a TLS-inspecting proxy, without NODE_EXTRA_CA_CERTS or
 * DENO_CERT every download fails with "invalid peer certificate: UnknownIssuer").
 */
const MACHINE_VARIABLES = [
  "DENO_DIR",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "NPM_CONFIG_REGISTRY",
  ...["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"].flatMap((name) => [name, name.toLowerCase()]),
];

/** Runs a command with a clean environment: no CI, no DATABASE_URL from the machine. */
async function run(command: string, args: string[], cwd: string, cacheDir: string): Promise<Run> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? cwd,
    NO_COLOR: "1",
    TIDE_CACHE_DIR: cacheDir,
  };
  for (const name of MACHINE_VARIABLES) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  const out = await new Deno.Command(command, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const stdout = decode(out.stdout);
  return { code: out.code, stdout, output: stdout + decode(out.stderr) };
}

/** A project of a user's own in a temporary directory; `config` is its deno.json. */
async function consumerProject(config: Record<string, unknown>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tide-consumer-" });
  await Deno.mkdir(join(dir, "migrations"));
  for (const [name, text] of Object.entries(MIGRATIONS)) {
    await Deno.writeTextFile(join(dir, "migrations", name), text);
  }
  await Deno.writeTextFile(join(dir, "app.ts"), APP);
  await Deno.writeTextFile(join(dir, "db_test.ts"), TESTS);
  await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(config, null, 2) + "\n");
  return dir;
}

/** `deno task tide up` and `status --json`, then `deno test`, then the lock file's contents. */
async function useIt(t: Deno.TestContext, project: string, cacheDir: string): Promise<void> {
  const deno = (...args: string[]) => run(Deno.execPath(), args, project, cacheDir);
  await t.step("its tide task applies the migrations to the embedded database", async () => {
    const up = await deno("task", "-q", "tide", "up");
    assert.equal(up.code, 0, up.output);
    assert.match(up.output, /Applied: 002_add_notes_author/);
    const status = await deno("task", "-q", "tide", "status", "--json");
    assert.equal(status.code, 0, status.output);
    const json = JSON.parse(status.stdout);
    assert.deepEqual(json.applied.map((m: { version: string }) => m.version), ["001", "002"]);
    assert.equal(await Deno.readTextFile(join(project, ".tide", ".gitignore")), "*\n");
  });
  await t.step("its round-trip test and app tests pass", async () => {
    const test = await deno("test", "--allow-all", "db_test.ts");
    assert.equal(test.code, 0, test.output);
    assert.match(test.output, /ok \| 3 passed \(2 steps\) \| 0 failed/);
  });
  await t.step("its lock file holds none of the Action's dependencies", async () => {
    const lock = await Deno.readTextFile(join(project, "deno.lock"));
    assert.match(lock, /npm:postgres@/);
    assert.doesNotMatch(lock, ACTION_DEPENDENCIES);
  });
}

async function withCache(fn: (cacheDir: string) => Promise<void>): Promise<void> {
  const cacheDir = await Deno.makeTempDir({ prefix: "tide-consumer-cache-" });
  try {
    await fn(cacheDir);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

Deno.test("a project that imports jsr:@tide/tide and runs `deno link` to a checkout uses tide", async (t) => {
  await withCache(async (cacheDir) => {
    const project = await consumerProject({
      imports: { "@tide/tide": "jsr:@tide/tide@^0.1" },
      tasks: { tide: `deno run ${CLI_PERMISSIONS} jsr:@tide/tide/cli` },
    });
    try {
      await t.step("deno link records the checkout in links", async () => {
        const link = await run(Deno.execPath(), ["link", ROOT], project, cacheDir);
        assert.equal(link.code, 0, link.output);
        const config = JSON.parse(await Deno.readTextFile(join(project, "deno.json")));
        assert.equal(config.links.length, 1);
      });
      await useIt(t, project, cacheDir);
    } finally {
      await Deno.remove(project, { recursive: true });
    }
  });
});

Deno.test("a project whose import map points at a checkout's mod.ts and testing/mod.ts uses tide", async (t) => {
  await withCache(async (cacheDir) => {
    const project = await Deno.makeTempDir({ prefix: "tide-consumer-map-" });
    await Deno.remove(project);
    const checkout = relative(project, ROOT).replaceAll("\\", "/");
    const dir = await consumerProject({
      imports: {
        "@tide/tide": `${checkout}/mod.ts`,
        "@tide/tide/testing": `${checkout}/testing/mod.ts`,
      },
      tasks: { tide: `deno run ${CLI_PERMISSIONS} ${checkout}/src/cli/main.ts` },
    });
    try {
      await useIt(t, dir, cacheDir);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("deno install -g --config <checkout>/deno.json installs a tide command that works", async () => {
  await withCache(async (cacheDir) => {
    const root = await Deno.makeTempDir({ prefix: "tide-install-root-" });
    const project = await consumerProject({});
    try {
      const install = await run(
        Deno.execPath(),
        [
          "install",
          "-g",
          "--root",
          root,
          ...CLI_PERMISSIONS.split(" "),
          "--config",
          join(ROOT, "deno.json"),
          "-n",
          "tide",
          join(ROOT, "src/cli/main.ts"),
        ],
        project,
        cacheDir,
      );
      assert.equal(install.code, 0, install.output);
      const tide = join(root, "bin", Deno.build.os === "windows" ? "tide.cmd" : "tide");
      const up = await run(
        tide,
        ["up", "--database-url", "pglite://.tide/pglite"],
        project,
        cacheDir,
      );
      assert.equal(up.code, 0, up.output);
      assert.match(up.output, /Applied: 002_add_notes_author/);
      const version = await run(tide, ["--version"], project, cacheDir);
      assert.match(version.output, /^tide \d+\.\d+\.\d+/);
    } finally {
      await Deno.remove(root, { recursive: true });
      await Deno.remove(project, { recursive: true });
    }
  });
});

Deno.test("deno publish ships the library, the CLI and testing/, but no tests, fixtures or the Action", async () => {
  await withCache(async (cacheDir) => {
    const dry = await run(
      Deno.execPath(),
      ["publish", "--dry-run", "--allow-dirty"],
      ROOT,
      cacheDir,
    );
    assert.equal(dry.code, 0, dry.output);
    const files = [...dry.output.matchAll(/^\s+file:\/\/\S+/gm)].map((m) =>
      relative(ROOT, fileURLToPath(m[0].trim())).replaceAll("\\", "/")
    );
    for (
      const needed of ["mod.ts", "deno.json", "src/cli/main.ts", "testing/mod.ts", "README.md"]
    ) {
      assert.ok(files.includes(needed), `${needed} is published`);
    }
    const unwanted = files.filter((file) =>
      /_test\.ts$|(^|\/)testdata\/|^bench\/|^\.ci\/|^\.github\/|^src\/action\/|^src\/_test_support\//
        .test(file)
    );
    assert.deepEqual(unwanted, []);
  });
});
