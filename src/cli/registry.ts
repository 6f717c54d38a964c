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
  { name: "up", summary: "Apply pending migrations", load: () => commandModule("up") },
  {
    name: "down",
    summary: "Roll back the last migration (or --count, --to, --all)",
    load: () => commandModule("down"),
  },
  {
    name: "redo",
    summary: "Roll back the last migration and apply it again",
    load: () => commandModule("redo"),
  },
  {
    name: "status",
    summary: "Show applied, pending, missing, edited and failed migrations",
    load: () => commandModule("status"),
  },
  {
    name: "history",
    summary: "Show the log of every up, down, baseline, adopt and repair",
    load: () => commandModule("history"),
  },
  {
    name: "validate",
    summary: "Check the migration files (and checksums, given a database)",
    load: () => commandModule("validate"),
  },
  {
    name: "new",
    summary: "Create a migration with the next version",
    load: () => commandModule("new"),
  },
  {
    name: "baseline",
    summary: "Mark migrations up to a version applied without running them",
    load: () => commandModule("baseline"),
  },
  {
    name: "adopt",
    summary: "Record what golang-migrate, goose, Flyway, ... applied, from their table",
    load: () => commandModule("adopt"),
  },
  {
    name: "repair",
    summary: "Re-record checksums after an edit; resolve a failed migration",
    load: () => commandModule("repair"),
  },
  {
    name: "reset",
    summary: "Roll back everything, then apply everything",
    load: () => commandModule("reset"),
  },
  {
    name: "verify",
    summary: "Check every migration round-trips (up, down, up) on an in-memory PGlite",
    load: () => commandModule("verify"),
  },
  {
    name: "lint",
    summary: "Measure what pending migrations do to production: locks, rewrites, scans",
    load: () => commandModule("lint"),
  },
  {
    name: "dump",
    summary: "Print or write the schema the migrations build (schema.sql)",
    load: () => commandModule("dump"),
  },
  {
    name: "generate-down",
    summary: "Generate each migration's down from its schema change, proven by a round trip",
    load: () => commandModule("generate_down"),
  },
  {
    name: "diff",
    summary: "Print the SQL from one schema (migrations, schema.sql, URL) to another",
    load: () => commandModule("diff"),
  },
  {
    name: "drift",
    summary: "Compare a live database with the schema its applied migrations build",
    load: () => commandModule("drift"),
  },
  {
    name: "current",
    summary: "Print the newest applied version on one line",
    load: () => commandModule("current"),
  },
  {
    name: "wait",
    summary: "Wait until the database server answers (like dbmate wait)",
    load: () => commandModule("wait"),
  },
  {
    name: "create",
    summary: "Create the database named in the URL",
    load: () => commandModule("create"),
  },
  {
    name: "drop",
    summary: "Drop the database named in the URL (never on a protected environment)",
    load: () => commandModule("drop"),
  },
  {
    name: "cache",
    summary: "Show where the PGlite cache is and its size; `cache clean` empties it",
    load: () => commandModule("cache"),
  },
  {
    name: "ping",
    summary: "Connect, print the server version and who holds the lock",
    load: () => commandModule("ping"),
  },
];

/**
 * Imports `commands/<file>.ts`. The specifier is built at run time on purpose: before the first
 * line runs, Deno reads every module the source names, dynamic imports included, and the graph
 * of every command (down to postgres.js and PGlite) cost each `tide` run ~10 ms. `deno task
 * check` still checks them all (it is given `src/`).
 */
function commandModule(file: string): Promise<{ command: Command }> {
  return import(new URL(`./commands/${file}.ts`, import.meta.url).href);
}

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
