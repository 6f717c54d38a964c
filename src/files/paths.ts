/**
 * The path functions tide's quick commands use, without `node:path`: importing any `node:`
 * module starts Deno's Node compatibility layer, which costs `tide status` more than reading
 * 500 migrations. Same results as `node:path` (its POSIX or Windows flavour, by the platform).
 *
 * @module
 */

const WINDOWS = Deno.build.os === "windows";

/** Splits a path into its root (`/`, `C:\`, `\\server\share\`, or `""`) and the rest. */
function splitRoot(path: string, windows: boolean): [string, string] {
  if (!windows) return path.startsWith("/") ? ["/", path.slice(1)] : ["", path];
  const unc = /^[\\/]{2}[^\\/]+[\\/]+[^\\/]+/.exec(path);
  if (unc) return [unc[0].replace(/\//g, "\\") + "\\", path.slice(unc[0].length)];
  const drive = /^[A-Za-z]:/.exec(path)?.[0] ?? "";
  const rest = path.slice(drive.length);
  if (/^[\\/]/.test(rest)) return [drive + "\\", rest.slice(1)];
  return [drive, rest];
}

/** `root` plus `rest` with `.` and `..` resolved; `..` above a root is dropped. */
function normalizeParts(root: string, rest: string, windows: boolean): string {
  const parts: string[] = [];
  for (const part of rest.split(windows ? /[\\/]+/ : /\/+/)) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts.at(-1) !== "..") parts.pop();
    else if (part !== ".." || root === "") parts.push(part);
  }
  const body = parts.join(windows ? "\\" : "/");
  return root + body || (root === "" ? "." : root);
}

/**
 * Whether `path` is absolute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isAbsolute } from "./paths.ts";
 *
 * assert.equal(isAbsolute("/srv/app"), true);
 * assert.equal(isAbsolute("migrations"), false);
 * ```
 */
export function isAbsolute(path: string, windows = WINDOWS): boolean {
  if (!windows) return path.startsWith("/");
  return /^[\\/]/.test(path) || /^[A-Za-z]:[\\/]/.test(path);
}

/**
 * Joins path segments and normalizes the result, like `node:path` `join`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "./paths.ts";
 *
 * assert.equal(join("db", "migrations", "../seeds", "001_a.sql"), "db/seeds/001_a.sql");
 * ```
 */
export function join(...segments: string[]): string {
  return joinWith(WINDOWS, ...segments);
}

/** {@linkcode join} for a given platform flavour (for tests). */
export function joinWith(windows: boolean, ...segments: string[]): string {
  // The common case, a file name in a directory (500 of them in a row): one normalization.
  if (segments.length === 2 && isPlainName(segments[1], windows) && segments[0] !== "") {
    const dir = normalizedDir(segments[0], windows);
    if (dir === ".") return segments[1];
    if (dir.endsWith(":")) return dir + segments[1]; // a drive-relative Windows path
    return dir.endsWith(windows ? "\\" : "/")
      ? dir + segments[1]
      : `${dir}${windows ? "\\" : "/"}${segments[1]}`;
  }
  const joined = segments.filter((s) => s !== "").join(windows ? "\\" : "/");
  if (joined === "") return ".";
  const [root, rest] = splitRoot(joined, windows);
  const trailing = windows ? /[\\/]$/.test(joined) : joined.endsWith("/");
  const normal = normalizeParts(root, rest, windows);
  const sep = windows ? "\\" : "/";
  return trailing && !normal.endsWith(sep) ? normal + sep : normal;
}

