import assert from "node:assert/strict";
import { posix, win32 } from "node:path";
import { basename, dirname, isAbsolute, joinWith, relativeWith, resolveWith } from "./paths.ts";

const POSIX_PATHS = [
  "",
  ".",
  "..",
  "/",
  "//",
  "a",
  "a/",
  "a/b",
  "/a/b/",
  "a//b",
  "./a/./b",
  "a/../b",
  "../a",
  "/a/../..",
  "a/b/../../..",
  ".tide/pglite",
  "/srv/app/.tide/pglite",
  "db/migrations/001.sql",
];
const WIN_PATHS = [
  "",
  ".",
  "a",
  "a\\b",
  "a/b",
  "C:\\",
  "C:\\a\\b\\",
  "c:/a/b",
  "C:a\\b",
  "\\a",
  "\\\\srv\\share",
  "\\\\srv\\share\\x\\y",
  "a\\..\\..\\b",
  "C:\\a\\..\\..",
  ".tide\\pglite",
];

Deno.test("paths.ts gives what node:path's POSIX flavour gives", () => {
  const cwd = () => "/home/ada/app";
  for (const a of POSIX_PATHS) {
    assert.equal(isAbsolute(a, false), posix.isAbsolute(a), `isAbsolute(${a})`);
    assert.equal(dirname(a, false), posix.dirname(a), `dirname(${a})`);
    assert.equal(basename(a, false), posix.basename(a), `basename(${a})`);
    assert.equal(resolveWith(false, cwd, a), posix.resolve(cwd(), a), `resolve(${a})`);
    for (const b of POSIX_PATHS) {
      assert.equal(joinWith(false, a, b), posix.join(a, b), `join(${a}, ${b})`);
      assert.equal(
        resolveWith(false, cwd, a, b),
        posix.resolve(cwd(), a, b),
        `resolve(${a}, ${b})`,
      );
      assert.equal(
        relativeWith(false, cwd, a, b),
        posix.relative(posix.resolve(cwd(), a), posix.resolve(cwd(), b)),
        `relative(${a}, ${b})`,
      );
    }
  }
});

Deno.test("paths.ts gives what node:path's Windows flavour gives for common paths", () => {
  const cwd = () => "C:\\Users\\ada\\app";
  for (const a of WIN_PATHS) {
    assert.equal(isAbsolute(a, true), win32.isAbsolute(a), `isAbsolute(${a})`);
    assert.equal(basename(a, true), win32.basename(a), `basename(${a})`);
    if (!/^[A-Za-z]:[^\\/]/.test(a)) {
      assert.equal(dirname(a, true), win32.dirname(a), `dirname(${a})`);
      assert.equal(resolveWith(true, cwd, a), win32.resolve(cwd(), a), `resolve(${a})`);
    }
    for (const b of WIN_PATHS) {
      if (/^[A-Za-z]:[^\\/]/.test(a) || /^[A-Za-z]:[^\\/]/.test(b)) continue; // drive-relative
      // node:path prefixes ".\\" to a joined drive-lettered segment; tide never joins one.
      if (a === "" || !/^[A-Za-z]:/.test(b)) {
        assert.equal(joinWith(true, a, b), win32.join(a, b), `join(${a}, ${b})`);
      }
      assert.equal(
        relativeWith(true, cwd, a, b),
        win32.relative(win32.resolve(cwd(), a), win32.resolve(cwd(), b)),
        `relative(${a}, ${b})`,
      );
    }
  }
});
