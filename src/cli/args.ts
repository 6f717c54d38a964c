/**
 * Flag parsing for the CLI: the global flags every command takes, durations, and usage errors
 * (exit status 2).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";

/** One flag of a command, as `node:util` `parseArgs` takes it, plus help text. */
export interface OptionSpec {
  /** A string flag takes a value; a boolean flag does not. */
  type: "string" | "boolean";
  /** One-letter alias. */
  short?: string;
  /** Help text. */
  description: string;
  /** Name of the value in help, e.g. `V`. */
  arg?: string;
}

/** Parsed flag values, by flag name. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** Flags every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  dir: { type: "string", arg: "DIR", description: "Migrations directory (default: migrations)." },
  format: {
    type: "string",
    arg: "NAME",
    description: "Format of the migrations: tide, golang-migrate, dbmate, goose, flyway, sqlx,\n" +
      "diesel, node-pg-migrate, popx, prisma, plain, sqitch, maragudk, pattern (default: auto).",
  },
  pattern: {
    type: "string",
    arg: "REGEX",
    description: "File name pattern with groups (?<version>) (?<name>) (?<direction>).",
  },
  "database-url": {
    type: "string",
    arg: "URL",
    description:
      "postgres://, pglite://DIR or memory:// (default: $DATABASE_URL, else .tide/pglite).",
  },
  schema: {
    type: "string",
    arg: "NAME",
    description: "Schema of the tracking tables (default: public).",
  },
  module: { type: "string", arg: "NAME", description: "Module whose migrations these are." },
  table: { type: "string", arg: "NAME", description: "Tracking table (default: tide_migrations)." },
  env: {
    type: "string",
    arg: "NAME",
    description: "Environment of the config file (default: $TIDE_ENV).",
  },
  config: {
    type: "string",
    arg: "FILE",
    description: "Config file (default: tide.json, else deno.json).",
  },
  "lock-wait": {
    type: "string",
    arg: "DURATION",
    description: "Wait for another run's lock (default 60s).",
  },
  "lock-timeout": {
    type: "string",
    arg: "DURATION",
    description: "lock_timeout of each migration.",
  },
  "statement-timeout": {
    type: "string",
    arg: "DURATION",
    description: "statement_timeout of each migration.",
  },
  "network-timeout": {
    type: "string",
    arg: "DURATION",
    description: "Longest wait for any one reply of a PostgreSQL server (default 1h; 0: none).",
  },
  json: { type: "boolean", description: "Print one JSON object on stdout." },
  quiet: { type: "boolean", short: "q", description: "Print only errors." },
  "no-color": { type: "boolean", description: "No colors (also when NO_COLOR is set)." },
  help: { type: "boolean", short: "h", description: "Show help." },
};

/** Parsed arguments of one command. */
export interface ParsedArgs {
  /** Flag values. */
  values: FlagValues;
  /** Arguments that are not flags. */
  positionals: string[];
}

/**
 * Parses `args` strictly against the global flags and the command's own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCommandArgs } from "./args.ts";
 *
 * const { values, positionals } = parseCommandArgs(["--dry-run", "--dir", "db", "extra"], {
 *   "dry-run": { type: "boolean", description: "Plan only." },
 * });
 * assert.deepEqual([values["dry-run"], values.dir, positionals], [true, "db", ["extra"]]);
 * ```
 */
export function parseCommandArgs(
  args: readonly string[],
  options: Record<string, OptionSpec> = {},
): ParsedArgs {
  const all = { ...GLOBAL_OPTIONS, ...options };
  const config = Object.fromEntries(
    Object.entries(all).map((
      [name, spec],
    ) => [name, spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }]),
  );
  try {
    const parsed = parseArgs({
      args: [...args],
      options: config,
      strict: true,
      allowPositionals: true,
    });
    return { values: parsed.values as FlagValues, positionals: parsed.positionals };
  } catch (error) {
    if (!String((error as { code?: string }).code).startsWith("ERR_PARSE_ARGS")) throw error;
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, "."));
  }
}

/**
 * Splits the command name off `args`: the first argument that is neither a flag nor the value
 * of a global flag. Global flags may come before the command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitCommand } from "./args.ts";
 *
 * assert.deepEqual(splitCommand(["--dir", "db", "up", "--dry-run"]), {
 *   name: "up",
 *   rest: ["--dir", "db", "--dry-run"],
 * });
 * ```
 */
export function splitCommand(args: readonly string[]): { name?: string; rest: string[] } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") break;
    if (!arg.startsWith("-")) {
      return { name: arg, rest: [...args.slice(0, i), ...args.slice(i + 1)] };
    }
    const spec = GLOBAL_OPTIONS[arg.replace(/^--?/, "")];
    if (spec?.type === "string" && !arg.includes("=")) i++;
  }
  return { rest: [...args] };
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads a duration: `30s`, `500ms`, `2m`, `1h`, or plain milliseconds (`1500`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDuration } from "./args.ts";
 *
 * assert.equal(parseDuration("2m", "--lock-wait"), 120_000);
 * assert.equal(parseDuration("250", "--lock-wait"), 250);
 * ```
 */
export function parseDuration(text: string, flag: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `${flag} takes a duration such as 30s, 500ms, 2m or plain milliseconds, got "${text}".`,
    );
  }
  // Not rounded: the setting's rule refuses a fraction of a millisecond that would round to 0.
  return Number(match[1]) * UNIT_MS[match[2] ?? "ms"];
}

/**
 * Reads a positive integer flag value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "../errors.ts";
 * import { parsePositiveInt } from "./args.ts";
 *
 * assert.equal(parsePositiveInt("3", "--count"), 3);
 * assert.throws(() => parsePositiveInt("0", "--count"), UsageError);
 * ```
 */
export function parsePositiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${flag} takes a positive integer, got "${text}".`);
  }
  return Number(text);
}

/**
 * Formats the flags of a command for `--help`: one line per flag, aligned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatOptions } from "./args.ts";
 *
 * const lines = formatOptions({
 *   "dry-run": { type: "boolean", description: "Plan only." },
 *   count: { type: "string", arg: "N", description: "How many." },
 * });
 * assert.deepEqual(lines, ["      --dry-run  Plan only.", "      --count N  How many."]);
 * ```
 */
export function formatOptions(options: Record<string, OptionSpec>): string[] {
  const heads = Object.entries(options).map(([name, spec]) =>
    `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.arg ? ` ${spec.arg}` : ""}`
  );
  const width = Math.max(...heads.map((head) => head.length));
  return Object.values(options).map((spec, i) =>
    `  ${heads[i].padEnd(width)}  ${spec.description}`
  );
}
