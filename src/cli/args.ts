/**
 * Flag parsing for the CLI: the global flags every command takes, durations, and usage errors
 * (exit status 2). Strict parsing as `node:util` `parseArgs` does it, written out so that a
 * command starts without Node's compatibility layer (see `files/paths.ts`).
 *
 * @module
 */
import { UsageError } from "../errors.ts";

export { parseDuration } from "../config/duration.ts";

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
  wait: {
    type: "string",
    arg: "DURATION",
    description: "Retry connecting until the server answers, for up to DURATION.",
  },
  "env-file": {
    type: "string",
    arg: "FILE",
    description: "Read environment variables from FILE (.env); set ones win.",
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
 * Parses `args` strictly against the global flags and the command's own: `--name value`,
 * `--name=value`, short flags (`-q`, `-qy`), `--` before arguments that start with a dash.
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
  const shorts = new Map(
    Object.entries(all).flatMap(([name, spec]) => spec.short ? [[spec.short, name]] : []),
  );
  const values: FlagValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      i = take(all, name, label(all, name, `--${name}`), inline, args, i, values);
    } else if (arg.startsWith("-") && arg.length > 1) {
      i = takeShorts(all, shorts, arg, args, i, values);
    } else positionals.push(arg);
  }
  return { values, positionals };
}

/**
 * Reads the option `name` (its value inline, or the next argument) into `values`; the index of
 * the last argument used. Strict, like `node:util` `parseArgs`, whose messages these are.
 */
function take(
  all: Record<string, OptionSpec>,
  name: string,
  shown: string,
  inline: string | undefined,
  args: readonly string[],
  i: number,
  values: FlagValues,
): number {
  const spec = Object.hasOwn(all, name) ? all[name] : undefined;
  if (spec === undefined) throw new UsageError(`Unknown option '${shown}'.`);
  if (spec.type === "boolean") {
    if (inline !== undefined) {
      throw new UsageError(`Option '${label(all, name)}' does not take an argument.`);
    }
    values[name] = true;
    return i;
  }
  if (inline !== undefined) {
    values[name] = inline;
    return i;
  }
  const next = args[i + 1];
  if (next === undefined) {
    throw new UsageError(`Option '${label(all, name)} <value>' argument missing.`);
  }
  if (next.startsWith("-") && next !== "-") {
    throw new UsageError(
      `Option '${label(all, name)}' argument is ambiguous: "${next}" looks like an option. ` +
        `To give a value starting with a dash, write --${name}=${next}.`,
    );
  }
  values[name] = next;
  return i + 1;
}

/** `-q`, `-qy`, `-dVALUE` or `-d VALUE`. */
function takeShorts(
  all: Record<string, OptionSpec>,
  shorts: Map<string, string>,
  arg: string,
  args: readonly string[],
  i: number,
  values: FlagValues,
): number {
  for (let at = 1; at < arg.length; at++) {
    const name = shorts.get(arg[at]);
    if (name === undefined) throw new UsageError(`Unknown option '-${arg[at]}'.`);
    if (all[name].type === "string") {
      const rest = arg.slice(at + 1);
      return take(all, name, `-${arg[at]}`, rest === "" ? undefined : rest, args, i, values);
    }
    values[name] = true;
  }
  return i;
}

/** How node's parseArgs names an option in messages: `-q, --quiet`. */
function label(all: Record<string, OptionSpec>, name: string, fallback = `--${name}`): string {
  const spec = Object.hasOwn(all, name) ? all[name] : undefined;
  if (spec === undefined) return fallback;
  return spec.short ? `-${spec.short}, --${name}` : `--${name}`;
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
