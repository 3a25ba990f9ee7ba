import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDefaults, parseSidecar } from "../../packages/core/src/metadata/sidecar";

const SETTINGS = { seed: 20_261_124, numRuns: 400 };
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Bytes a sidecar might hold: noise, JSON of any shape, JSON with a BOM or cut short, deep nesting. */
const sidecarBytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }),
  fc.jsonValue().map((v) => utf8(JSON.stringify(v))),
  fc.jsonValue().map((v) => utf8(`\uFEFF${JSON.stringify({ clientMetadata: v, title: v })}`)),
  fc.tuple(fc.json(), fc.nat()).map(([text, cut]) => utf8(text).subarray(0, cut % (text.length + 1))),
  fc.integer({ min: 0, max: 30_000 }).map((n) => utf8(`{"a":${"[".repeat(n)}${"]".repeat(n)}}`)),
  fc.constantFrom("1e400", "-1e999", "NaN", '"\\ud800"', "null").map((v) => utf8(`{"a":${v}}`)),
);

function expectWellFormed(
  result: ReturnType<typeof parseSidecar> | ReturnType<typeof parseDefaults>,
  prefix: string,
) {
  if (result.ok) {
    // Whatever is accepted must survive being written back out as a record.
    expect(JSON.parse(JSON.stringify(result.clientMetadata))).toEqual(result.clientMetadata);
    for (const warning of result.warnings) expect(warning.message.length).toBeGreaterThan(0);
  } else {
    expect(result.error.code.startsWith(prefix)).toBe(true);
    expect(result.error.message.length).toBeGreaterThan(10);
  }
}

describe("parseSidecar", () => {
  it("never throws and returns clientMetadata that round-trips or a sidecar-* error when given any bytes", () => {
    fc.assert(
      fc.property(sidecarBytesArb, (bytes) =>
        expectWellFormed(parseSidecar(bytes, "a.png.metadata.json"), "sidecar-"),
      ),
      SETTINGS,
    );
  });
});

describe("parseDefaults", () => {
  it("never throws and returns clientMetadata that round-trips or a defaults-* error when given any bytes", () => {
    fc.assert(
      fc.property(sidecarBytesArb, (bytes) =>
        expectWellFormed(parseDefaults(bytes, "_defaults.json"), "defaults-"),
      ),
      SETTINGS,
    );
  });
});
