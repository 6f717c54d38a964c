/**
 * The `tide` command line: `deno task tide <command>`. Run `tide --help` for the commands.
 *
 * Exit status: 0 done, 1 a migration or a check failed, 2 bad usage or a bad config file.
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };
import { ArgumentError, MigrationError, UsageError } from "../errors.ts";
import { formatOptions, GLOBAL_OPTIONS, parseCommandArgs, splitCommand } from "./args.ts";
import type { Command } from "./command.ts";
import { resolveCliSettings } from "./context.ts";
import type { CommandContext } from "./command.ts";
import { type CliIo, Output } from "./output.ts";
import { COMMANDS, findCommand } from "./registry.ts";

export type { CliIo } from "./output.ts";

/** tide's version, from `deno.json`. */
export const VERSION: string = denoJson.version;

/**
 * Runs the CLI with `args` and resolves to the exit status; nothing calls `Deno.exit`, so tests
 * run commands in-process and capture the output through `io`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./main.ts";
 *
 * const cwd = await Deno.makeTempDir();
 * const lines: string[] = [];
 * const io = { stdout: (line: string) => lines.push(line), stderr: () => {}, isTerminal: false };
 * assert.equal(await main(["new", "add users"], { ...io, env: new Map(), cwd }), 0);
 * // Paths as the user sees them from the project directory.
 * assert.equal(lines[0], "Created: migrations/001_add_users.up.sql");
 * assert.equal(lines[1], "Created: migrations/001_add_users.down.sql");
 * assert.equal(await main(["nope"], { ...io, env: new Map(), cwd }), 2); // bad usage
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export async function main(
  args: readonly string[],
  io: CliIo = defaultIo(bufferedStdout().line),
): Promise<number> {
  const { name, rest } = splitCommand(args);
  const plain = new Output(io, { json: rest.includes("--json") });
  plain.addSecretUrl(urlFlag(args));
  plain.addSecretUrl(io.env.get("DATABASE_URL"));
  if (name === undefined) return topLevel(rest, plain);
  if (name === "help") return await help(rest[0], plain);
  const entry = findCommand(name);
  if (!entry) {
    plain.error(
      new UsageError(`Unknown command "${name}". Run \`tide --help\` to list the commands.`),
    );
    return 2;
  }
  const { command } = await entry.load();
  return await runCommand(name, command, rest, io, plain);
}

async function runCommand(
  name: string,
  command: Command,
  args: string[],
  io: CliIo,
  plain: Output,
): Promise<number> {
  let out = plain;
  try {
    const { values, positionals } = parseCommandArgs(args, command.options);
    if (values.help) {
      plain.line(commandHelp(command));
      return 0;
    }
    checkPositionals(name, command, positionals);
    const color = io.isTerminal && !values["no-color"] && !io.env.get("NO_COLOR");
    out = new Output(io, { json: values.json === true, quiet: values.quiet === true, color });
    out.addSecretUrl(urlFlag(args));
    out.addSecretUrl(io.env.get("DATABASE_URL"));
    if (typeof values["env-file"] === "string") io = await withEnvFileOf(io, values["env-file"]);
    out.addSecretUrl(io.env.get("DATABASE_URL"));
    const settings = await resolveCliSettings(values, io);
    out.addSecretUrl(settings.databaseUrl);
    const ctx: CommandContext = { name, io, out, values, positionals, settings };
    if (command.writes) {
      const { refuseImplicitDatabase } = await import("./database.ts");
      refuseImplicitDatabase(ctx);
    }
    return await command.run(ctx);
  } catch (error) {
    out.error(error);
    if (error instanceof UsageError) {
      out.usage(`usage: tide ${command.usage}\nRun \`tide ${name} --help\` for details.`);
    }
    return exitStatus(error);
  }
}

/** `io` with the variables of a `.env` file under its own (which win). */
async function withEnvFileOf(io: CliIo, file: string): Promise<CliIo> {
  const [{ withEnvFile }, { resolve }] = await Promise.all([
    import("../config/env_file.ts"),
    import("node:path"),
  ]);
  return { ...io, env: await withEnvFile(io.env, resolve(io.cwd, file)) };
}

