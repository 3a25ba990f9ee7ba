import { describe, expect, it } from "vitest";
import {
  classifyKey,
  DEFAULT_SIDECAR_SUFFIXES,
  defaultsKeysFor,
  parseSidecarSuffixes,
  sidecarKeysFor,
} from "../../../../packages/core/src/keys/classify-key";

const BOTH = [".metadata.json", ".json"];

describe("classifyKey", () => {
  it("classifies a plain object as data when no suffix matches", () => {
    expect(classifyKey("videos/a.mp4", DEFAULT_SIDECAR_SUFFIXES)).toEqual({ kind: "data" });
  });

  it("classifies _defaults.json as folder defaults with its folder as prefix", () => {
    expect(classifyKey("site-1/cams/_defaults.json", DEFAULT_SIDECAR_SUFFIXES)).toEqual({
      kind: "defaults",
      prefix: "site-1/cams/",
    });
  });

  it("classifies a root _defaults.json with an empty prefix", () => {
    expect(classifyKey("_defaults.json", BOTH)).toEqual({ kind: "defaults", prefix: "" });
  });

  it("classifies _group.json as a group manifest before trying sidecar suffixes", () => {
    expect(classifyKey("scans/seq-1/_group.json", BOTH)).toEqual({
      kind: "group-manifest",
      prefix: "scans/seq-1/",
    });
  });

  it("classifies K.metadata.json as the sidecar of K with the default suffixes", () => {
    expect(classifyKey("videos/a.mp4.metadata.json", DEFAULT_SIDECAR_SUFFIXES)).toEqual({
      kind: "sidecar",
      dataKey: "videos/a.mp4",
      suffix: ".metadata.json",
    });
  });

  it.each([[BOTH], [[".json", ".metadata.json"]]])(
    "lets the longest matching suffix decide whatever the order (%j)",
    (suffixes) => {
      expect(classifyKey("a.mp4.metadata.json", suffixes)).toEqual({
        kind: "sidecar",
        dataKey: "a.mp4",
        suffix: ".metadata.json",
      });
    },
  );

  it("classifies K.json as the sidecar of K when .json is on", () => {
    expect(classifyKey("docs/b.pdf.json", BOTH)).toEqual({
      kind: "sidecar",
      dataKey: "docs/b.pdf",
      suffix: ".json",
    });
  });

  it("classifies a .json file as data when .json is off", () => {
    expect(classifyKey("docs/b.json", DEFAULT_SIDECAR_SUFFIXES)).toEqual({ kind: "data" });
  });

  it("classifies a file named exactly like a suffix as data, since it has no base", () => {
    expect(classifyKey("a/.metadata.json", DEFAULT_SIDECAR_SUFFIXES)).toEqual({ kind: "data" });
  });

  it("matches suffixes case-sensitively, as S3 keys are", () => {
    expect(classifyKey("a.mp4.METADATA.JSON", DEFAULT_SIDECAR_SUFFIXES)).toEqual({ kind: "data" });
  });
});

describe("sidecarKeysFor", () => {
  it("lists candidate sidecar keys in suffix order", () => {
    expect(sidecarKeysFor("v/a.mp4", BOTH)).toEqual(["v/a.mp4.metadata.json", "v/a.mp4.json"]);
  });
});

describe("defaultsKeysFor", () => {
  it("returns only the root defaults for a key at the bucket root", () => {
    expect(defaultsKeysFor("a.mp4")).toEqual(["_defaults.json"]);
  });

  it("returns defaults from the root down to the object's own folder when the key is nested", () => {
    expect(defaultsKeysFor("site-1/cams/front/a.mp4")).toEqual([
      "_defaults.json",
      "site-1/_defaults.json",
      "site-1/cams/_defaults.json",
      "site-1/cams/front/_defaults.json",
    ]);
  });

  it("keeps empty folder names when a key has doubled slashes", () => {
    expect(defaultsKeysFor("a//b.png")).toEqual(["_defaults.json", "a/_defaults.json", "a//_defaults.json"]);
  });
});

describe("parseSidecarSuffixes", () => {
  it("parses a comma-separated list in order when every suffix is valid", () => {
    expect(parseSidecarSuffixes(".metadata.json,.json")).toEqual({
      ok: true,
      suffixes: [".metadata.json", ".json"],
    });
  });

  it("trims spaces, skips empty items and drops repeats when the list is untidy", () => {
    expect(parseSidecarSuffixes(" .json , .metadata.json,,.json,")).toEqual({
      ok: true,
      suffixes: [".json", ".metadata.json"],
    });
  });

  it("accepts the values of a repeated CLI flag", () => {
    expect(parseSidecarSuffixes([".metadata.json", ".meta.json"])).toEqual({
      ok: true,
      suffixes: [".metadata.json", ".meta.json"],
    });
  });

  it("names every bad suffix when several are wrong", () => {
    const result = parseSidecarSuffixes("metadata.json,.,.ok.json,./x.json");

    expect(result.ok).toBe(false);
    const error = result.ok ? "" : result.error;
    expect(error).toContain('"metadata.json" must start with "."');
    expect(error).toContain('"." needs a name');
    expect(error).toContain('"./x.json" must not contain "/"');
    expect(error).not.toContain(".ok.json");
  });

  it("refuses an empty list", () => {
    expect(parseSidecarSuffixes(" , ")).toEqual({ ok: false, error: "the sidecar suffix list is empty" });
  });
});

describe("DEFAULT_SIDECAR_SUFFIXES", () => {
  it("holds only Encord's .metadata.json suffix", () => {
    expect(DEFAULT_SIDECAR_SUFFIXES).toEqual([".metadata.json"]);
  });
});
