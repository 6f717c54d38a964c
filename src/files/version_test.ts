import assert from "node:assert/strict";
import { canonicalVersion, compareVersions, isValidVersion } from "./version.ts";

Deno.test("isValidVersion() accepts digits and Flyway versions and rejects anything else", () => {
  const cases: [string, boolean][] = [
    ["001", true],
    ["20260121093000", true],
    ["1", true],
    ["1.2", true],
    ["1_2", true],
    ["1.2.3", true],
    ["", false],
    ["1.", false],
    [".1", false],
    ["1..2", false],
    ["1.x", false],
    ["v1", false],
    ["1-2", false],
    ["１", false],
  ];
  for (const [version, valid] of cases) {
    assert.equal(isValidVersion(version), valid, version);
  }
});

Deno.test("compareVersions() orders versions numerically part by part", () => {
  const cases: [string, string, number][] = [
    ["9", "10", -1],
    ["10", "9", 1],
    ["1.9", "1.10", -1],
    ["1_9", "1.10", -1],
    ["001", "1", 0],
    ["1", "1.0", 0],
    ["1.0.1", "1", 1],
    ["2", "1.99", 1],
    ["20260121093000", "20260121093001", -1],
    ["99999999999999999999", "100000000000000000000", -1],
    ["007", "010", -1], // same length: digit for digit, leading zeros and all
    ["0010", "0009", 1],
    ["042", "042", 0],
    ["010", "9", 1],
  ];
  for (const [a, b, expected] of cases) {
    assert.equal(Math.sign(compareVersions(a, b)), expected, `${a} vs ${b}`);
  }
});

Deno.test("compareVersions() sorts a mixed list like a human would", () => {
  const sorted = ["10", "2", "1.10", "1.9", "1", "20260121093000"].sort(compareVersions);
  assert.deepEqual(sorted, ["1", "1.9", "1.10", "2", "10", "20260121093000"]);
});

Deno.test("compareVersions() throws a TypeError for an invalid version", () => {
  assert.throws(() => compareVersions("1.x", "1"), TypeError);
});

Deno.test("canonicalVersion() gives equal keys exactly to versions that compare equal", () => {
  assert.equal(canonicalVersion("001"), "1");
  assert.equal(canonicalVersion("1_2_0"), "1.2");
  assert.equal(canonicalVersion("0"), "0");
  assert.equal(canonicalVersion("000"), "0");
  assert.notEqual(canonicalVersion("1.2"), canonicalVersion("12"));
  const versions = ["001", "1", "1.0", "1_0_0", "1.2", "1_2", "12", "1.20", "0", "000", "0.0.1"];
  for (const a of versions) {
    for (const b of versions) {
      const sameKey = canonicalVersion(a) === canonicalVersion(b);
      assert.equal(sameKey, compareVersions(a, b) === 0, `${a} vs ${b}`);
    }
  }
});
