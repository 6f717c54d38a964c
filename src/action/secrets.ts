/**
 * Finds the secrets inside a database URL so they can be masked (`setSecret`) and redacted
 * (`redactSecrets` from `src/sql/redact.ts`) everywhere.
 *
 * @module
 */

/**
 * The secrets inside a database URL: the URL itself, its password as written and decoded.
 * Also understands `key=value` connection strings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { urlSecrets } from "./secrets.ts";
 *
 * assert.deepEqual(urlSecrets("postgres://app:p%40ss@db/app"), [
 *   "postgres://app:p%40ss@db/app",
 *   "p%40ss",
 *   "p@ss",
 * ]);
 * ```
 */
export function urlSecrets(url: string): string[] {
  const passwords: string[] = [];
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:([^@/?#]*)@/i.exec(url);
  if (match) passwords.push(match[1]);
  for (const pair of url.matchAll(/(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi)) {
    const value = pair[1];
    passwords.push(value.startsWith("'") ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value);
  }
  for (const query of url.matchAll(/[?&]password=([^&#]*)/gi)) passwords.push(query[1]);
  const decoded = passwords.map((password) => {
    try {
      return decodeURIComponent(password);
    } catch {
      return password;
    }
  });
  return [...new Set([url, ...passwords, ...decoded])].filter((secret) => secret !== "");
}
