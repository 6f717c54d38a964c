import assert from "node:assert/strict";
import { checksumText, normalizeForChecksum } from "./checksum.ts";

Deno.test("checksumText() is the hex SHA-256 of the text", () => {
  // sha256("abc"), a published test vector.
  assert.equal(
    checksumText("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("checksumText() gives the same checksum for LF, CRLF, CR and a BOM", () => {
  const lf = checksumText("SELECT 1;\nSELECT 2;\n");
  assert.equal(checksumText("SELECT 1;\r\nSELECT 2;\r\n"), lf);
  assert.equal(checksumText("SELECT 1;\rSELECT 2;\r"), lf);
  assert.equal(checksumText("\uFEFFSELECT 1;\nSELECT 2;\n"), lf);
});

Deno.test("checksumText() changes when the SQL changes, even by whitespace", () => {
  const base = checksumText("SELECT 1;\n");
  assert.notEqual(checksumText("SELECT 2;\n"), base);
  assert.notEqual(checksumText("SELECT 1; \n"), base);
  assert.notEqual(checksumText("SELECT 1;"), base);
});

Deno.test("normalizeForChecksum() drops only a leading BOM", () => {
  assert.equal(normalizeForChecksum("\uFEFFa\uFEFFb"), "a\uFEFFb");
  assert.equal(normalizeForChecksum("a\uFEFFb"), "a\uFEFFb");
  assert.equal(normalizeForChecksum("\r\n\r\r\n"), "\n\n\n");
});