/** 2 for bad usage, config errors and arguments naming nothing, 1 for everything else. */
function exitStatus(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof MigrationError && error.code === "CONFIG_ERROR") return 2;
  if (error instanceof ArgumentError) return 2;
  return 1;
}

function checkPositionals(name: string, command: Command, positionals: string[]): void {
  const names = command.positionals ?? [];
  const required = names.filter((n) => !n.endsWith("?")).length;
  if (positionals.length < required) {
    throw new UsageError(`tide ${name} needs ${names.slice(positionals.length).join(" ")}.`);
  }
  if (positionals.length > names.length) {
    throw new UsageError(
      `tide ${name} takes ${names.length === 0 ? "no arguments" : names.join(" ")}, ` +
        `got unexpected "${positionals[names.length]}".`,
    );
  }
}

function topLevel(rest: string[], out: Output): number {
  if (rest.includes("--version") || rest.includes("-V") || rest.includes("-v")) {
    out.line(`tide ${VERSION}`);
    return 0;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    out.line(overview());
    return 0;
  }
  const problem = rest.length === 0
    ? "No command given."
    : `Unknown flag "${rest[0]}" without a command.`;
  out.error(new UsageError(`${problem} Run \`tide --help\` to list the commands.`));
  out.usage(overview());
  return 2;
}

async function help(name: string | undefined, out: Output): Promise<number> {
  if (name === undefined) {
    out.line(overview());
    return 0;
  }
  const entry = findCommand(name);
  if (!entry) {
    out.error(
      new UsageError(`Unknown command "${name}". Run \`tide --help\` to list the commands.`),
    );
    return 2;
  }
  out.line(commandHelp((await entry.load()).command));
  return 0;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((entry) => entry.name.length));
  return [
    `tide ${VERSION}: PostgreSQL migrations in plain SQL`,
    "",
    "usage: tide <command> [flags]",
    "",
    "Commands:",
    ...COMMANDS.map((entry) => `  ${entry.name.padEnd(width)}  ${entry.summary}`),
    "",
    "Global flags:",
    ...formatOptions({
      ...GLOBAL_OPTIONS,
      version: { type: "boolean", short: "v", description: "Print the version (also -V)." },
    }),
    "",
    "Run `tide help <command>` or `tide <command> --help` for a command's flags.",
  ].join("\n");
}

function commandHelp(command: Command): string {
  const own = command.options ?? {};
  return [
    `usage: tide ${command.usage}`,
    "",
    command.description,
    ...(Object.keys(own).length ? ["", "Flags:", ...formatOptions(own)] : []),
    "",
    "Global flags:",
    ...formatOptions(GLOBAL_OPTIONS),
  ].join("\n");
}

/** The value of `--database-url` anywhere in `args`, so even a usage error cannot leak it. */
function urlFlag(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--database-url") return args[i + 1];
    if (args[i].startsWith("--database-url=")) return args[i].slice("--database-url=".length);
  }
  return undefined;
}

function defaultIo(stdout: (line: string) => void): CliIo {
  return {
    stdout,
    stderr: (line) => console.error(line),
    isTerminal: Deno.stdout.isTerminal(),
    env: Deno.env,
    cwd: Deno.cwd(),
  };
}

/**
 * Lines for stdout, written together once the current task yields: a 500-row status table is
 * one write instead of 500, and progress lines still appear as each migration starts and ends.
 */
function bufferedStdout(): { line(text: string): void; flush(): void } {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const bytes = encoder.encode(pending.join(""));
    pending = [];
    try {
      for (let written = 0; written < bytes.length;) {
        written += Deno.stdout.writeSync(bytes.subarray(written));
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error; // `tide status | head`
    }
  };
  return {
    line: (text) => {
      if (pending.length === 0) queueMicrotask(flush);
      pending.push(text + "\n");
    },
    flush,
  };
}

if (import.meta.main) {
  const stdout = bufferedStdout();
  const status = await main(Deno.args, defaultIo(stdout.line));
  stdout.flush();
  // main() has awaited its work and closed its drivers. Exiting now, rather than when the event
  // loop drains, ends a run whose TypeScript migration left a timer or a socket open, and skips
  // the loop's wind-down (~3% of a no-op `status`).
  Deno.exit(status);
}
