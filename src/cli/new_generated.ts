/**
 * What `tide new` does beyond a blank migration: `--to schema.sql`, a draft from a desired
 * schema, and `--template`, one of the everyday changes. Both get a generated down, and both
 * directions are proven before anything is written. Kept apart from `commands/new.ts`, which
 * only hands over when one of these flags is given.
 *
 * @module
 */
import { resolve } from "node:path";
import { MigrationError, UsageError } from "../errors.ts";
import type { Migration } from "../files/migration.ts";
import type { TemplateArgs, TemplateName } from "../generate/catalogue.ts";
import type { OptionSpec } from "./args.ts";
import { loadCliMigrations, migrationsDir, otherModules } from "./context.ts";
import type { CommandContext } from "./command.ts";

/** The help lines of the two flags. */
export const GENERATED_HELP =
  "\n--to schema.sql: the up turns the migrations' schema into that file's, the down turns it\n" +
  "back, both proven by a round trip first. --template add-column|add-index|\n" +
  "add-foreign-key|create-table|rename-column|add-check|data: the up from the arguments\n" +
  "(--table users --column email:text ...), the down generated and proven.";

/** The flags of `--to` and `--template`. */
export const GENERATED_OPTIONS: Record<string, OptionSpec> = {
  to: { type: "string", arg: "FILE", description: "Draft from the desired schema in FILE." },
  template: { type: "string", arg: "NAME", description: "Write an everyday change." },
  table: { type: "string", arg: "TABLE", description: "Template: the table." },
  column: {
    type: "string",
    arg: "NAME[:TYPE]",
    description: "Template: the column (with its type to add it).",
  },
  columns: {
    type: "string",
    arg: "LIST",
    description: "Template: index columns a,b, or table columns a:text,b:int.",
  },
  "not-null": { type: "boolean", description: "add-column: NOT NULL." },
  default: { type: "string", arg: "SQL", description: "add-column: the default expression." },
  unique: { type: "boolean", description: "add-index: a unique index." },
  where: { type: "string", arg: "SQL", description: "add-index: a partial index's predicate." },
  references: {
    type: "string",
    arg: "TABLE[(COL)]",
    description: "add-foreign-key: the referenced table (and column, default id).",
  },
  "on-delete": { type: "string", arg: "ACTION", description: "add-foreign-key: ON DELETE." },
  "new-name": { type: "string", arg: "NAME", description: "rename-column: the new name." },
  check: { type: "string", arg: "SQL", description: "add-check: the condition." },
  "constraint-name": {
    type: "string",
    arg: "NAME",
    description: "Template: the constraint's or index's name.",
  },
  sql: { type: "string", arg: "SQL", description: "data: the statement." },
};

/**
 * Runs `tide new` with `--to` or `--template`; `undefined` when neither was given.
 *
 * @example
 * ```ts ignore
 * const code = await newGenerated(ctx);
 * if (code !== undefined) return code;
 * ```
 */
export async function newGenerated(ctx: CommandContext): Promise<number | undefined> {
  const to = ctx.values.to;
  const template = ctx.values.template;
  if (typeof to === "string" && typeof template === "string") {
    throw new UsageError("--to and --template cannot be used together: pick one.");
  }
  if (typeof to === "string") return await fromSchema(ctx, to);
  if (typeof template === "string") return await fromTemplate(ctx, template);
  return undefined;
}

async function loadOrEmpty(ctx: CommandContext): Promise<Migration[]> {
  try {
    return await loadCliMigrations(ctx);
  } catch (error) {
    if (error instanceof MigrationError && error.code === "MISSING_DIRECTORY") return [];
    throw error;
  }
}

async function fromSchema(ctx: CommandContext, file: string): Promise<number> {
  const migrations = await loadOrEmpty(ctx);
  const { draftFromSchema } = await import("../generate/draft.ts");
  const sql = await Deno.readTextFile(resolve(ctx.io.cwd, file));
  const modules = await otherModules(ctx, { always: true }); // they share the database
  const draft = await draftFromSchema(migrations, file, sql, ctx.settings, modules);
  if (draft.changes.length === 0) {
    ctx.out.result({ files: [], changes: [] });
    ctx.out.line(`Nothing to write: the migrations already build the schema of ${file}.`);
    return 0;
  }
  for (const change of draft.changes) ctx.out.line(`  - ${change.description}`);
  return await write(ctx, migrations, draft.up.sql, draft.down.sql, [
    ...draft.up.notes,
    ...draft.down.notes.map((n) => ({ ...n, message: `down: ${n.message}` })),
  ]);
}

async function fromTemplate(ctx: CommandContext, name: string): Promise<number> {
  const { TEMPLATE_NAMES, templateUp } = await import("../generate/catalogue.ts");
  if (!TEMPLATE_NAMES.includes(name as TemplateName)) {
    throw new UsageError(`--template takes one of ${TEMPLATE_NAMES.join(", ")}, got "${name}".`);
  }
  const migrations = await loadOrEmpty(ctx);
  const { generateDowns, usesTemplates } = await import("../generate/down.ts");
  const templated = usesTemplates(migrations);
  const up = templateUp(
    name as TemplateName,
    templateArgs(ctx),
    (table) =>
      !templated ? table : table.startsWith('"') ? `{{schema}}.${table}` : `{{tables.${table}}}`,
  );
  const { nextVersion } = await import("../files/version.ts");
  const draft: Migration = {
    version: nextVersion(migrations.map((m) => m.version)),
    name: ctx.positionals[0],
    up: { path: "the template's up", sql: up, line: 1, column: 1 },
    noTransaction: false,
    checksum: "",
  };
  const [result] = await generateDowns({
    migrations: [...migrations, draft],
    versions: [draft.version],
    schema: ctx.settings.schema,
  });
  if (result.status !== "proven") {
    throw new MigrationError(
      "NOT_PROVEN",
      `Writing the ${name} template failed: ${result.reason}. Nothing was written.`,
    );
  }
  const down = result.changesSchema
    ? result.sql
    : "-- The up changes data only: write its inverse here if it has one.\nSELECT 1;\n";
  return await write(ctx, migrations, up, down, result.notes);
}

function templateArgs(ctx: CommandContext): TemplateArgs {
  const text = (flag: string) => {
    const value = ctx.values[flag];
    return typeof value === "string" ? value : undefined;
  };
  return {
    table: text("table"),
    column: text("column"),
    columns: text("columns"),
    notNull: ctx.values["not-null"] === true,
    default: text("default"),
    unique: ctx.values.unique === true,
    where: text("where"),
    references: text("references"),
    onDelete: text("on-delete"),
    newName: text("new-name"),
    check: text("check"),
    constraintName: text("constraint-name"),
    sql: text("sql"),
  };
}

async function write(
  ctx: CommandContext,
  migrations: readonly Migration[],
  up: string,
  down: string,
  notes: readonly { kind: string; message: string }[],
): Promise<number> {
  const { writeNewMigration } = await import("../generate/write.ts");
  const created = await writeNewMigration(
    migrationsDir(ctx),
    migrations,
    ctx.positionals[0],
    up,
    down,
  );
  ctx.out.result({ ...created, notes });
  for (const note of notes) ctx.out.line(`  ${note.kind}: ${note.message}`);
  for (const file of created.files) ctx.out.line(`Created: ${file}`);
  ctx.out.line("Both directions were proven by a round trip (up, down, up).");
  return 0;
}
