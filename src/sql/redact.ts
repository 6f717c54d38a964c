/**
 * Keeps passwords out of output: database URLs and free text (error messages, logs) are
 * scrubbed before anyone prints them.
 *
 * @module
 */

const MASK = "***";

/** `scheme://user:password@` anywhere in text; the password stops at the last `@` of the authority. */
const CREDENTIALS_IN_TEXT = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"`]*:)[^\s/'"`]*@/gi;

/** Same, for one string known to be a URL: the password may hold anything up to the last `@`. */
const CREDENTIALS_IN_URL = /^(\s*[a-z][a-z0-9+.-]*:\/\/[^:/@]*:).*@/is;

/** `password=...` in a query string or a libpq keyword/value string. */
const PASSWORD_PARAM = /((?:^|[?&\s])(?:password|pass|pwd|sslpassword)=)([^&\s'"`]*)/gi;

/**
 * Returns `url` with its password replaced by `***`: in the user-info part and in a
 * `password=` query parameter. User, host, port, database and other parameters are kept. Text
 * that is not a URL is scrubbed the same way as free text, so it is always safe to print.
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
 * `password=` parameter is masked, and every string in `secrets` (and its percent-encoded and
 * percent-decoded forms) is replaced by `***`.
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
  let out = text.replace(CREDENTIALS_IN_TEXT, `$1${MASK}@`);
  out = out.replace(PASSWORD_PARAM, `$1${MASK}`);
  for (const form of secretForms(secrets)) out = out.replaceAll(form, MASK);
  return out;
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
