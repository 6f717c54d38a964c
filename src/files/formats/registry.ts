/**
 * Every format by name, in the order `auto` prefers them when several read a directory the
 * same way (a directory of up/down pairs is tide's, though golang-migrate, sqlx and popx read
 * it alike).
 *
 * @module
 */
import { MigrationError } from "../../errors.ts";
import { dbmateFormat } from "./dbmate.ts";
import { dieselFormat } from "./diesel.ts";
import { flywayFormat } from "./flyway.ts";
import { FORMAT_NAMES, type FormatName, type MigrationFormat } from "./format.ts";
import { gooseFormat } from "./goose.ts";
import { maragudkFormat } from "./maragudk.ts";
import { nodePgMigrateFormat } from "./node_pg_migrate.ts";
import { patternFormat } from "./pattern.ts";
import { plainFormat } from "./plain.ts";
import { popxFormat } from "./popx.ts";
import { prismaFormat } from "./prisma.ts";
import { sqitchFormat } from "./sqitch.ts";
import { sqlxFormat } from "./sqlx.ts";
import { golangMigrateFormat, tideFormat } from "./tide.ts";

/** Every format, most specific first: the order `auto` prefers. */
export const FORMATS: readonly MigrationFormat[] = [
  sqitchFormat,
  prismaFormat,
  dieselFormat,
  flywayFormat,
  gooseFormat,
  dbmateFormat,
  plainFormat,
  tideFormat,
  nodePgMigrateFormat,
  sqlxFormat,
  popxFormat,
  golangMigrateFormat,
  maragudkFormat,
  patternFormat,
];

/**
 * The format named `name`; throws `MigrationError` `CONFIG_ERROR` for an unknown name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatByName } from "./registry.ts";
 *
 * assert.equal(formatByName("goose").name, "goose");
 * ```
 */
export function formatByName(name: string): MigrationFormat {
  const format = FORMATS.find((f) => f.name === name);
  if (format !== undefined) return format;
  throw new MigrationError(
    "CONFIG_ERROR",
    `Unknown migration format "${name}". Use --format (config "format") with auto or one of: ` +
      `${FORMAT_NAMES.join(", ")}.`,
  );
}

/** Whether `name` is a format's name. */
export function isFormatName(name: string): name is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}
