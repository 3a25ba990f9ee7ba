import { describe, expect, it } from "vitest";
import {
  chooseSidecar,
  MAX_SIDECAR_BYTES,
  parseDefaults,
  parseSidecar,
} from "../../../../packages/core/src/metadata/sidecar";
import { oneElementArraysSidecar, perFrameMetadataSidecar } from "../../../helpers/hostile-inputs";

const KEY = "videos/a.mp4.metadata.json";
const bytesOf = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => bytesOf(JSON.stringify(value));

describe("parseSidecar", () => {
  it("takes the whole object as clientMetadata when it has no clientMetadata key", () => {
    const result = parseSidecar(json({ camera: { make: "Acme" }, title: "kept as metadata" }), KEY);

    expect(result).toEqual({
      ok: true,
      clientMetadata: { camera: { make: "Acme" }, title: "kept as metadata" },
      warnings: [],
    });
  });

  it("reads title and clientMetadata when the sidecar is in structured form", () => {
    const result = parseSidecar(json({ title: "Run 12", clientMetadata: { route: "R12" } }), KEY);

    expect(result).toEqual({ ok: true, title: "Run 12", clientMetadata: { route: "R12" }, warnings: [] });
  });

  it("leaves the title out when the structured form has none", () => {
    const result = parseSidecar(json({ clientMetadata: {} }), KEY);

    expect(result).toEqual({ ok: true, clientMetadata: {}, warnings: [] });
  });

  it("ignores other top-level keys of the structured form with one warning each", () => {
    const result = parseSidecar(json({ clientMetadata: { a: 1 }, notes: "x", owner: "y" }), KEY);

    expect(result).toMatchObject({ ok: true, clientMetadata: { a: 1 } });
    expect(result.ok && result.warnings.map((w) => [w.code, w.path])).toEqual([
      ["unknown-sidecar-key", "notes"],
      ["unknown-sidecar-key", "owner"],
    ]);
    expect(result.ok && result.warnings[0]?.message).toContain(KEY);
  });

  it("strips a UTF-8 byte-order mark before parsing", () => {
    const result = parseSidecar(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytesOf('{"a":1}')]), KEY);

    expect(result).toEqual({ ok: true, clientMetadata: { a: 1 }, warnings: [] });
  });

  it("reports sidecar-not-json with the key and the line and column when the JSON is broken", () => {
    const result = parseSidecar(bytesOf('{\n  "a": 1,\n  "b": }\n'), KEY);

    expect(result.ok).toBe(false);
    const error = result.ok ? undefined : result.error;
    expect(error?.code).toBe("sidecar-not-json");
    expect(error?.message).toContain(KEY);
    expect(error?.message).toContain("Unexpected token '}'");
    expect(error?.message).toContain("line 3, column 8");
  });

  it("gives a position for errors that Node reports with one too", () => {
    const result = parseSidecar(bytesOf('{"a": 1,}'), KEY);

    expect(!result.ok && result.error.message).toMatch(
      /Expected double-quoted property name at line 1, column 9/,
    );
  });

  it("reports sidecar-not-json when the bytes are not UTF-8", () => {
    const result = parseSidecar(Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]), KEY);

    expect(result).toEqual({
      ok: false,
      error: { code: "sidecar-not-json", message: `Sidecar ${KEY} is not valid UTF-8 text` },
    });
  });

  it("reports sidecar-not-json when the file is UTF-16", () => {
    const result = parseSidecar(Uint8Array.from([0xff, 0xfe, 0x7b, 0, 0x7d, 0]), KEY);

    expect(!result.ok && result.error.message).toContain("UTF-16");
  });

  it.each([
    ["[1, 2]", "is an array"],
    ["null", "is null"],
    ['"text"', "is a string"],
    ["42", "is a number"],
  ])("reports sidecar-not-object when the JSON is %s", (text, described) => {
    const result = parseSidecar(bytesOf(text), KEY);

    expect(result).toEqual({
      ok: false,
      error: {
        code: "sidecar-not-object",
        message: `Sidecar ${KEY} must be a JSON object, but it ${described}`,
      },
    });
  });

  it("reports sidecar-invalid at clientMetadata when the structured form's clientMetadata is not an object", () => {
    const result = parseSidecar(json({ clientMetadata: [1] }), KEY);

    expect(result).toMatchObject({ ok: false, error: { code: "sidecar-invalid", path: "clientMetadata" } });
    expect(!result.ok && result.error.message).toContain("is an array");
  });

  it.each([[42], [null], [""]])("reports sidecar-invalid at title when the title is %j", (title) => {
    const result = parseSidecar(json({ title, clientMetadata: {} }), KEY);

    expect(result).toMatchObject({ ok: false, error: { code: "sidecar-invalid", path: "title" } });
  });

  it("reports sidecar-too-large without parsing when the file is over 10 MB", () => {
    // Zero bytes are not JSON, so only the size check can produce this error.
    const result = parseSidecar(new Uint8Array(MAX_SIDECAR_BYTES + 1), KEY);

    expect(result).toMatchObject({ ok: false, error: { code: "sidecar-too-large" } });
    expect(!result.ok && result.error.message).toContain("10000001 bytes");
  });

  it("reports sidecar-too-complex when 6.4 MB hold 1.6 million one-element arrays (issue 14)", () => {
    const bytes = oneElementArraysSidecar(1_600_000);

    const result = parseSidecar(bytes, KEY);

    expect(bytes.byteLength).toBeLessThan(MAX_SIDECAR_BYTES);
    expect(result).toMatchObject({ ok: false, error: { code: "sidecar-too-complex" } });
    expect(!result.ok && result.error.message).toContain(
      `Sidecar ${KEY} holds more than 1,000,000 JSON values`,
    );
  });

  it("reports sidecar-too-complex when clientMetadata has more than 10,000 top-level keys, flat or structured", () => {
    const keys = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, 0]));

    const flat = parseSidecar(json(keys), KEY);
    const structured = parseSidecar(json({ clientMetadata: keys }), KEY);
    const ignored = parseSidecar(json({ clientMetadata: {}, ...keys }), KEY);

    for (const result of [flat, structured, ignored]) {
      expect(result).toMatchObject({ ok: false, error: { code: "sidecar-too-complex" } });
      expect(!result.ok && result.error.message).toContain("more than 10,000 top-level keys");
    }
  });

  it("names at most 20 ignored keys of the structured form and counts the rest in one warning", () => {
    const extras = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x${i}`, 0]));

    const result = parseSidecar(json({ clientMetadata: { a: 1 }, ...extras }), KEY);

    expect(result.ok && result.warnings).toHaveLength(21);
    expect(result.ok && result.warnings.at(-1)?.message).toBe(
      `Sidecar ${KEY}: 480 more top-level keys are ignored`,
    );
  });

  it("accepts an hour of per-frame $encord metadata at 30 fps", () => {
    const result = parseSidecar(perFrameMetadataSidecar(108_000), KEY);

    expect(result.ok).toBe(true);
    expect(result.ok && Object.keys(result.clientMetadata).sort()).toEqual(["$encord", "camera"]);
  });

  it("accepts a sidecar of exactly 10 MB", () => {
    const filler = "x".repeat(MAX_SIDECAR_BYTES - '{"a":""}'.length);
    const bytes = bytesOf(`{"a":"${filler}"}`);

    const result = parseSidecar(bytes, KEY);

    expect(bytes.byteLength).toBe(10_000_000);
    expect(result.ok).toBe(true);
  });
});

describe("parseDefaults", () => {
  const DEFAULTS_KEY = "site-1/_defaults.json";

  it("takes the whole object as defaults when it is in flat form", () => {
    expect(parseDefaults(json({ site: "s1" }), DEFAULTS_KEY)).toEqual({
      ok: true,
      clientMetadata: { site: "s1" },
      warnings: [],
    });
  });

  it("ignores a title with a warning when the defaults are in structured form", () => {
    const result = parseDefaults(json({ title: "x", clientMetadata: { site: "s1" } }), DEFAULTS_KEY);

    expect(result).toMatchObject({ ok: true, clientMetadata: { site: "s1" } });
    expect(result.ok && result.warnings.map((w) => [w.code, w.path])).toEqual([
      ["defaults-title-ignored", "title"],
    ]);
    expect(result.ok && "title" in result).toBe(false);
  });

  it("reports defaults-not-json naming the defaults file when the JSON is broken", () => {
    const result = parseDefaults(bytesOf("{"), DEFAULTS_KEY);

    expect(result).toMatchObject({ ok: false, error: { code: "defaults-not-json" } });
    expect(!result.ok && result.error.message).toContain(`Folder defaults ${DEFAULTS_KEY}`);
  });

  it("reports defaults-not-object when the defaults are an array", () => {
    expect(parseDefaults(bytesOf("[]"), DEFAULTS_KEY)).toMatchObject({
      ok: false,
      error: { code: "defaults-not-object" },
    });
  });

  it("reports defaults-too-complex when the defaults hold 1.6 million one-element arrays", () => {
    expect(parseDefaults(oneElementArraysSidecar(1_600_000), DEFAULTS_KEY)).toMatchObject({
      ok: false,
      error: { code: "defaults-too-complex" },
    });
  });

  it("reports defaults-too-large when the file is over 10 MB", () => {
    expect(parseDefaults(new Uint8Array(MAX_SIDECAR_BYTES + 1), DEFAULTS_KEY)).toMatchObject({
      ok: false,
      error: { code: "defaults-too-large" },
    });
  });
});

describe("chooseSidecar", () => {
  const suffixes = [".metadata.json", ".json"];

  it("picks the first suffix in order and warns naming the ignored sidecar when two exist", () => {
    const candidates = [
      { key: "a.mp4.json", suffix: ".json", size: 10 },
      { key: "a.mp4.metadata.json", suffix: ".metadata.json", size: 20 },
    ];

    const result = chooseSidecar(candidates, suffixes);

    expect(result.sidecar).toEqual({ key: "a.mp4.metadata.json", suffix: ".metadata.json", size: 20 });
    expect(result.warnings).toEqual([
      { code: "multiple-sidecars", message: expect.stringContaining("ignoring a.mp4.json") },
    ]);
  });

  it("follows the configured order when .json is listed first", () => {
    const candidates = [
      { key: "a.mp4.metadata.json", suffix: ".metadata.json" },
      { key: "a.mp4.json", suffix: ".json" },
    ];

    const result = chooseSidecar(candidates, [".json", ".metadata.json"]);

    expect(result.sidecar?.key).toBe("a.mp4.json");
    expect(result.warnings.map((w) => w.code)).toEqual(["multiple-sidecars"]);
  });

  it("returns the only sidecar without a warning", () => {
    const result = chooseSidecar([{ key: "a.mp4.json", suffix: ".json" }], suffixes);

    expect(result).toEqual({ sidecar: { key: "a.mp4.json", suffix: ".json" }, warnings: [] });
  });

  it("returns null when there is no candidate under a suffix in force", () => {
    const result = chooseSidecar([{ key: "a.mp4.json", suffix: ".json" }], [".metadata.json"]);

    expect(result).toEqual({ sidecar: null, warnings: [] });
  });
});
