import assert from "node:assert/strict";
import { releaseNotes, tagVersion } from "./release_notes.ts";

const ROOT = new URL("../", import.meta.url);
const workflow = await Deno.readTextFile(new URL(".github/workflows/release.yml", ROOT));

const CHANGELOG = `# Changelog

## 0.3.0 (unreleased)

- Next.

## 0.2.0 (2026-12-01)

- **Install.** From JSR.
- Safer defaults.

## 0.1.0 (2026-11-01)

- First.
`;

Deno.test("releaseNotes() returns a version's entry up to the next heading, without the heading", () => {
  assert.equal(releaseNotes(CHANGELOG, "0.2.0"), "- **Install.** From JSR.\n- Safer defaults.\n");
  assert.equal(releaseNotes(CHANGELOG, "0.1.0"), "- First.\n");
});

Deno.test("releaseNotes() refuses a missing entry and one still marked unreleased", () => {
  assert.throws(() => releaseNotes(CHANGELOG, "0.2.1"), /no "## 0\.2\.1" entry/);
  assert.throws(() => releaseNotes(CHANGELOG, "0.3.0"), /still marks 0\.3\.0 "unreleased"/);
});

Deno.test("tagVersion() accepts only v<major>.<minor>.<patch> of deno.json's version", () => {
  assert.equal(tagVersion("v0.2.0", "0.2.0"), "0.2.0");
  assert.throws(() => tagVersion("v0.2.0", "0.3.0"), /deno\.json says 0\.3\.0/);
  assert.throws(() => tagVersion("0.2.0", "0.2.0"), /not a release tag/);
  assert.throws(() => tagVersion("v1", "1.0.0"), /not a release tag/);
});

Deno.test("CHANGELOG.md has an entry for deno.json's version", async () => {
  const { version } = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const changelog = await Deno.readTextFile(new URL("CHANGELOG.md", ROOT));
  assert.match(changelog, new RegExp(`^## ${version.replaceAll(".", "\\.")}\\b`, "m"));
});

Deno.test("the release workflow runs only on version tags, with OIDC for JSR", () => {
  assert.match(workflow, /^on:\n {2}push:\n {4}tags: \["v\[0-9\]\+\.\[0-9\]\+\.\[0-9\]\+"\]\n/m);
  assert.doesNotMatch(workflow, /pull_request|branches:/);
  assert.match(workflow, /^ {6}id-token: write\b/m);
  assert.match(workflow, /^ {6}contents: write\b/m);
});

Deno.test("the release workflow checks, runs CI, publishes, releases the CHANGELOG entry and moves the major tag, in that order", () => {
  const steps = [
    /release_notes\.ts "\$GITHUB_REF_NAME" > "\$RUNNER_TEMP\/notes\.md"/,
    /run: bash \.ci\/run/,
    /run: deno publish\n/,
    /gh release create "\$GITHUB_REF_NAME"[\s\S]*--notes-file "\$RUNNER_TEMP\/notes\.md"/,
    /major="\$\{GITHUB_REF_NAME%%\.\*\}"[\s\S]*git push --force origin "refs\/tags\/\$major"/,
  ];
  const at = steps.map((step) => workflow.search(step));
  assert.ok(at.every((index) => index >= 0), `every step is there: ${at}`);
  assert.deepEqual([...at].sort((a, b) => a - b), at);
});

Deno.test("the release workflow pins setup-deno by commit and never expands an expression in a script", () => {
  assert.match(workflow, /uses: denoland\/setup-deno@[0-9a-f]{40} # v\d+\.\d+\.\d+\n/);
  for (const run of workflow.matchAll(/^ {8}run: (?:[|>]-?\n(?: {10}.*\n)+|.*\n)/gm)) {
    assert.doesNotMatch(run[0], /\$\{\{/, run[0]);
  }
});
