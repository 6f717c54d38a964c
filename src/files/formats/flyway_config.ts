/**
 * Flyway's settings that change how scripts are named and rendered, from `flyway.conf` in the
 * migrations directory (Java properties: `key=value`, `#` comments), and placeholder
 * replacement as Flyway does it.
 *
 * @module
 */
import { basename } from "../paths.ts"; // not node:path: see paths.ts
import { MigrationError } from "../../errors.ts";
import { positionAt } from "../../sql/position.ts";
import type { FormatOptions } from "./format.ts";
import type { SourceFile, SourceTree } from "./tree.ts";

/** The settings tide honours. */
export interface FlywayConfig {
  /** `flyway.sqlMigrationPrefix`, `V`. */
  versionedPrefix: string;
  /** `flyway.undoSqlMigrationPrefix`, `U`. */
  undoPrefix: string;
  /** `flyway.repeatableSqlMigrationPrefix`, `R`. */
  repeatablePrefix: string;
  /** `flyway.sqlMigrationSeparator`, `__`. */
  separator: string;
  /** `flyway.sqlMigrationSuffixes`, `.sql`. */
  suffixes: string[];
  /** `flyway.placeholderReplacement`, true. */
  replace: boolean;
  /** `flyway.placeholderPrefix`, `${`. */
  placeholderPrefix: string;
  /** `flyway.placeholderSuffix`, `}`. */
  placeholderSuffix: string;
  /** `flyway.placeholders.<name>`. */
  placeholders: Record<string, string>;
  /** Every key as read, for the built-ins (`flyway.table`, `flyway.user`, ...). */
  properties: Record<string, string>;
}

/**
 * The settings of `flyway.conf` at the top of `tree` (defaults when there is none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readFlywayConfig } from "./flyway_config.ts";
 * import { treeFromBytes } from "./tree.ts";
 *
 * const bytes = new TextEncoder().encode("flyway.placeholders.owner=app\nflyway.sqlMigrationPrefix=M\n");
 * const config = readFlywayConfig(treeFromBytes("db", [{ path: "db/flyway.conf", bytes }]));
 * assert.equal(config.versionedPrefix, "M");
 * assert.deepEqual(config.placeholders, { owner: "app" });
 * ```
 */
export function readFlywayConfig(tree: SourceTree): FlywayConfig {
  const file = tree.get("flyway.conf");
  const properties = file === undefined ? {} : parseProperties(tree.text(file));
  const get = (key: string, fallback: string) => properties[`flyway.${key}`] ?? fallback;
  const placeholders: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (key.startsWith("flyway.placeholders.")) {
      placeholders[key.slice("flyway.placeholders.".length)] = value;
    }
  }
  return {
    versionedPrefix: get("sqlMigrationPrefix", "V"),
    undoPrefix: get("undoSqlMigrationPrefix", "U"),
    repeatablePrefix: get("repeatableSqlMigrationPrefix", "R"),
    separator: get("sqlMigrationSeparator", "__"),
    suffixes: get("sqlMigrationSuffixes", ".sql").split(",").map((s) => s.trim()).filter(Boolean),
    replace: get("placeholderReplacement", "true").toLowerCase() !== "false",
    placeholderPrefix: get("placeholderPrefix", "${"),
    placeholderSuffix: get("placeholderSuffix", "}"),
    placeholders,
    properties,
  };
}

function parseProperties(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  const lines = text.replace(/\\\r?\n\s*/g, "").split(/\r?\n/);
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith("!")) continue;
    const at = trimmed.search(/[=:]/);
    if (at === -1) continue;
    properties[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return properties;
}

/**
 * `text` of `file` with its placeholders replaced; throws `MigrationError` `UNKNOWN_TEMPLATE`
 * for one that has no value, as Flyway fails.
 */
export function replacePlaceholders(
  text: string,
  file: SourceFile,
  config: FlywayConfig,
  options: FormatOptions,
): string {
  if (!config.replace) return text;
  const values = placeholderValues(file, config, options);
  const lower = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  const { placeholderPrefix: open, placeholderSuffix: close } = config;
  let out = "";
  let from = 0;
  for (;;) {
    const start = text.indexOf(open, from);
    const end = start === -1 ? -1 : text.indexOf(close, start + open.length);
    if (start === -1 || end === -1) break;
    const name = text.slice(start + open.length, end);
    const value = values[name] ?? lower.get(name.toLowerCase()) ??
      (name.toLowerCase() === "flyway:timestamp" ? timestampOf(options) : undefined);
    if (value === undefined) throw unknownPlaceholder(text, file, open + name + close, start);
    out += text.slice(from, start) + value;
    from = end + close.length;
  }
  return out + text.slice(from);
}

function placeholderValues(
  file: SourceFile,
  config: FlywayConfig,
  options: FormatOptions,
): Record<string, string> {
  const p = config.properties;
  const schema = p["flyway.defaultSchema"] ?? p["flyway.schemas"]?.split(",")[0] ??
    options.schema ?? "public";
  return {
    "flyway:defaultSchema": schema,
    "flyway:user": p["flyway.user"] ?? options.user ?? "postgres",
    "flyway:database": options.database ?? databaseOf(p["flyway.url"]) ?? "postgres",
    "flyway:filename": basename(file.rel),
    "flyway:workingDirectory": cwd(),
    "flyway:table": p["flyway.table"] ?? "flyway_schema_history",
    "flyway:environment": p["flyway.environment"] ?? "default",
    ...config.placeholders,
    ...options.placeholders,
  };
}

/**
 * `${flyway:timestamp}`, read only where a script uses it: the time is the one input of loading
 * that differs at every run, so a load that never reads it can be cached (`load_cache.ts`).
 */
function timestampOf(options: FormatOptions): string {
  const now = options.now ?? new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
}

function databaseOf(url: string | undefined): string | undefined {
  return url?.match(/^jdbc:postgresql:\/\/[^/]*\/([^?;]+)/)?.[1];
}

function cwd(): string {
  try {
    return Deno.cwd();
  } catch {
    return ".";
  }
}

function unknownPlaceholder(text: string, file: SourceFile, written: string, offset: number) {
  const { line, column } = positionAt(text, offset);
  return new MigrationError(
    "UNKNOWN_TEMPLATE",
    `Cannot read ${file.path}:${line}:${column}: no value for the Flyway placeholder ` +
      `${written}. Give it in the config's "placeholders" or in flyway.conf ` +
      `(flyway.placeholders.${written.slice(2, -1)}=...).`,
    { file: file.path, line, column },
  );
}
