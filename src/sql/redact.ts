/**
 * Keeps passwords out of output: database URLs, libpq keyword/value strings and free text
 * (error messages, logs) are scrubbed before anyone prints them.
 *
 * @module
 */

const MASK = "***";

/**
 * `scheme://user:password@` anywhere in text. The password runs to the last `@` before
 * whitespace or a quote, so one holding `@` or `/` is masked whole.
 */
const CREDENTIALS_IN_TEXT = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"`]*:)[^\s'"`]*@/gi;

/** Same, for one string known to be a URL: the password may hold anything up to the last `@`. */
const CREDENTIALS_IN_URL = /^(\s*[a-z][a-z0-9+.-]*:\/\/[^:/@]*:).*@/is;

/**
 * A password key not inside a longer word, followed by `=`: in a query string (`?password=`),
 * or in a libpq keyword/value string, where spaces may surround the `=`.
 */
const PASSWORD_KEY = /(?<![\w.-])(?:sslpassword|password|pass|pwd)(?=\s*=)/gi;

/**
 * Returns `url` with its password replaced by `***`: in the user-info part, in a `password=`
 * query parameter, and in a keyword/value string (`host=db password='a b'`). User, host, port,
 * database and other parameters are kept. Text that is not a URL is scrubbed the same way as
 * free text, so it is always safe to print.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactUrl } from "./redact.ts";
 *
 * assert.equal(
 *   redactUrl("postgres://app:s3cret@db.example.com:5432/shop"),
 *   "postgres://app:***@db.example.com:5432/shop",
 * );
 * assert.equal(redactUrl("host=db password='s3cret pw' dbname=x"), "host=db password=*** dbname=x");
 * ```
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactSecrets(url.replace(CREDENTIALS_IN_URL, `$1${MASK}@`));
  }
  // URL may fail to mark a password that sits in an odd place; the text pass below catches it.
  if (parsed.password !== "") parsed.password = "MASKED_PASSWORD";
  if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "MASKED_PASSWORD");
  const out = parsed.href.replaceAll("MASKED_PASSWORD", MASK);
  return redactSecrets(out);
}

/**
 * Scrubs free text: every `scheme://user:password@` has its password replaced by `***`, every
 * password parameter (`?password=`, `&sslpassword=`, `password='a b'` as libpq reads it, quotes
 * and backslash escapes included) is masked, and every string in `secrets` (and its
 * percent-encoded and percent-decoded forms) is replaced by `***`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactSecrets } from "./redact.ts";
 *
 * assert.equal(
 *   redactSecrets("connect postgres://app:s3cret@db/shop failed", ["s3cret"]),
 *   "connect postgres://app:***@db/shop failed",
 * );
 * ```
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  // Most text holds no URL: the check is much cheaper than the pattern (a 500-row status table).
  let out = text.includes("://") ? text.replace(CREDENTIALS_IN_TEXT, `$1${MASK}@`) : text;
  out = maskPasswordParameters(out);
  for (const form of secretForms(secrets)) out = out.replaceAll(form, MASK);
  return out;
}

/** Replaces the value of every password parameter in `text` by the mask. */
function maskPasswordParameters(text: string): string {
  let out = "";
  let copied = 0;
  for (const match of text.matchAll(PASSWORD_KEY)) {
    const keyEnd = match.index + match[0].length;
    if (keyEnd < copied) continue; // inside a value already masked
    const inQuery = match.index > 0 && "?&".includes(text[match.index - 1]);
    const { start, end } = inQuery ? queryValue(text, keyEnd) : keywordValue(text, keyEnd);
    if (end === start) continue;
    out += text.slice(copied, start) + MASK;
    copied = end;
  }
  return out + text.slice(copied);
}

/** The value after `key` in a query string: `=` then up to `&`, `#`, a quote or whitespace. */
function queryValue(text: string, key: number): { start: number; end: number } {
  const start = text[key] === "=" ? key + 1 : key;
  let end = start;
  while (end < text.length && !/[&#\s'"`]/.test(text[end])) end++;
  return { start, end: text[key] === "=" ? end : start };
}

/**
 * The value after `key` as libpq reads a keyword/value string: `=` with optional spaces
 * around it, then a `'...'` value (or a `"..."` one, as free text may quote it) or one up to
 * whitespace; a backslash escapes the next character in both. An unquoted value also stops at
 * `"`, which ends the JSON string or quotation it sits in. An unterminated quote runs to the end
 * of the text.
 */
function keywordValue(text: string, key: number): { start: number; end: number } {
  let start = key;
  while (/\s/.test(text[start] ?? "")) start++;
  start++; // the `=`
  while (/\s/.test(text[start] ?? "")) start++;
  const quote = text[start] === "'" || text[start] === '"' ? text[start] : undefined;
  let end = quote ? start + 1 : start;
  while (end < text.length) {
    const char = text[end];
    if (char === "\\") end += 2;
    else if (quote ? char === quote : /[\s"]/.test(char)) break;
    else end++;
  }
  if (quote && end < text.length) end++; // the closing quote
  return { start, end: Math.min(end, text.length) };
}

/** Every spelling of each secret that may show up in text, longest first so none is half-masked. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === "") continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    try {
      forms.add(decodeURIComponent(secret));
    } catch {
      // Not valid percent-encoding: the secret itself is the only form.
    }
  }
  forms.delete("");
  forms.delete(MASK);
  return [...forms].sort((a, b) => b.length - a.length);
}
