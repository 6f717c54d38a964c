/**
 * The shape of a CLI command. A command is one file in `commands/` exporting `command`, plus one
 * line in `registry.ts`.
 *
 * @module
 */
import type { ResolvedSettings } from "../config/resolve.ts";
import type { FlagValues, OptionSpec } from "./args.ts";
import type { CliIo, Output } from "./output.ts";

/** The settings a command runs with, every default filled in. */
export type CliSettings = ResolvedSettings;

/** What a command's `run` gets. */
export interface CommandContext {
  /** The command's name, as typed after `tide`. */
  name: string;
  /** Where to read and write. */
  io: CliIo;
  /** Where to print. */
  out: Output;
  /** Flag values (global and the command's). */
  values: FlagValues;
  /** Arguments that are not flags. */
  positionals: string[];
  /** The settings in force. */
  settings: CliSettings;
}

/** One command of `tide`. */
export interface Command {
  /** Synopsis after `tide`, e.g. `up [--to V] [--dry-run]`. */
  usage: string;
  /** What it does, a few lines for `--help`. */
  description: string;
  /** Its own flags (the global ones are added). */
  options?: Record<string, OptionSpec>;
  /** Names of its positional arguments; `?` marks an optional one. */
  positionals?: readonly string[];
  /**
   * It writes to the database: it never uses the implicit embedded database in CI or on a
   * protected environment. Commands that do not write never create a database.
   */
  writes?: boolean;
  /** Runs it; resolves to the exit status. */
  run(ctx: CommandContext): Promise<number>;
}

/** Flag shared by the commands that refuse on a protected environment. */
export const YES_OPTION: Record<string, OptionSpec> = {
  yes: { type: "boolean", short: "y", description: "Confirm on a protected environment." },
};

/** Flag shared by the commands that run migrations. */
export const VERBOSE_OPTION: Record<string, OptionSpec> = {
  verbose: {
    type: "boolean",
    description: "Echo each statement with its time as it runs (one round trip each).",
  },
};

/** Flag shared by `up` and `down`. */
export const DRY_RUN_OPTION: Record<string, OptionSpec> = {
  "dry-run": { type: "boolean", description: "Print the plan and its SQL; run nothing." },
};
