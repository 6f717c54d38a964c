/**
 * The drift mode, for scheduled workflows: compare the database in `database-url` with the
 * schema its applied migrations build, write the differences and the SQL that reconciles them
 * to the job summary, and fail when they differ.
 *
 * @module
 */
import { errorMessage } from "../errors.ts";
import { redactSecrets } from "../sql/redact.ts";
import type { EngineDrift } from "./engine.ts";
import type { ActionInputs } from "./inputs.ts";
import type { ActionIo } from "./io.ts";
import { codeBlock, escapeMarkdown } from "./render.ts";
import { urlSecrets } from "./secrets.ts";

/**
 * The job summary of a drift run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderDrift } from "./drift.ts";
 *
 * assert.match(renderDrift({ drifted: false, changes: [], sql: "" }), /no drift/);
 * ```
 */
export function renderDrift(drift: EngineDrift): string {
  if (!drift.drifted) return "### ✅ tide: no drift, the database matches its migrations\n";
  return [
    `### ❌ tide: the database has drifted from its migrations (${drift.changes.length})`,
    "",
    ...drift.changes.map((change) => `- ${escapeMarkdown(change)}`),
    "",
    "SQL that brings the database back to the migrations' schema:",
    "",
    codeBlock("sql", drift.sql),
    "",
  ].join("\n");
}

/**
 * Runs the drift check; every message that leaves it is redacted.
 *
 * @example
 * ```ts ignore
 * await checkDrift(io, readInputs(io));
 * ```
 */
export async function checkDrift(io: ActionIo, inputs: ActionInputs): Promise<void> {
  const databaseUrl = inputs.databaseUrl!;
  const secrets = urlSecrets(databaseUrl);
  if (io.engine.drift === undefined) {
    io.setFailed("tide: this engine cannot check drift.");
    return;
  }
  try {
    const drift = await io.engine.drift({
      databaseUrl,
      dir: inputs.dir,
      load: inputs.load,
      table: inputs.settings.table,
      modules: inputs.otherModules,
      ...(inputs.schema === undefined ? {} : { schema: inputs.schema }),
      ...(inputs.module === undefined ? {} : { module: inputs.module }),
    });
    io.setOutput("drift", String(drift.drifted));
    io.setOutput("changes", JSON.stringify(drift.changes));
    await io.writeSummary(renderDrift(drift));
    if (drift.drifted) {
      io.setFailed(
        `tide: the database has drifted from its migrations (${drift.changes.length} ` +
          "difference(s)); see the job summary for them and the SQL that reconciles them.",
      );
    }
  } catch (error) {
    io.setFailed(redactSecrets(errorMessage(error), secrets));
  }
}
