/**
 * The catalogue of everyday changes `tide new --template` writes: the up from a few
 * arguments; the down is then generated and proven like any other.
 *
 * @module
 */
import { UsageError } from "../errors.ts";

/** The templates, by name. */
export const TEMPLATE_NAMES = [
  "add-column",
  "add-index",
  "add-foreign-key",
  "create-table",
  "rename-column",
  "add-check",
  "data",
] as const;

/** A template's name. */
export type TemplateName = typeof TEMPLATE_NAMES[number];

/** The arguments templates take (flags of `tide new`). */
export interface TemplateArgs {
  /** `--table users`. */
  table?: string;
  /** `--column email:text` (name and type), or a name alone where no type is needed. */
  column?: string;
  /** `--columns email,name` for an index; `email:text,name:text` for a table. */
  columns?: string;
  /** `--not-null`. */
  notNull?: boolean;
  /** `--default "'en'"`: an SQL expression. */
  default?: string;
  /** `--unique`. */
  unique?: boolean;
  /** `--where "deleted_at is null"`: a partial index's predicate. */
  where?: string;
  /** `--references users` or `users(id)`. */
  references?: string;
  /** `--on-delete cascade|restrict|set null|set default|no action`. */
  onDelete?: string;
  /** `--new-name full_name` for rename-column. */
  newName?: string;
  /** `--check "price > 0"`. */
  check?: string;
  /** `--constraint-name`: the constraint's or index's name, instead of the usual one. */
  constraintName?: string;
  /** `--sql "update ..."`: a data migration's statement. */
  sql?: string;
}

/** How a table name is written: a `{{tables.x}}` template, or the name itself. */
export type TableWriter = (table: string) => string;

function usage(template: string, what: string): never {
  throw new UsageError(
    `Cannot write the ${template} template: ${what}. See \`tide new --help\` for its arguments.`,
  );
}

const NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function ident(template: string, name: string | undefined, what: string): string {
  if (name === undefined || name === "") usage(template, `it needs ${what}`);
  if (!NAME.test(name)) usage(template, `"${name}" is not a plain name (letters, digits, _)`);
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name}"`;
}

function typed(template: string, spec: string): [string, string] {
  const at = spec.indexOf(":");
  if (at < 0) usage(template, `the column "${spec}" needs a type, as name:type`);
  return [ident(template, spec.slice(0, at), "a column name"), spec.slice(at + 1)];
}

/**
 * The up SQL of a template.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { templateUp } from "./catalogue.ts";
 *
 * const up = templateUp("add-column", { table: "users", column: "email:text", notNull: true,
 *   default: "''" }, (t) => t);
 * assert.equal(up, "ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';\n");
 * ```
 */
export function templateUp(name: TemplateName, args: TemplateArgs, table: TableWriter): string {
  const t = () => table(ident(name, args.table, "--table"));
  switch (name) {
    case "add-column": {
      const [column, type] = typed(name, args.column ?? usage(name, "it needs --column name:type"));
      const parts = [`ALTER TABLE ${t()} ADD COLUMN ${column} ${type}`];
      if (args.notNull) parts.push("NOT NULL");
      if (args.default !== undefined) parts.push(`DEFAULT ${args.default}`);
      return `${parts.join(" ")};\n`;
    }
    case "add-index": {
      const columns = (args.columns ?? args.column ?? usage(name, "it needs --columns a,b"))
        .split(",").map((c) => ident(name, c.trim(), "a column"));
      const index = args.constraintName ??
        `${args.table}_${columns.join("_").replaceAll('"', "")}_${args.unique ? "key" : "idx"}`;
      const where = args.where ? ` WHERE ${args.where}` : "";
      return `CREATE ${args.unique ? "UNIQUE " : ""}INDEX ${ident(name, index, "an index name")} ` +
        `ON ${t()} (${columns.join(", ")})${where};\n`;
    }
    case "add-foreign-key": {
      const column = ident(name, args.column, "--column");
      const ref = /^([A-Za-z_][\w$]*)(?:\(([A-Za-z_][\w$]*)\))?$/.exec(args.references ?? "") ??
        usage(name, "it needs --references table or table(column)");
      const constraint = args.constraintName ?? `${args.table}_${args.column}_fkey`;
      const onDelete = args.onDelete ? ` ON DELETE ${args.onDelete.toUpperCase()}` : "";
      return `ALTER TABLE ${t()} ADD CONSTRAINT ${ident(name, constraint, "a name")} ` +
        `FOREIGN KEY (${column}) REFERENCES ${table(ident(name, ref[1], "a table"))} ` +
        `(${ident(name, ref[2] ?? "id", "a column")})${onDelete};\n`;
    }
    case "create-table": {
      const columns = (args.columns ?? "").split(",").filter((c) => c.trim() !== "")
        .map((c) => typed(name, c.trim()));
      const lines = ["id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"]
        .concat(columns.map(([c, type]) => `${c} ${type}`));
      return `CREATE TABLE ${t()} (\n${lines.map((l) => `    ${l}`).join(",\n")}\n);\n`;
    }
    case "rename-column":
      return `ALTER TABLE ${t()} RENAME COLUMN ${ident(name, args.column, "--column")} TO ` +
        `${ident(name, args.newName, "--new-name")};\n`;
    case "add-check": {
      if (!args.check) usage(name, 'it needs --check "expression"');
      const constraint = args.constraintName ?? `${args.table}_check`;
      return `ALTER TABLE ${t()} ADD CONSTRAINT ${ident(name, constraint, "a name")} ` +
        `CHECK (${args.check});\n`;
    }
    case "data":
      return args.sql
        ? `${args.sql.trim().replace(/;?$/, ";")}\n`
        : "-- Change data here (UPDATE, INSERT, DELETE); the schema stays as it is.\nSELECT 1;\n";
  }
}
