import { describe, expect, it } from "vitest";
import { isJsonObject, type JsonObject } from "../../../../packages/core/src/json";
import { mergeMetadata } from "../../../../packages/core/src/metadata/merge";

const ROOT = "_defaults.json";
const SITE = "site-1/_defaults.json";
const CAMS = "site-1/cams/_defaults.json";
const SIDECAR = "site-1/cams/a.mp4.metadata.json";

const layer = (source: string, metadata: JsonObject) => ({ source, metadata });

describe("mergeMetadata", () => {
  it("returns empty metadata and provenance when there are no layers", () => {
    expect(mergeMetadata([])).toEqual({ clientMetadata: {}, provenance: {} });
  });

  it("lets nearer defaults win per top-level key when several folder levels set it", () => {
    const layers = [
      layer(ROOT, { org: "acme", site: "unknown", license: "cc-by" }),
      layer(SITE, { site: "s1", rig: "r1" }),
      layer(CAMS, { rig: "r2" }),
    ];

    const result = mergeMetadata(layers);

    expect(result).toEqual({
      clientMetadata: { license: "cc-by", org: "acme", rig: "r2", site: "s1" },
      provenance: { license: ROOT, org: ROOT, rig: CAMS, site: SITE },
    });
  });

  it("replaces a default's value whole when the sidecar sets the same key", () => {
    const layers = [
      layer(SITE, { camera: { make: "Acme", model: "X1" }, weather: "dry" }),
      layer(SIDECAR, { camera: { model: "X2" } }),
    ];

    const result = mergeMetadata(layers);

    expect(result.clientMetadata).toEqual({ camera: { model: "X2" }, weather: "dry" });
    expect(result.provenance).toEqual({ camera: SIDECAR, weather: SITE });
  });

  it("lets an API layer win over the sidecar when it comes last", () => {
    const result = mergeMetadata([layer(SIDECAR, { reviewed: false }), layer("api", { reviewed: true })]);

    expect(result).toEqual({ clientMetadata: { reviewed: true }, provenance: { reviewed: "api" } });
  });

  it("merges $encord.config key by key and records the nearest source of each part", () => {
    const layers = [
      layer(ROOT, { $encord: { config: { sampling_rate: 0, keyframe_mode: "frame" } } }),
      layer(CAMS, { $encord: { config: { keyframe_mode: "seconds" } } }),
      layer(SIDECAR, { $encord: { frames: { "3.25": { event: "door-open" } } } }),
    ];

    const result = mergeMetadata(layers);

    expect(result.clientMetadata).toEqual({
      $encord: {
        config: { keyframe_mode: "seconds", sampling_rate: 0 },
        frames: { "3.25": { event: "door-open" } },
      },
    });
    expect(result.provenance).toEqual({
      $encord: SIDECAR,
      "$encord.config": CAMS,
      "$encord.frames": SIDECAR,
    });
  });

  it("merges frames per frame key, reading list-form frames as empty frame objects", () => {
    const layers = [
      layer(SITE, { $encord: { frames: [0, 120] } }),
      layer(SIDECAR, { $encord: { frames: { "120": { car: true }, "30": {} } } }),
    ];

    const result = mergeMetadata(layers);

    expect(result.clientMetadata).toEqual({
      $encord: { frames: { "0": {}, "30": {}, "120": { car: true } } },
    });
    expect(result.provenance).toEqual({ $encord: SIDECAR, "$encord.frames": SIDECAR });
  });

  it("lets the higher layer's frame replace the lower one whole when both set the same frame", () => {
    const layers = [
      layer(SITE, { $encord: { frames: { "10": { a: 1, b: 1 } } } }),
      layer(SIDECAR, { $encord: { frames: { "10": { b: 2 } } } }),
    ];

    expect(mergeMetadata(layers).clientMetadata).toEqual({ $encord: { frames: { "10": { b: 2 } } } });
  });

  it("keeps a lone list-form frames exactly as given when no other layer sets frames", () => {
    const layers = [
      layer(SITE, { $encord: { config: { sampling_rate: 0 } } }),
      layer(SIDECAR, { $encord: { frames: [120, 0] } }),
    ];

    const result = mergeMetadata(layers);

    expect(result.clientMetadata).toEqual({ $encord: { config: { sampling_rate: 0 }, frames: [120, 0] } });
    expect(result.provenance).toEqual({
      $encord: SIDECAR,
      "$encord.config": SITE,
      "$encord.frames": SIDECAR,
    });
  });

  it("gives the sorted union when every layer setting frames uses the list form", () => {
    const layers = [
      layer(SITE, { $encord: { frames: [120, 0] } }),
      layer(SIDECAR, { $encord: { frames: [60, 0] } }),
    ];

    expect(mergeMetadata(layers).clientMetadata).toEqual({ $encord: { frames: [0, 60, 120] } });
  });

  it("replaces $encord whole when a higher layer's $encord is not an object", () => {
    const layers = [
      layer(SITE, { $encord: { config: { sampling_rate: 0 } } }),
      layer(SIDECAR, { $encord: "oops" }),
    ];

    const result = mergeMetadata(layers);

    expect(result).toEqual({ clientMetadata: { $encord: "oops" }, provenance: { $encord: SIDECAR } });
  });

  it("starts $encord afresh when an object follows a non-object $encord", () => {
    const layers = [layer(ROOT, { $encord: [1] }), layer(SIDECAR, { $encord: { frames: [5] } })];

    const result = mergeMetadata(layers);

    expect(result).toEqual({
      clientMetadata: { $encord: { frames: [5] } },
      provenance: { $encord: SIDECAR, "$encord.frames": SIDECAR },
    });
  });

  it("replaces config whole when a layer's config is not an object", () => {
    const layers = [
      layer(SITE, { $encord: { config: { sampling_rate: 0 } } }),
      layer(SIDECAR, { $encord: { config: null } }),
    ];

    expect(mergeMetadata(layers).clientMetadata).toEqual({ $encord: { config: null } });
  });

  it("sorts the top-level keys and the provenance keys", () => {
    const result = mergeMetadata([
      layer(SITE, { zeta: 1, alpha: 2 }),
      layer(SIDECAR, { mid: 3, $encord: {} }),
    ]);

    expect(Object.keys(result.clientMetadata)).toEqual(["$encord", "alpha", "mid", "zeta"]);
    expect(Object.keys(result.provenance)).toEqual(["$encord", "alpha", "mid", "zeta"]);
  });

  it("returns values that share no objects with its layers", () => {
    const defaults = { camera: { make: "Acme" } };

    const result = mergeMetadata([layer(ROOT, defaults)]);
    const camera = result.clientMetadata.camera;
    if (isJsonObject(camera)) camera.make = "changed";

    expect(camera).toEqual({ make: "changed" });
    expect(defaults.camera.make).toBe("Acme");
  });

  it("keeps a __proto__ key from JSON as plain data when a sidecar has one", () => {
    const parsed: unknown = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const metadata = isJsonObject(parsed) ? parsed : {};

    const result = mergeMetadata([layer(SIDECAR, metadata)]);

    expect(Object.getPrototypeOf(result.clientMetadata)).toBe(Object.prototype);
    expect(Object.hasOwn(result.clientMetadata, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
