/**
 * Text results of the light client turned into the JavaScript values postgres.js gives: numbers
 * for int2, int4, oid, float4 and float8, booleans, `Date`s for date and timestamp types, parsed
 * JSON, arrays of those (and of text types); every other type (int8, numeric, text...) as its text.
 *
 * @module
 */

type Parse = (text: string) => unknown;

const number: Parse = (text) => +text;
const date: Parse = (text) => new Date(text);
const json: Parse = (text) => JSON.parse(text);
const boolean: Parse = (text) => text === "t";
const bytea: Parse = (text) => hexBytes(text.slice(2));

/** Parsers by type OID, as postgres.js's defaults. */
const PARSERS: Record<number, Parse> = {
  21: number,
  23: number,
  26: number,
  700: number,
  701: number,
  16: boolean,
  114: json,
  3802: json,
  1082: date,
  1114: date,
  1184: date,
  17: bytea,
};

/** The element type of each built-in array type (`pg_type.typarray`, fixed for built-ins). */
const ARRAY_ELEMENTS: Record<number, number> = {
  1000: 16,
  1001: 17,
  1002: 18,
  1003: 19,
  1005: 21,
  1007: 23,
  1009: 25,
  1014: 1042,
  1015: 1043,
  1016: 20,
  1021: 700,
  1022: 701,
  1028: 26,
  1115: 1114,
  1182: 1082,
  1183: 1083,
  1185: 1184,
  1231: 1700,
  199: 114,
  3807: 3802,
  2951: 2950,
};

/**
 * The value of a column of type `oid` whose text is `text`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseValue } from "./pg_wire_values.ts";
 *
 * assert.equal(parseValue(23, "7"), 7);
 * assert.equal(parseValue(20, "9007199254740993"), "9007199254740993");
 * assert.deepEqual(parseValue(1009, '{a,"b c"}'), ["a", "b c"]);
 * assert.equal((parseValue(1184, "2024-05-06 07:08:09+00") as Date).toISOString(), "2024-05-06T07:08:09.000Z");
 * ```
 */
export function parseValue(oid: number, text: string): unknown {
  const element = ARRAY_ELEMENTS[oid];
  // postgres.js parses arrays from after their opening brace.
  if (element !== undefined) return parseArray(text.slice(1), PARSERS[element]);
  const parse = PARSERS[oid];
  return parse ? parse(text) : text;
}

/**
 * A PostgreSQL array literal, parsed exactly as postgres.js 3.4 parses it (so both drivers give
 * the same values): nested braces, quoted elements with backslash escapes; an unquoted `NULL`
 * element is passed to the element parser like any other text, as postgres.js does.
 */
function parseArray(text: string, parse: Parse | undefined, delimiter = ","): unknown[] {
  const state = { i: 0, last: 0, quoted: false, str: "", char: "", previous: "" };
  const value = (raw: string) => parse ? parse(raw) : raw;
  const loop = (): unknown[] => {
    const items: unknown[] = [];
    for (; state.i < text.length; state.i++) {
      state.char = text[state.i];
      if (state.quoted) {
        if (state.char === "\\") state.str += text[++state.i];
        else if (state.char === '"') {
          items.push(value(state.str));
          state.str = "";
          state.quoted = text[state.i + 1] === '"';
          state.last = state.i + 2;
        } else state.str += state.char;
      } else if (state.char === '"') state.quoted = true;
      else if (state.char === "{") {
        state.last = ++state.i;
        items.push(loop());
      } else if (state.char === "}") {
        state.quoted = false;
        if (state.last < state.i) items.push(value(text.slice(state.last, state.i)));
        state.last = state.i + 1;
        break;
      } else if (state.char === delimiter && state.previous !== "}" && state.previous !== '"') {
        items.push(value(text.slice(state.last, state.i)));
        state.last = state.i + 1;
      }
      state.previous = state.char;
    }
    if (state.last < state.i) items.push(value(text.slice(state.last, state.i + 1)));
    return items;
  };
  return loop();
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
