import assert from "node:assert/strict";
import { connect } from "../drivers/connect.ts";
import type { Driver } from "../drivers/driver.ts";
import { loadMigrations } from "../files/load.ts";
import { Migrator } from "./migrator.ts";
import { onEachDatabase, writeMigrations } from "../_test_support/scenario.ts";

/** `driver`, with `after` run (and awaited) once an exec whose SQL holds `marker` is done. */
function afterExec(driver: Driver, marker: string, after: () => Promise<void>): Driver {
  return {
    kind: driver.kind,
    target: driver.target,
    exec: async (sql) => {
      await driver.exec(sql);
      if (sql.includes(marker)) await after();
    },
    query: (sql, params) => driver.query(sql, params),
    transaction: (fn) => driver.transaction(fn),
    close: () => driver.close(),
    [Symbol.asyncDispose]: () => driver.close(),
  };
}

const TWO = {
  "001_first.up.sql": "-- the lock goes after this one\ncreate table first_t (id int);",
  "002_second.up.sql": "create table second_t (id int);",
};

Deno.test("a run whose session lost the migration lock between two migrations stops with LOCK_LOST", async (t) => {
  const dir = await writeMigrations(TWO);
  await onEachDatabase(t, async (driver, kind, url) => {
    const loseLock = async () => {
      if (kind === "pglite") {
        await driver.query("select pg_advisory_unlock_all()");
        return;
      }
      // What tide's own lock-wait message recommends to a second operator.
      await using other = await connect(url, { applicationName: "tide test operator" });
      const [{ pid }] = await driver.query<{ pid: number }>("select pg_backend_pid() as pid");
      await other.query("select pg_terminate_backend($1)", [pid]);
      while ((await other.query("select 1 from pg_stat_activity where pid = $1", [pid])).length) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const migrations = await loadMigrations(dir);
    const migrator = new Migrator({
      driver: afterExec(driver, "the lock goes after this one", loseLock),
      migrations,
    });
    await assert.rejects(() => migrator.up(), (error: Error & { code?: string }) => {
      // A session ended by the server: LOCK_LOST once the client saw it close, or, when 002's
      // message went out on the dead socket first, CONNECTION_LOST saying it cannot tell.
      const codes = kind === "pglite" ? ["LOCK_LOST"] : ["LOCK_LOST", "CONNECTION_LOST"];
      assert.ok(codes.includes(error.code ?? ""), error.message);
      assert.match(error.message, /002_second/);
      assert.match(error.message, /tide status/);
      return true;
    });
    await using check = kind === "pglite" ? undefined : await connect(url);
    const db = check ?? driver;
    const rows = await db.query("select version from tide_migrations order by version");
    assert.deepEqual(rows, [{ version: "001" }], "nothing after the lock loss was applied");
    assert.equal((await db.query("select to_regclass('second_t') as r"))[0].r, null);
    // Stopped before it: 002 is not logged as a failure either.
    const log = await db.query("select version, outcome from tide_migration_log order by id");
    assert.deepEqual(log, [{ version: "001", outcome: "success" }]);
  });
});
