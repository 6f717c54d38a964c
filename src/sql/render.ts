/**
 * SQL with its values kept apart from its text, rendered two ways from one source:
 * parameterised (`$n` placeholders and a parameter list, for `query`) or inline (values as
 * literals, for a simple-protocol message sent with `exec`). Placeholders are numbered only
 * while rendering, so no code refers to a parameter by its position, and nothing rescans text:
 * a quoted identifier holding `$1` stays as it is.
 *
 * @module
 */
import type { Queryable, Row } from "../drivers/driver.ts";
import { type Literal, quoteIdentifier, quoteLiteral } from "./quote.ts";

/** A value the server computes as the statement runs; the same SQL text in both forms. */
export class ServerValue {
  /** The SQL expression. */
  readonly sql: string;

  /** A server-side value computed by `sql`, which must be a trusted SQL expression. */
  constructor(sql: string) {
    this.sql = sql;
  }
}

/** The server-side values tide writes. */
export const SERVER: Readonly<
  Record<"elapsedMs" | "statementTime" | "transactionTime", ServerValue>
> = Object.freeze({
  /** Whole milliseconds since the server received the current message. */
  elapsedMs: new ServerValue(
    "(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::integer",
  ),
  /** When the server received the current message. */
  statementTime: new ServerValue("statement_timestamp()"),
  /** When the current transaction started. */
  transactionTime: new ServerValue("now()"),
});

// A plain value: a parameter in the parameterised form, a literal in the inline one.
export type { Literal };

/** What a placeholder of {@linkcode sql}, or a column of a row, can hold. */
export type SqlValue = Literal | ServerValue;

/** SQL text with values between its pieces, the way a tagged template holds them. */
export class Sql {
  /** The text around the values: one more piece than there are values. */
  readonly strings: readonly string[];
  /** The values, in text order. */
  readonly values: readonly SqlValue[];

  /** SQL from `strings` with `values` between them (`strings.length === values.length + 1`). */
  constructor(strings: readonly string[], values: readonly SqlValue[]) {
    if (strings.length !== values.length + 1) {
      throw new TypeError("Sql needs one more text piece than values.");
    }
    this.strings = strings;
    this.values = values;
  }
}

/**
 * Builds {@linkcode Sql}: an interpolated `Sql` is spliced in as SQL, anything else is a value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { identifier, inlined, parameterised, sql } from "./render.ts";
 *
 * const query = sql`SELECT * FROM ${identifier("a$1", "t")} WHERE name = ${"it's"}`;
 * assert.deepEqual(parameterised(query), {
 *   sql: 'SELECT * FROM "a$1"."t" WHERE name = $1',
 *   params: ["it's"],
 * });
 * assert.equal(inlined(query), `SELECT * FROM "a$1"."t" WHERE name = 'it''s'`);
 * ```
 */
export function sql(strings: TemplateStringsArray, ...args: readonly (SqlValue | Sql)[]): Sql {
  const pieces = [strings[0]];
  const values: SqlValue[] = [];
  args.forEach((arg, i) => {
    if (arg instanceof Sql) {
      pieces[pieces.length - 1] += arg.strings[0];
      values.push(...arg.values);
      pieces.push(...arg.strings.slice(1));
      pieces[pieces.length - 1] += strings[i + 1];
    } else {
      values.push(arg);
      pieces.push(strings[i + 1]);
    }
  });
  return new Sql(pieces, values);
}

/** Trusted SQL text, spliced in as it is. */
export function rawSql(text: string): Sql {
  return new Sql([text], []);
}

/** A quoted, dot-separated name: `identifier("s", "t")` is `"s"."t"`. */
export function identifier(...names: readonly string[]): Sql {
  return rawSql(names.map(quoteIdentifier).join("."));
}

/** `parts` one after the other, `separator` between them. */
export function joinSql(parts: readonly Sql[], separator: string): Sql {
  const pieces = [""];
  const values: SqlValue[] = [];
  parts.forEach((part, i) => {
    pieces[pieces.length - 1] += (i === 0 ? "" : separator) + part.strings[0];
    pieces.push(...part.strings.slice(1));
    values.push(...part.values);
  });
  return new Sql(pieces, values);
}

/** A statement for `query`: text with `$n` placeholders and its parameters. */
export interface Parameterised {
  /** Text with `$1`, `$2`... */
  sql: string;
  /** One value for each placeholder, in order. */
  params: Literal[];
}

/**
 * The parameterised form of `statement`. Values are checked as their literals would be (a NUL
 * character, `NaN` and an invalid date are refused), so both forms accept the same values.
 */
export function parameterised(statement: Sql): Parameterised {
  const params: Literal[] = [];
  const text = render(statement, (value) => {
    quoteLiteral(value);
    params.push(value);
    return `$${params.length}`;
  });
  return { sql: text, params };
}

/** Runs `statement` on `db` in its parameterised form and returns the rows. */
export function runQuery<T extends Row = Row>(db: Queryable, statement: Sql): Promise<T[]> {
  const { sql, params } = parameterised(statement);
  return db.query<T>(sql, params);
}

/** The inline form of `statement`: values written as literals with `quoteLiteral`. */
export function inlined(statement: Sql): string {
  return render(statement, quoteLiteral);
}

function render(statement: Sql, literal: (value: Literal) => string): string {
  let text = statement.strings[0];
  statement.values.forEach((value, i) => {
    text += (value instanceof ServerValue ? value.sql : literal(value)) + statement.strings[i + 1];
  });
  return text;
}
