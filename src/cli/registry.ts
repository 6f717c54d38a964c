/**
 * Every command of `tide`, loaded only when run so startup stays fast. Adding a command: write
 * `commands/<name>.ts` exporting `command`, and add one line here.
 *
 * @module
 */
import type { Command } from "./command.ts";

/** A command's name, one-line summary, and how to load it. */
export interface CommandEntry {
  /** Name typed after `tide`. */
  name: string;
  /** One line for `tide --help`. */
  summary: string;
  /** Imports the command's module. */
  load(): Promise<{ command: Command }>;
}

/** The commands, in the order `tide --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: "up", summary: "Apply pending migrations", load: () => import("./commands/up.ts") },
  {
    name: "down",
    summary: "Roll back the last migration (or --count, --to, --all)",
    load: () => import("./commands/down.ts"),
  },
  {
    name: "redo",
    summary: "Roll back the last migration and apply it again",
    load: () => import("./commands/redo.ts"),
  },
  {
    name: "status",
    summary: "Show applied, pending, missing, edited and failed migrations",
    load: () => import("./commands/status.ts"),
  },
  {
    name: "history",
    summary: "Show the log of every up, down, baseline, adopt and repair",
    load: () => import("./commands/history.ts"),
  },
  {
    name: "validate",
    summary: "Check the migration files (and checksums, given a database)",
    load: () => import("./commands/validate.ts"),
  },
  {
    name: "new",
    summary: "Create a migration with the next version",
    load: () => import("./commands/new.ts"),
  },
  {
    name: "baseline",
    summary: "Mark migrations up to a version applied without running them",
    load: () => import("./commands/baseline.ts"),
  },
  {
    name: "adopt",
    summary: "Record what golang-migrate, goose, Flyway, ... applied, from their table",
    load: () => import("./commands/adopt.ts"),
  },
  {
    name: "repair",
    summary: "Re-record checksums after an edit; resolve a failed migration",
    load: () => import("./commands/repair.ts"),
  },
  {
    name: "reset",
    summary: "Roll back everything, then apply everything",
    load: () => import("./commands/reset.ts"),
  },
  {
    name: "fresh",
    summary: "Drop the managed schemas' objects, then apply everything (development)",
    load: () => import("./commands/fresh.ts"),
  },
  {
    name: "verify",
    summary: "Check every migration round-trips (up, down, up) on an in-memory PGlite",
    load: () => import("./commands/verify.ts"),
  },
  {
    name: "lint",
    summary: "Measure what pending migrations do to production: locks, rewrites, scans",
    load: () => import("./commands/lint.ts"),
  },
  {
    name: "dump",
    summary: "Print or write the schema the migrations build (schema.sql)",
    load: () => import("./commands/dump.ts"),
  },
  {
    name: "generate-down",
    summary: "Generate each migration's down from its schema change, proven by a round trip",
    load: () => import("./commands/generate_down.ts"),
  },
  {
    name: "diff",
    summary: "Print the SQL from one schema (migrations, schema.sql, URL) to another",
    load: () => import("./commands/diff.ts"),
  },
  {
    name: "drift",
    summary: "Compare a live database with the schema its applied migrations build",
    load: () => import("./commands/drift.ts"),
  },
  {
    name: "current",
    summary: "Print the newest applied version on one line",
    load: () => import("./commands/current.ts"),
  },
  {
    name: "wait",
    summary: "Wait until the database server answers (like dbmate wait)",
    load: () => import("./commands/wait.ts"),
  },
  {
    name: "create",
    summary: "Create the database named in the URL",
    load: () => import("./commands/create.ts"),
  },
  {
    name: "drop",
    summary: "Drop the database named in the URL (never on a protected environment)",
    load: () => import("./commands/drop.ts"),
  },
  {
    name: "cache",
    summary: "Show where the PGlite cache is and its size; `cache clean` empties it",
    load: () => import("./commands/cache.ts"),
  },
  {
    name: "ping",
    summary: "Connect, print the server version and who holds the lock",
    load: () => import("./commands/ping.ts"),
  },
];

/**
 * The entry of a command name, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findCommand } from "./registry.ts";
 *
 * assert.equal(findCommand("up")?.summary, "Apply pending migrations");
 * assert.equal(findCommand("upp"), undefined);
 * ```
 */
export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((entry) => entry.name === name);
}
