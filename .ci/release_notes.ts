/**
 * `deno run --allow-read .ci/release_notes.ts v0.2.0`: prints the CHANGELOG.md entry of the
 * version a release tag names, for the GitHub release's notes. Fails, saying what to fix, when
 * the tag does not match `deno.json`'s version or the entry is missing or still "unreleased", so
 * the release workflow stops before anything is published.
 *
 * @module
 */

/**
 * The entry of `version` in a changelog of `## <version> (<date>)` headings, without its heading.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { releaseNotes } from "./release_notes.ts";
 *
 * const changelog = "# Changelog\n\n## 0.2.0 (2026-12-01)\n\n- New.\n\n## 0.1.0 (2026-11-01)\n\n- Old.\n";
 * assert.equal(releaseNotes(changelog, "0.2.0"), "- New.\n");
 * ```
 */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split("\n");
  const escaped = version.replaceAll(".", "\\.");
  const start = lines.findIndex((line) => new RegExp(`^## ${escaped}(\\s|$)`).test(line));
  if (start < 0) {
    throw new Error(
      `CHANGELOG.md has no "## ${version}" entry. Add one (what changed, for users) and tag again.`,
    );
  }
  if (/unreleased/i.test(lines[start])) {
    throw new Error(
      `CHANGELOG.md still marks ${version} "unreleased": replace that with the release date ` +
        `(## ${version} (YYYY-MM-DD)), commit, and move the tag to that commit.`,
    );
  }
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith("## "));
  const body = (end < 0 ? rest : rest.slice(0, end)).join("\n").trim();
  if (body === "") throw new Error(`CHANGELOG.md's entry for ${version} is empty.`);
  return body + "\n";
}

/**
 * The version a release tag names, checked against the package's version.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tagVersion } from "./release_notes.ts";
 *
 * assert.equal(tagVersion("v0.2.0", "0.2.0"), "0.2.0");
 * assert.throws(() => tagVersion("v0.2.1", "0.2.0"), /deno\.json says 0\.2\.0/);
 * ```
 */
export function tagVersion(tag: string, packageVersion: string): string {
  const match = /^v(\d+\.\d+\.\d+)$/.exec(tag);
  if (!match) throw new Error(`"${tag}" is not a release tag: use v<major>.<minor>.<patch>.`);
  if (match[1] !== packageVersion) {
    throw new Error(
      `The tag ${tag} names ${match[1]}, but deno.json says ${packageVersion}: ` +
        "bump deno.json's version (deno bump-version), commit, and tag that commit.",
    );
  }
  return match[1];
}

if (import.meta.main) {
  try {
    const root = new URL("../", import.meta.url);
    const { version } = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
    const changelog = await Deno.readTextFile(new URL("CHANGELOG.md", root));
    console.log(releaseNotes(changelog, tagVersion(Deno.args[0] ?? "", version)).trimEnd());
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    Deno.exitCode = 1;
  }
}
