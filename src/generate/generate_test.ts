import { equal, match, ok } from "node:assert/strict";
import { bootPglite } from "../drivers/pglite_cache.ts";
import { takeSnapshot } from "../schema/snapshot.ts";
import { generateSql } from "./generate.ts";
import { mentions, renameIn } from "./names.ts";
import { orderSteps } from "./order.ts";

/** The SQL from the schema after `setup` + `change` back to the one after `setup`. */
async function downOf(setup: string, change: string, extensions: string[] = []) {
  await using db = await bootPglite({ extensions });
  await db.exec(setup);
  const before = await takeSnapshot(db);
  await db.exec(change);
  const after = await takeSnapshot(db);
  return generateSql(after.objects, before.objects);
}

Deno.test("generateSql() renames a column back instead of dropping it", async () => {
  const { sql } = await downOf(
    "create table t (id int primary key, mail text, n int); create index t_mail_idx on t (mail);",
    "alter table t rename column mail to email;",
  );
  equal(sql, "ALTER TABLE public.t RENAME COLUMN email TO mail;\n");
});

Deno.test("generateSql() renames a table, an index and a constraint back", async () => {
  const { sql } = await downOf(
    "create table a (id int constraint a_pk primary key, x int); create index a_x on a (x);",
    "alter table a rename to b; alter index a_x rename to b_x; alter table b rename constraint a_pk to b_pk;",
  );
  equal(
    sql,
    "ALTER TABLE public.b RENAME TO a;\n\nALTER TABLE public.a RENAME CONSTRAINT b_pk TO a_pk;\n\n" +
      "ALTER INDEX public.b_x RENAME TO a_x;\n",
  );
});

Deno.test("generateSql() adds an enum value where it was, and recreates an enum that lost one", async () => {
  const added = await downOf(
    "create type mood as enum ('happy', 'sad'); create table t (m mood default 'sad');",
    "alter type mood rename to mood2; create type mood as enum ('sad');" +
      "alter table t alter column m drop default;" +
      "alter table t alter column m type mood using m::text::mood; drop type mood2;" +
      "alter table t alter column m set default 'sad';",
  );
  match(added.sql, /ALTER TYPE public\.mood ADD VALUE 'happy' BEFORE 'sad';/);
  const removed = await downOf(
    "create type mood as enum ('happy', 'sad'); create table t (m mood default 'sad');",
    "alter type mood add value 'meh' after 'happy';",
  );
  match(removed.sql, /ALTER TYPE public\.mood RENAME TO "mood__old";/);
  match(removed.sql, /USING m::text::public\.mood;/);
  ok(removed.notes.some((n) => n.kind === "recreate" && /loses 'meh'/.test(n.message)));
});

Deno.test("generateSql() drops the views reading a column before it changes, and creates them after", async () => {
  const { sql } = await downOf(
    "create table t (id int, v varchar(10)); create view tv as select v from t;" +
      "create view tvv as select v from tv;",
    "drop view tvv; drop view tv; alter table t alter column v type varchar(20);" +
      "create view tv as select v from t; create view tvv as select v from tv;",
  );
  const at = (text: string) => sql.indexOf(text);
  ok(at("DROP VIEW public.tvv") < at("DROP VIEW public.tv;"), sql);
  ok(at("DROP VIEW public.tv;") < at("ALTER TABLE public.t ALTER COLUMN v TYPE"), sql);
  ok(at("ALTER TABLE public.t ALTER COLUMN v TYPE") < at("CREATE VIEW public.tv "), sql);
  ok(at("CREATE VIEW public.tv ") < at("CREATE VIEW public.tvv"), sql);
});

Deno.test("generateSql() creates a function before the trigger that calls it", async () => {
  const { sql } = await downOf(
    "create table t (id int); create function f() returns trigger language plpgsql as " +
      "$$ begin return new; end $$; create trigger t_f before insert on t for each row execute function f();",
    "drop trigger t_f on t; drop function f();",
  );
  ok(sql.indexOf("CREATE OR REPLACE FUNCTION public.f()") < sql.indexOf("CREATE TRIGGER t_f"));
});

Deno.test("generateSql() rebuilds a table to put a dropped column back in place", async () => {
  const { sql, notes, blocked } = await downOf(
    "create table t (id int generated always as identity primary key, b text, c int);",
    "alter table t drop column b;",
  );
  equal(blocked, false);
  match(sql, /CREATE TABLE public\."t__rebuild" AS SELECT id, c FROM public\.t;/);
  match(sql, /INSERT INTO public\.t \(id, c\) OVERRIDING SYSTEM VALUE SELECT id, c FROM/);
  ok(notes.some((n) => /table public\.t is rebuilt/.test(n.message)));
});

Deno.test("generateSql() writes the project's templates outside literals", async () => {
  await using db = await bootPglite();
  const before = await takeSnapshot(db);
  await db.exec("create table users (id int default length('public.users'));");
  const after = await takeSnapshot(db);
  const { sql } = generateSql(before.objects, after.objects, { templates: { schema: "public" } });
  equal(
    sql,
    "CREATE TABLE {{tables.users}} (\n    id integer DEFAULT length('public.users'::text)\n);\n",
  );
});

Deno.test("mentions() and renameIn() leave string literals alone", () => {
  ok(!mentions("select 'public.t'").has("public.t"));
  equal(renameIn("a + 'a' + a_b", "a", "x"), "x + 'a' + a_b");
});

Deno.test("orderSteps() lets rank decide inside a cycle, before later ranks go", () => {
  const a = { sql: ["A"], rank: 1, drops: ["a"], frees: "b" };
  const b = { sql: ["B"], rank: 1, drops: ["b"], frees: "a" };
  const later = { sql: ["C"], rank: 2 };
  equal(orderSteps([later, a, b]).map((s) => s.sql[0]).join(""), "ABC");
});

Deno.test("generateSql() recreates a function whose arguments use an enum it recreates", async () => {
  const { sql } = await downOf(
    "create type mood as enum ('happy', 'sad'); create function f(m mood) returns int " +
      "language sql as 'select 1';",
    "alter type mood add value 'meh';",
  );
  const at = (text: string) => sql.indexOf(text);
  ok(at("DROP FUNCTION public.f(m public.mood)") < at('DROP TYPE public."mood__old"'), sql);
  ok(at("CREATE TYPE public.mood") < at("CREATE OR REPLACE FUNCTION public.f"), sql);
});
