/**
 * Writes a large, realistic set of pair-format migrations for the benchmarks: tables with
 * identity keys, foreign keys and checks, added columns, indexes, views, trigger functions and
 * comments, each with a down that restores the schema exactly.
 *
 * @module
 */
import { join } from "node:path";
import { MigrationError } from "../src/errors.ts";

/** One generated migration, before it is written to disk. */
export interface GeneratedMigration {
  /** Zero-padded version, e.g. `"007"`. */
  version: string;
  /** Name part of the file names. */
  name: string;
  /** SQL of the `.up.sql` file. */
  up: string;
  /** SQL of the `.down.sql` file. */
  down: string;
}

const ENTITIES = [
  "accounts",
  "projects",
  "tasks",
  "invoices",
  "payments",
  "contacts",
  "documents",
  "comments",
] as const;

/** How many migrations each generated table brings: its creation plus five changes to it. */
const STEPS_PER_TABLE = 6;

/** The table created by the `group`-th creation step (0-based): `t0003_tasks`. */
function tableName(group: number): string {
  return `t${String(group).padStart(4, "0")}_${ENTITIES[group % ENTITIES.length]}`;
}

function createTable(group: number): Omit<GeneratedMigration, "version"> {
  const table = tableName(group);
  // Each table points at the previous one, so rollbacks must run in reverse order.
  const parent = group === 0
    ? ""
    : `\n  parent_id bigint references ${tableName(group - 1)} (id) on delete cascade,`;
  const up = `create table ${table} (
  id bigint generated always as identity primary key,${parent}
  name text not null,
  quantity integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ${table}_quantity_check check (quantity >= 0)
);
`;
  return { name: `create_${table}`, up, down: `drop table ${table};\n` };
}

function changeTable(group: number, step: number): Omit<GeneratedMigration, "version"> {
  const table = tableName(group);
  switch (step) {
    case 1:
      return {
        name: `add_${table}_status`,
        up: `alter table ${table} add column status text not null default 'active';\n`,
        down: `alter table ${table} drop column status;\n`,
      };
    case 2:
      return {
        name: `index_${table}_name`,
        up: `create index ${table}_name_idx on ${table} (name);\n`,
        down: `drop index ${table}_name_idx;\n`,
      };
    case 3:
      return {
        name: `create_${table}_active`,
        up: `create view ${table}_active as\nselect id, name, quantity\nfrom ${table}\n` +
          `where status = 'active';\n`,
        down: `drop view ${table}_active;\n`,
      };
    case 4:
      return touchTrigger(table);
    default:
      return {
        name: `comment_${table}`,
        up: `comment on table ${table} is 'Generated ${ENTITIES[group % ENTITIES.length]}.';\n`,
        down: `comment on table ${table} is null;\n`,
      };
  }
}

function touchTrigger(table: string): Omit<GeneratedMigration, "version"> {
  const up = `create function ${table}_touch() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger ${table}_touch
  before update on ${table}
  for each row execute function ${table}_touch();
`;
  const down = `drop trigger ${table}_touch on ${table};\ndrop function ${table}_touch();\n`;
  return { name: `touch_${table}`, up, down };
}

/**
 * Builds `n` migrations in memory, versions `001`... (wider when `n` needs more digits).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildMigrations } from "./generate.ts";
 *
 * const [first] = buildMigrations(1);
 * assert.equal(`${first.version}_${first.name}.up.sql`, "001_create_t0000_accounts.up.sql");
 * assert.equal(buildMigrations(1000)[999].version, "1000"); // wider when n needs more digits
 * ```
 */
export function buildMigrations(n: number): GeneratedMigration[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new MigrationError(
      "CONFIG_ERROR",
      `Generating benchmark migrations: the count must be a whole number >= 0, got ${n}.`,
    );
  }
  const width = Math.max(3, String(n).length);
  const migrations: GeneratedMigration[] = [];
  for (let i = 0; i < n; i++) {
    const group = Math.floor(i / STEPS_PER_TABLE);
    const step = i % STEPS_PER_TABLE;
    const body = step === 0 ? createTable(group) : changeTable(group, step);
    migrations.push({ version: String(i + 1).padStart(width, "0"), ...body });
  }
  return migrations;
}

/**
 * Writes `n` pair-format migrations (`001_create_t0000_accounts.up.sql` + `.down.sql`, ...) into
 * `dir`, creating it. Refuses a directory that already holds `.sql` files, so two sets never mix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { generateMigrations } from "./generate.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await generateMigrations(dir, 3);
 * assert.equal([...Deno.readDirSync(dir)].length, 6); // an up and a down each
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function generateMigrations(dir: string, n: number): Promise<void> {
  const migrations = buildMigrations(n);
  await Deno.mkdir(dir, { recursive: true });
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".sql")) {
      throw new MigrationError(
        "CONFIG_ERROR",
        `Generating benchmark migrations in ${dir}: it already holds ${entry.name}. ` +
          "Pass an empty or new directory.",
        { file: join(dir, entry.name) },
      );
    }
  }
  for (const m of migrations) {
    const base = join(dir, `${m.version}_${m.name}`);
    await Deno.writeTextFile(`${base}.up.sql`, m.up);
    await Deno.writeTextFile(`${base}.down.sql`, m.down);
  }
}
