import { deepEqual, equal, match, ok } from "node:assert/strict";
import { join } from "node:path";
import { GLOBAL_OPTIONS } from "./args.ts";
import { COMMANDS } from "./registry.ts";
import { VERSION } from "./main.ts";
import { FIXTURE, makeProject, runCli } from "../_test_support/cli_harness.ts";

const cwd = Deno.cwd();

Deno.test("tide --help lists every command and the global flags", async () => {
  const run = await runCli(["--help"], { cwd });
  equal(run.code, 0);
  for (const { name } of COMMANDS) match(run.stdout, new RegExp(`^  ${name} `, "m"));
  match(run.stdout, /--database-url URL/);
  for (const flag of Object.keys(GLOBAL_OPTIONS)) match(run.stdout, new RegExp(` --${flag}\\b`));
  equal(run.stderr, "");
});

Deno.test("tide --version prints the version of deno.json", async () => {
  const run = await runCli(["--version"], { cwd });
  equal(run.code, 0);
  equal(run.stdout, `tide ${VERSION}`);
  match(VERSION, /^\d+\.\d+\.\d+/);
});

Deno.test("every command prints its usage and flags with --help and with tide help <cmd>", async () => {
  for (const { name, load } of COMMANDS) {
    const viaFlag = await runCli([name, "--help"], { cwd });
    equal(viaFlag.code, 0, name);
    match(viaFlag.stdout, new RegExp(`^usage: tide ${name}`), name);
    const ownFlags = viaFlag.stdout.split("Global flags:")[0];
    for (const flag of Object.keys((await load()).command.options ?? {})) {
      match(ownFlags, new RegExp(`^ +(-\\w, )?--${flag}\\b`, "m"), `${name} --${flag}`);
    }
    match(viaFlag.stdout, /Global flags:/);
    const viaHelp = await runCli(["help", name], { cwd });
    equal(viaHelp.stdout, viaFlag.stdout, name);
  }
});

Deno.test("an unknown command exits 2 and says how to list the commands", async () => {
  const run = await runCli(["migrate-everything"], { cwd });
  equal(run.code, 2);
  match(run.stderr, /^error: Unknown command "migrate-everything"\. Run `tide --help`/);
  equal(run.stdout, "");
});

Deno.test("tide without a command exits 2 and prints the overview on stderr", async () => {
  const run = await runCli([], { cwd });
  equal(run.code, 2);
  match(run.stderr, /No command given/);
  match(run.stderr, /Commands:/);
});

Deno.test("an unknown flag exits 2 with a message and the command's usage", async () => {
  const run = await runCli(["up", "--dry-runn"], { cwd });
  equal(run.code, 2);
  match(run.stderr, /^error: Unknown option '--dry-runn'/);
  match(run.stderr, /^usage: tide up \[--to V\]/m);
});

Deno.test("a usage error in JSON mode prints one error object on stdout and still exits 2", async () => {
  const run = await runCli(["down", "--count", "two", "--json"], { cwd });
  equal(run.code, 2);
  const { error } = JSON.parse(run.stdout);
  equal(error.code, "USAGE");
  match(error.message, /--count takes a positive integer, got "two"/);
  equal(run.stderr, "");
});

Deno.test("a missing or extra argument exits 2", async () => {
  equal((await runCli(["baseline"], { cwd })).code, 2);
  const extra = await runCli(["status", "now"], { cwd });
  equal(extra.code, 2);
  match(extra.stderr, /unexpected "now"/);
});

Deno.test("down refuses --count together with --all as bad usage", async () => {
  const run = await runCli(["down", "--count", "1", "--all"], { cwd });
  equal(run.code, 2);
  match(run.stderr, /at most one of --count, --to and --all/);
});

Deno.test("a bad duration exits 2 and names the flag", async () => {
  const run = await runCli(["status", "--lock-wait", "soon"], { cwd });
  equal(run.code, 2);
  match(run.stderr, /--lock-wait takes a duration such as 30s/);
});