function isPlainName(name: string, windows: boolean): boolean {
  return name !== "" && name !== "." && name !== ".." &&
    !(windows ? /[\\/:]/ : /\//).test(name);
}

let lastDir: { windows: boolean; dir: string; normal: string } | undefined;

function normalizedDir(dir: string, windows: boolean): string {
  if (lastDir?.dir !== dir || lastDir.windows !== windows) {
    const [root, rest] = splitRoot(dir, windows);
    lastDir = { windows, dir, normal: normalizeParts(root, rest, windows) };
  }
  return lastDir.normal;
}

/**
 * The absolute form of `segments`, resolved from the right against the current directory, like
 * `node:path` `resolve`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolve } from "./paths.ts";
 *
 * assert.equal(resolve("/srv/app", "migrations"), "/srv/app/migrations");
 * assert.equal(resolve("/srv/app", "/etc/tide.json"), "/etc/tide.json");
 * ```
 */
export function resolve(...segments: string[]): string {
  return resolveWith(WINDOWS, Deno.cwd, ...segments);
}

/** {@linkcode resolve} for a given platform flavour and current directory (for tests). */
export function resolveWith(windows: boolean, cwd: () => string, ...segments: string[]): string {
  let path = "";
  for (let i = segments.length - 1; i >= 0 && !isAbsolute(path, windows); i--) {
    if (segments[i] === "") continue;
    path = path === "" ? segments[i] : `${segments[i]}${windows ? "\\" : "/"}${path}`;
  }
  if (!isAbsolute(path, windows)) path = `${cwd()}${windows ? "\\" : "/"}${path}`;
  let [root, rest] = splitRoot(path, windows);
  // A rooted Windows path without a drive is on the current directory's drive.
  if (windows && root === "\\") root = splitRoot(cwd(), true)[0];
  return normalizeParts(root, rest, windows);
}

/**
 * The relative path from `from` to `to` (both resolved first), like `node:path` `relative`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relative } from "./paths.ts";
 *
 * assert.equal(relative("/srv/app", "/srv/app/.tide/pglite"), ".tide/pglite");
 * assert.equal(relative("/srv/app", "/srv/other"), "../other");
 * ```
 */
export function relative(from: string, to: string): string {
  return relativeWith(WINDOWS, Deno.cwd, from, to);
}

/** {@linkcode relative} for a given platform flavour and current directory (for tests). */
export function relativeWith(
  windows: boolean,
  cwd: () => string,
  from: string,
  to: string,
): string {
  const a = resolveWith(windows, cwd, from);
  const b = resolveWith(windows, cwd, to);
  const same = (x: string, y: string) => windows ? x.toLowerCase() === y.toLowerCase() : x === y;
  if (same(a, b)) return "";
  const [rootA, restA] = splitRoot(a, windows);
  const [rootB, restB] = splitRoot(b, windows);
  if (!same(rootA, rootB)) return b;
  const split = (rest: string) => rest.split(windows ? "\\" : "/").filter((p) => p !== "");
  const left = split(restA);
  const right = split(restB);
  let common = 0;
  while (common < left.length && common < right.length && same(left[common], right[common])) {
    common++;
  }
  const up = left.slice(common).map(() => "..");
  return [...up, ...right.slice(common)].join(windows ? "\\" : "/");
}

/**
 * The directory part of `path`, like `node:path` `dirname`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dirname } from "./paths.ts";
 *
 * assert.equal(dirname("/srv/app/.tide/pglite"), "/srv/app/.tide");
 * assert.equal(dirname("pglite"), ".");
 * ```
 */
export function dirname(path: string, windows = WINDOWS): string {
  if (windows) return dirnameWindows(path);
  // node:path's algorithm, so that even "a//b" gives the same "a/".
  if (path.length === 0) return ".";
  const hasRoot = path[0] === "/";
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; --i) {
    if (path[i] === "/") {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else matchedSlash = false;
  }
  if (end === -1) return hasRoot ? "/" : ".";
  if (hasRoot && end === 1) return "//";
  return path.slice(0, end);
}

function dirnameWindows(path: string): string {
  if (path === "") return ".";
  const rootLength = /^[\\/]{2}[^\\/]+[\\/]+[^\\/]+[\\/]?/.exec(path)?.[0].length ??
    (/^[A-Za-z]:[\\/]/.test(path) ? 3 : /^[A-Za-z]:/.test(path) ? 2 : /^[\\/]/.test(path) ? 1 : 0);
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= rootLength; --i) {
    if (path[i] === "\\" || path[i] === "/") {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else matchedSlash = false;
  }
  if (end === -1) return rootLength === 0 ? "." : path.slice(0, rootLength);
  return path.slice(0, end);
}

/**
 * The last part of `path`, like `node:path` `basename` (without its second argument).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { basename } from "./paths.ts";
 *
 * assert.equal(basename("db/migrations/001_init.up.sql"), "001_init.up.sql");
 * ```
 */
export function basename(path: string, windows = WINDOWS): string {
  // As node:path: after a drive letter, the part after the last separator, trailing ones aside.
  const rest = windows && /^[A-Za-z]:/.test(path) ? path.slice(2) : path;
  const trimmed = rest.replace(windows ? /[\\/]+$/ : /\/+$/, "");
  const cut = Math.max(trimmed.lastIndexOf("/"), windows ? trimmed.lastIndexOf("\\") : -1);
  return trimmed.slice(cut + 1);
}
