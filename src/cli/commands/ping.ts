/**
 * `tide ping`: connects, prints the server version and whether the migration lock is free.
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import { acquireLock, lockHolder, migrationLockKey } from "../../engine/lock.ts";
import type { Command } from "../command.ts";
import { withDriver } from "../context.ts";
import { databaseLabel, noDatabaseYet } from "../database.ts";

/** The `ping` command. */
export const command: Command = {
  usage: "ping",
  description: "Connects to the database, prints the server version, and tells whether tide's\n" +
    "migration lock could be taken right now, and who holds it when not. Changes nothing,\n" +
    "and never creates the embedded database.",
  async run(ctx) {
    const { settings, out } = ctx;
    if (await noDatabaseYet(ctx)) {
      out.result({ exists: false });
      out.line(`No database yet (${databaseLabel(ctx)}): the first \`tide up\` creates it.`);
      return 0;
    }
    const key = migrationLockKey(settings);
    const report = await withDriver(ctx, async (driver) => {
      const [{ version }] = await driver.query<{ version: string }>("SELECT version() AS version");
      let free = true;
      try {
        const lock = await acquireLock(driver, key, { waitMs: 0 });
        await lock.release();
      } catch (error) {
        if (!(error instanceof MigrationError && error.code === "LOCK_WAIT_TIMEOUT")) throw error;
        free = false;
      }
      const holder = free ? undefined : await lockHolder(driver, key);
      return {
        target: driver.target,
        driver: driver.kind,
        serverVersion: version,
        lock: { free, holder },
      };
    });
    out.result({
      ...report,
      lock: {
        ...report.lock,
        holder: report.lock.holder
          ? { ...report.lock.holder, since: report.lock.holder.since?.toISOString() ?? null }
          : null,
      },
    });
    out.line(`Connected: ${report.target} (${report.driver})`);
    out.line(`Server: ${report.serverVersion}`);
    const holder = report.lock.holder;
    out.line(
      report.lock.free
        ? "Lock: free (a migration run could start now)"
        : holder
        ? `Lock: held by pid ${holder.pid} (application "${holder.applicationName}", user "${holder.user}"${
          holder.since ? `, connected since ${holder.since.toISOString()}` : ""
        })`
        : "Lock: held (its holder could not be identified)",
    );
    return 0;
  },
};