Deno.test("a broken config file exits 2", async () => {
  const project = await makeProject();
  try {
    await Deno.writeTextFile(join(project, "tide.json"), `{ "dri": "db" }`);
    const run = await runCli(["status"], { cwd: project });
    equal(run.code, 2);
    match(run.stderr, /tide\.json: "dri" is not a setting/);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("validate offline exits 0 for a clean directory", async () => {
  const project = await makeProject();
  try {
    const run = await runCli(["validate"], { cwd: project });
    equal(run.code, 0, run.stderr);
    match(run.stdout, /OK: 3 migrations checked \(files\), no problems/);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("validate offline reports every load error at once and exits 1", async () => {
  const project = await makeProject({
    ...FIXTURE,
    "004_empty.up.sql": "-- nothing yet\n",
    "005_orphan.down.sql": "drop table x;",
    "notes.sql": "select 1;",
  });
  try {
    const run = await runCli(["validate", "--json"], { cwd: project });
    equal(run.code, 1);
    const report = JSON.parse(run.stdout);
    equal(report.ok, false);
    // An empty up is a valid no-op now (issue 9 §3): not a problem.
    deepEqual(report.problems.map((p: { code: string }) => p.code).sort(), [
      "DOWN_WITHOUT_UP",
      "INVALID_FILE_NAME",
    ]);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("validate notes an empty up, and status and up --dry-run warn of it instead of failing", async () => {
  const project = await makeProject({ ...FIXTURE });
  try {
    const created = await runCli(["new", "backfill", "--json"], { cwd: project });
    equal(created.code, 0, created.stderr);
    const validate = await runCli(["validate", "--json"], { cwd: project });
    const report = JSON.parse(validate.stdout);
    deepEqual(report.notes.map((n: { code: string }) => n.code), ["EMPTY_UP"]);
    match(report.notes[0].file, /004_backfill\.up\.sql$/);
    for (const args of [["status"], ["up", "--dry-run"]]) {
      const run = await runCli([...args, "--database-url", "memory://"], { cwd: project });
      equal(run.code, 0, run.stderr);
      match(run.stderr, /004_backfill\.up\.sql holds no statement/);
    }
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("validate offline lists each migration without a down and exits 1", async () => {
  const project = await makeProject({
    ...FIXTURE,
    "004_seed.up.sql": "insert into users values (1);\n",
    "005_seed_more.up.sql": "insert into users values (2);\n",
  });
  try {
    const run = await runCli(["validate"], { cwd: project });
    equal(run.code, 1);
    const lines = run.stderr.split("\n");
    equal(lines.length, 2);
    match(lines[0], /^error: .*004_seed\.up\.sql has no down/);
    match(lines[1], /^error: .*005_seed_more\.up\.sql has no down/);
    match(run.stdout, /Found 2 problems/);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("new numbers after the existing versions and writes an up and a down file", async () => {
  const project = await makeProject({
    "001_a.up.sql": "select 1;",
    "001_a.down.sql": "select 1;",
    "009_b.up.sql": "select 1;",
  });
  try {
    const run = await runCli(["new", "Add Users!"], { cwd: project });
    equal(run.code, 0, run.stderr);
    const names = [...Deno.readDirSync(join(project, "migrations"))].map((e) => e.name).sort();
    ok(names.includes("010_add_users.up.sql"));
    ok(names.includes("010_add_users.down.sql"));
    match(run.stdout, /^Created: .*010_add_users\.up\.sql$/m);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("new writes one -- migrate:up/-- migrate:down file when most migrations are single files", async () => {
  const project = await makeProject({
    "1_a.sql": "-- migrate:up\nselect 1;\n",
    "2_b.sql": "-- migrate:up\nselect 1;\n",
    "3_c.up.sql": "select 1;",
  });
  try {
    const run = await runCli(["new", "seed", "--json"], { cwd: project });
    equal(run.code, 0, run.stdout);
    const created = JSON.parse(run.stdout);
    equal(created.version, "4");
    equal(created.files.length, 1);
    const text = await Deno.readTextFile(join(project, "migrations", "4_seed.sql"));
    match(text, /^-- migrate:up\n[\s\S]*\n-- migrate:down\n/);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("new uses a UTC timestamp when existing versions are timestamps, and 001 in an empty directory", async () => {
  const project = await makeProject({ "20200101000000_a.up.sql": "select 1;" });
  const empty = await Deno.makeTempDir({ prefix: "tide-cli-" });
  try {
    const stamped = JSON.parse((await runCli(["new", "b", "--json"], { cwd: project })).stdout);
    match(stamped.version, /^\d{14}$/);
    ok(stamped.version > "20200101000000");
    const first = await runCli(["new", "init", "--json"], { cwd: empty });
    equal(first.code, 0, first.stdout);
    equal(JSON.parse(first.stdout).version, "001");
    ok((await Deno.stat(join(empty, "migrations", "001_init.down.sql"))).isFile);
  } finally {
    await Deno.remove(project, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("a protected environment refuses down, reset, redo and repair without --yes and says why", async () => {
  const project = await makeProject();
  try {
    await Deno.writeTextFile(
      join(project, "tide.json"),
      JSON.stringify({
        environments: {
          production: {
            databaseUrl: "postgres://app:pr0d-secret@127.0.0.1:1/app",
            protected: true,
          },
        },
      }),
    );
    for (const command of ["down", "reset", "redo", "repair"]) {
      const run = await runCli([command, "--env", "production"], { cwd: project });
      equal(run.code, 1, command);
      match(run.stderr, /environment "production" is marked "protected": true/, command);
      match(run.stderr, /run it again with --yes/, command);
      ok(!run.stderr.includes("pr0d-secret"));
    }
    const json = await runCli(["down", "--json"], {
      cwd: project,
      env: { TIDE_ENV: "production" },
    });
    equal(JSON.parse(json.stdout).error.code, "PROTECTED_ENVIRONMENT");
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("an unreachable server exits 1 without printing the password", async () => {
  const project = await makeProject();
  try {
    const url = "postgres://app:unre4chable-pw@127.0.0.1:1/app";
    for (
      const args of [["status", "--database-url", url], ["up", `--database-url=${url}`, "--json"]]
    ) {
      const run = await runCli(args, { cwd: project });
      equal(run.code, 1, run.stderr);
      ok(run.stdout.length + run.stderr.length > 0);
      ok(!`${run.stdout}${run.stderr}`.includes("unre4chable-pw"), run.stderr);
    }
    const viaEnv = await runCli(["ping"], { cwd: project, env: { DATABASE_URL: url } });
    equal(viaEnv.code, 1);
    ok(!viaEnv.stderr.includes("unre4chable-pw"), viaEnv.stderr);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("a keyword/value connection string is refused without printing its quoted password", async () => {
  const project = await makeProject();
  try {
    const url = "host=127.0.0.1 user=app password='s3cret pw' dbname=x";
    for (
      const args of [["status", "--database-url", url], ["up", "--database-url", url, "--json"]]
    ) {
      const run = await runCli(args, { cwd: project });
      equal(run.code, 1, run.stderr);
      const printed = `${run.stdout}${run.stderr}`;
      match(printed, /UNSUPPORTED_URL|does not know this kind of URL/);
      ok(!printed.includes("s3cret"), printed);
    }
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("tide up refuses a migration with COPY ... FROM STDIN before applying anything", async () => {
  const project = await makeProject({
    "001_a.up.sql": "create table a (id int);\n",
    "002_cp.up.sql": "create table cp (id int);\nCOPY cp FROM stdin;\n1\n\\.\n",
  });
  try {
    const run = await runCli(["up", "--database-url", "memory://"], { cwd: project });
    equal(run.code, 1, run.stderr);
    match(run.stderr, /002_cp\.up\.sql:2:1: COPY \.\.\. FROM STDIN/);
    ok(!run.stdout.includes("Applied"), run.stdout);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("tide up refuses ROLLBACK and COMMIT inside a transactional migration before applying anything", async () => {
  const project = await makeProject({
    "001_rb.up.sql": "create table rb (id int);\nROLLBACK;\n",
    "002_half.up.sql": "create table half (id int);\nCOMMIT;\nselect 1/0;\n",
  });
  try {
    const run = await runCli(["up", "--database-url", "memory://"], { cwd: project });
    equal(run.code, 1, run.stderr);
    match(run.stderr, /001_rb\.up\.sql:2:1: ROLLBACK controls the transaction/);
    match(run.stderr, /002_half\.up\.sql:2:1: COMMIT/);
    ok(!run.stdout.includes("Applied"), run.stdout);
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("deno run src/cli/main.ts --help works as a program and exits 0", async () => {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", main, "--help"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  equal(output.code, 0, new TextDecoder().decode(output.stderr));
  match(stdout, /^tide \d+\.\d+\.\d+: PostgreSQL migrations/);
  ok(!stdout.includes("\x1b["));
});

Deno.test("colors appear only on a terminal, and never with NO_COLOR or --no-color", async () => {
  const args = ["status", "--lock-wait", "soon"];
  ok((await runCli(args, { cwd, isTerminal: true })).stderr.startsWith("\x1b[31merror:\x1b[0m "));
  const noColor = await runCli(args, { cwd, isTerminal: true, env: { NO_COLOR: "1" } });
  ok(!noColor.stderr.includes("\x1b["));
  ok(!(await runCli([...args, "--no-color"], { cwd, isTerminal: true })).stderr.includes("\x1b["));
  ok(!(await runCli(args, { cwd })).stderr.includes("\x1b["));
});
