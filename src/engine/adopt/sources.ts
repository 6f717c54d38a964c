/**
 * Every tool's reader, by tool name.
 *
 * @module
 */
import type { AdoptSource, AdoptTool } from "./source.ts";
import { source as golangMigrate } from "./golang_migrate.ts";
import { source as goose } from "./goose.ts";
import { source as dbmate } from "./dbmate.ts";
import { source as flyway } from "./flyway.ts";
import { source as sqlx } from "./sqlx.ts";
import { source as diesel } from "./diesel.ts";
import { source as nodePgMigrate } from "./node_pg_migrate.ts";
import { source as prisma } from "./prisma.ts";
import { source as sqitch } from "./sqitch.ts";
import { source as popx } from "./popx.ts";

/**
 * The reader of each tool's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ADOPT_SOURCES } from "./sources.ts";
 *
 * assert.equal(ADOPT_SOURCES.goose.defaultTable, "goose_db_version");
 * ```
 */
export const ADOPT_SOURCES: Readonly<Record<AdoptTool, AdoptSource>> = Object.freeze({
  "golang-migrate": golangMigrate as AdoptSource,
  goose: goose as AdoptSource,
  dbmate: dbmate as AdoptSource,
  flyway: flyway as AdoptSource,
  sqlx: sqlx as AdoptSource,
  diesel: diesel as AdoptSource,
  "node-pg-migrate": nodePgMigrate as AdoptSource,
  prisma: prisma as AdoptSource,
  sqitch: sqitch as AdoptSource,
  popx: popx as AdoptSource,
});
