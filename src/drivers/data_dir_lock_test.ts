import assert from "node:assert/strict";
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import { type DataDirLockWait, lockDataDir } from "./data_dir_lock.ts";
import { makeProject, runCli } from "../_test_support/cli_harness.ts";

Deno.test("lockDataDir() waits at most waitMs, says once that it waits, and names the holder's pid", async () => {
  const dir = await Deno.makeTempDir();
  const dataDir = join(dir, "pglite");
  const held = await lockDataDir(dataDir);
  try {
    const said: DataDirLockWait[] = [];
    const started = performance.now();
    await assert.rejects(
      lockDataDir(dataDir, { waitMs: 300, onWait: (m) => said.push(m) }),
      (e) => {
        assert.ok(e instanceof MigrationError);
        assert.equal(e.code, "LOCK_WAIT_TIMEOUT");
        assert.match(e.message, new RegExp(`held by process ${Deno.pid}\\b`));
        assert.match(e.message, /--lock-wait/);
        return true;
      },
    );
    const waited = performance.now() - started;
    assert.ok(waited >= 250 && waited < 3000, `waited ${waited} ms`);
    assert.equal(said.length, 1);
    assert.equal(said[0].holder?.pid, Deno.pid);
    assert.equal(said[0].what, `the PGlite database in ${dataDir}`);
  } finally {
    held.release();
  }
  const again = await lockDataDir(dataDir, { waitMs: 0 });
  again.release();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ping and status on a PGlite directory in use stop after --lock-wait and name the holder", async () => {
  const cwd = await makeProject();
  // An existing database another process is using (one being created reads as none yet).
  assert.equal((await runCli(["up"], { cwd })).code, 0);
  const held = await lockDataDir(join(cwd, ".tide/pglite"));
  try {
    for (const command of ["ping", "status"]) {
      const run = await runCli([command, "--lock-wait", "200ms"], { cwd });
      assert.equal(run.code, 1, `${command}: ${run.stdout}`);
      assert.match(
        run.stderr,
        /Waiting for the PGlite database in .*\.tide\/pglite: held by pid \d+/,
      );
      assert.match(run.stderr, /error: .*in use by process \d+/);
      assert.doesNotMatch(run.stdout, /Lock: free/);
    }
  } finally {
    held.release();
    await Deno.remove(cwd, { recursive: true });
  }
});
