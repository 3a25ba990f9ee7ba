import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../../packages/core/src/json";
import type { MetadataSchema } from "../../../../packages/core/src/metadata/schema";
import { validateClientMetadata } from "../../../../packages/core/src/metadata/validate";

const SCHEMA: MetadataSchema = {
  site: { ty: "variant", hint: "varchar" },
  count: { ty: "variant", hint: "number" },
  notes: { ty: "variant", hint: "text" },
  night: { ty: "variant", hint: "boolean" },
  capturedAt: { ty: "variant", hint: "datetime" },
  runId: { ty: "variant", hint: "uuid" },
  weather: { ty: "enum", values: ["clear", "fog", "rain"] },
  "clip-emb": { ty: "embedding", size: 3 },
  gps: { ty: "geospatial" },
  code: { ty: "varchar", max_length: 4 },
  transcript: { ty: "text" },
  owner: { ty: "user" },
  score: { ty: "number", format: "F32" },
  flag: { ty: "boolean" },
  id: { ty: "uuid" },
  at: { ty: "datetime", timezone: "UTC" },
  old: { ty: "tombstone", deleted_ty: { ty: "variant", hint: "varchar" } },
};

/** Validates one key against SCHEMA and returns the errors. */
function errorsFor(key: string, value: JsonObject[string]) {
  return validateClientMetadata({ [key]: value }, SCHEMA).errors;
}

describe("validateClientMetadata", () => {
  it("returns no errors and no warnings when every value fits its type", () => {
    // Prepare
    const metadata: JsonObject = {
      site: "plant-7",
      count: 3.5,
      notes: "free text",
      night: false,
      capturedAt: "2025-02-11T08:15:00Z",
      runId: "0b7f6d3c-1e2a-4b5c-9d8e-7f6a5b4c3d2e",
      weather: "fog",
      "clip-emb": [0.12, -0.4, 0.9],
      gps: { latitude: 51.5, longitude: -0.12 },
      code: "ab",
      transcript: "hello",
      owner: "ana@example.com",
      score: 0,
      flag: true,
      id: "0B7F6D3C-1E2A-1B5C-9D8E-7F6A5B4C3D2E",
      at: "2025-02-11",
    };

    // Act
    const result = validateClientMetadata(metadata, SCHEMA);

    // Assert
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  it.each<[string, JsonObject[string], string]>([
    ["site", 7, "varchar(max 8192)"],
    ["site", "x".repeat(8193), "varchar(max 8192)"],
    ["count", "3", "number"],
    ["night", "yes", "boolean"],
    ["capturedAt", "11/02/2025", "datetime (ISO 8601)"],
    ["capturedAt", "2025-02-30T25:00:00Z", "datetime (ISO 8601)"],
    ["runId", "0b7f6d3c1e2a4b5c9d8e7f6a5b4c3d2e", "uuid (8-4-4-4-12 hex)"],
    ["weather", "snow", "enum[clear|fog|rain]"],
    ["weather", 1, "enum[clear|fog|rain]"],
    ["clip-emb", [1, 2], "embedding(3)"],
    ["clip-emb", "0.1,0.2,0.3", "embedding(3)"],
    ["gps", "51.5,-0.12", "geospatial {latitude, longitude}"],
    ["code", "abcde", "varchar(max 4)"],
    ["transcript", 3, "text"],
    ["owner", false, "user"],
    ["score", true, "number(F32)"],
    ["flag", 1, "boolean"],
    ["id", "not-a-uuid", "uuid (8-4-4-4-12 hex)"],
    ["at", "yesterday", "datetime (ISO 8601)"],
  ])("reports %s = %j as a schema violation expecting %s", (key, value, expected) => {
    // Act
    const errors = errorsFor(key, value);

    // Assert
    expect(errors).toEqual([expect.objectContaining({ code: "schema-violation", path: key, expected })]);
  });

  it.each([
    "2025-02-11",
    "2025-02-11T08:15",
    "2025-02-11T08:15:00",
    "2025-02-11T08:15:00.123Z",
    "2025-02-11 08:15:00+01:00",
    "2025-02-11T08:15:00-0530",
  ])("accepts the ISO 8601 datetime %s", (value) => {
    expect(errorsFor("capturedAt", value)).toEqual([]);
  });

  it("accepts any JSON value when the type is a variant with hint text", () => {
    // Act
    const result = validateClientMetadata({ notes: { nested: [1, "a"] } }, SCHEMA);

    // Assert
    expect(result.errors).toEqual([]);
  });

  it("counts varchar length in characters when the text has astral characters", () => {
    expect(errorsFor("code", "🎥🎥🎥🎥")).toEqual([]);
  });

  it("accepts null for any declared type", () => {
    expect(validateClientMetadata({ count: null, "clip-emb": null, gps: null }, SCHEMA).errors).toEqual([]);
  });

  it("reports the element path when an embedding holds a non-number", () => {
    // Act
    const errors = errorsFor("clip-emb", [0.1, 0.2, "x"]);

    // Assert
    expect(errors).toEqual([
      {
        code: "schema-violation",
        message: 'expected finite number, got "x"',
        path: "clip-emb[2]",
        expected: "finite number",
        got: '"x"',
      },
    ]);
  });

  it("describes the actual array with its length when an embedding has the wrong size", () => {
    expect(errorsFor("clip-emb", [1, 2])[0]?.got).toBe("[1,2] (2 items)");
  });

  it("reports each out-of-range or missing coordinate when a geospatial value is wrong", () => {
    // Act
    const errors = errorsFor("gps", { latitude: 90.5, longitude: -180.5 }).concat(
      errorsFor("gps", { latitude: 0 }),
    );

    // Assert
    expect(errors.map((e) => [e.path, e.expected, e.got])).toEqual([
      ["gps.latitude", "number in [-90, 90]", "90.5"],
      ["gps.longitude", "number in [-180, 180]", "-180.5"],
      ["gps.longitude", "number in [-180, 180]", "nothing"],
    ]);
  });

  it("accepts the geospatial bounds themselves", () => {
    expect(errorsFor("gps", { latitude: -90, longitude: 180 })).toEqual([]);
  });

  it("truncates got to about 80 characters when the value is long", () => {
    // Act
    const [error] = errorsFor("code", "y".repeat(500));

    // Assert
    expect(error?.got).toMatch(/^"y+\.\.\. \(500 characters\)$/);
    expect(error?.got.length).toBeLessThan(100);
  });

  it("keeps at most 10 errors for one key and counts the rest", () => {
    // Prepare
    const schema: MetadataSchema = { emb: { ty: "embedding", size: 30 } };

    // Act
    const { errors } = validateClientMetadata({ emb: Array.from({ length: 30 }, () => "s") }, schema);

    // Assert
    expect(errors).toHaveLength(10);
    expect(errors[9]?.message).toContain("(and 20 more under emb)");
  });

  it("keeps unknown keys with one warning each when a schema is given", () => {
    // Act
    const result = validateClientMetadata({ extra: 1, other: "x", site: "a" }, SCHEMA);

    // Assert
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: "unknown-metadata-key", path: "extra" }),
      expect.objectContaining({ code: "unknown-metadata-key", path: "other" }),
    ]);
  });

  it("gives no unknown-key warning for Label Editor layout keys", () => {
    const metadata = { "encord-layout-group": "call-1", "encord-editor-grid-position": "A" };

    expect(validateClientMetadata(metadata, SCHEMA).warnings).toEqual([]);
  });

  it("gives no unknown-key warnings when there is no schema", () => {
    expect(validateClientMetadata({ extra: 1, other: [1, 2] }, null)).toEqual({ errors: [], warnings: [] });
  });

  it("treats inherited object names as unknown keys when the schema does not declare them", () => {
    const result = validateClientMetadata({ constructor: 1, toString: "x" }, SCHEMA);

    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.path)).toEqual(["constructor", "toString"]);
  });

  it("warns instead of validating when the key is tombstoned", () => {
    // Act
    const result = validateClientMetadata({ old: 42 }, SCHEMA);

    // Assert
    expect(result).toEqual({
      errors: [],
      warnings: [expect.objectContaining({ code: "tombstoned-key", path: "old" })],
    });
  });

  it("rejects any other $ key as reserved, with or without a schema", () => {
    // Act
    const withSchema = validateClientMetadata({ $other: { a: 1 } }, SCHEMA);
    const without = validateClientMetadata({ $other: 1 }, null);

    // Assert
    expect(withSchema.errors).toEqual([expect.objectContaining({ code: "reserved-key", path: "$other" })]);
    expect(without.errors).toEqual([
      expect.objectContaining({ code: "reserved-key", path: "$other", got: "1" }),
    ]);
  });

  it("accepts deprecated keyframes with a warning when they are non-negative integers", () => {
    // Act
    const result = validateClientMetadata({ keyframes: [0, 13, 17] }, null);

    // Assert
    expect(result).toEqual({
      errors: [],
      warnings: [expect.objectContaining({ code: "deprecated-keyframes", path: "keyframes" })],
    });
  });

  it("rejects deprecated keyframes when an entry is negative, fractional or not an array", () => {
    // Act
    const listErrors = validateClientMetadata({ keyframes: [1, -1, 2.5] }, null).errors;
    const shapeErrors = validateClientMetadata({ keyframes: "1,2" }, null).errors;

    // Assert
    expect(listErrors.map((e) => [e.code, e.path])).toEqual([
      ["invalid-keyframes", "keyframes[1]"],
      ["invalid-keyframes", "keyframes[2]"],
    ]);
    expect(shapeErrors).toEqual([expect.objectContaining({ path: "keyframes", got: '"1,2"' })]);
  });

  it("returns an error instead of throwing when the metadata is not an object", () => {
    // Prepare
    const notAnObject: unknown = [1, 2];

    // Act
    const result = validateClientMetadata(notAnObject as JsonObject, null);

    // Assert
    expect(result.errors).toEqual([
      expect.objectContaining({ code: "metadata-not-object", expected: "JSON object" }),
    ]);
  });
});

describe("validateClientMetadata ($encord)", () => {
  const EMB: MetadataSchema = {
    "clip-emb": { ty: "embedding", size: 3 },
    event: { ty: "variant", hint: "number" },
  };

  it("accepts a full namespace with config and dict frames", () => {
    // Prepare
    const metadata: JsonObject = {
      $encord: {
        config: { sampling_rate: 0, keyframe_mode: "frame" },
        frames: { "0": {}, "120": { "clip-emb": [0.12, -0.4, 0.9], $encord: { keyframe: false } } },
      },
    };

    // Act
    const result = validateClientMetadata(metadata, EMB);

    // Assert
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  it("accepts list frames when they are non-negative integers", () => {
    expect(validateClientMetadata({ $encord: { frames: [0, 13, 17] } }, null).errors).toEqual([]);
  });

  it("reports each bad list entry with its index", () => {
    // Act
    const { errors } = validateClientMetadata({ $encord: { frames: [0, -2, 1.5] } }, null);

    // Assert
    expect(errors.map((e) => [e.code, e.path, e.got])).toEqual([
      ["invalid-encord-namespace", "$encord.frames[1]", "-2"],
      ["invalid-encord-namespace", "$encord.frames[2]", "1.5"],
    ]);
  });

  it("reports a bad sampling rate, an unknown config key and an unknown namespace key", () => {
    // Act
    const { errors } = validateClientMetadata(
      { $encord: { config: { sampling_rate: -1, fps: 2 }, extra: true } },
      null,
    );

    // Assert
    expect(errors.map((e) => e.path).sort()).toEqual([
      "$encord.config.fps",
      "$encord.config.sampling_rate",
      "$encord.extra",
    ]);
  });

  it("reports a bad keyframe_mode and then leaves frame keys unchecked", () => {
    // Act
    const { errors } = validateClientMetadata(
      { $encord: { config: { keyframe_mode: "minutes" }, frames: { "1.5": {} } } },
      null,
    );

    // Assert
    expect(errors).toEqual([
      expect.objectContaining({
        code: "invalid-encord-namespace",
        path: "$encord.config.keyframe_mode",
        expected: 'one of "frame"|"seconds"',
        got: '"minutes"',
      }),
    ]);
  });

  it("rejects a dict frame key that is not a frame index in frame mode", () => {
    // Act
    const { errors } = validateClientMetadata({ $encord: { frames: { "0": {}, "1.5": {}, abc: {} } } }, null);

    // Assert
    expect(errors.map((e) => [e.path, e.got])).toEqual([
      ["$encord.frames.1.5", '"1.5"'],
      ["$encord.frames.abc", '"abc"'],
    ]);
  });

  it("accepts seconds keys and rejects other keys in seconds mode", () => {
    // Act
    const { errors } = validateClientMetadata(
      {
        $encord: {
          config: { keyframe_mode: "seconds" },
          frames: { "0.0": {}, "3.25": {}, "7": {}, "-1": {} },
        },
      },
      null,
    );

    // Assert
    expect(errors).toEqual([
      expect.objectContaining({ path: "$encord.frames.-1", expected: expect.stringContaining("seconds") }),
    ]);
  });

  it("rejects a frame entry whose $encord.keyframe is not a boolean", () => {
    // Act
    const { errors } = validateClientMetadata(
      { $encord: { frames: { "2": { $encord: { keyframe: "no" } } } } },
      null,
    );

    // Assert
    expect(errors).toEqual([
      expect.objectContaining({
        path: "$encord.frames.2.$encord.keyframe",
        expected: "boolean",
        got: '"no"',
      }),
    ]);
  });

  it("rejects frames when they are neither a list nor an object", () => {
    const { errors } = validateClientMetadata({ $encord: { frames: "0,1" } }, null);

    expect(errors).toEqual([
      expect.objectContaining({ path: "$encord.frames", expected: "array or object" }),
    ]);
  });

  it("rejects $encord when it is not an object", () => {
    expect(validateClientMetadata({ $encord: [1] }, null).errors).toEqual([
      expect.objectContaining({ code: "invalid-encord-namespace", path: "$encord", expected: "object" }),
    ]);
  });

  it("reports a per-frame embedding of the wrong length under its frame path", () => {
    // Act
    const { errors } = validateClientMetadata(
      { $encord: { frames: { "120": { "clip-emb": [0.1, 0.2] } } } },
      EMB,
    );

    // Assert
    expect(errors).toEqual([
      expect.objectContaining({
        code: "schema-violation",
        path: "$encord.frames.120.clip-emb",
        expected: "embedding(3)",
        got: "[0.1,0.2] (2 items)",
      }),
    ]);
  });

  it("reports a per-frame embedding element with its index", () => {
    const { errors } = validateClientMetadata(
      { $encord: { frames: { "7": { "clip-emb": [0.1, "x", 0.3] } } } },
      EMB,
    );

    expect(errors.map((e) => e.path)).toEqual(["$encord.frames.7.clip-emb[1]"]);
  });

  it("leaves per-frame values alone when their key is not declared as an embedding", () => {
    // Act
    const result = validateClientMetadata(
      { $encord: { frames: { "7": { event: "door", other: [1] } } } },
      EMB,
    );

    // Assert
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  it("keeps at most 10 errors for $encord when many frames are wrong", () => {
    // Prepare
    const frames = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`f${i}`, {}]));

    // Act
    const { errors } = validateClientMetadata({ $encord: { frames } }, null);

    // Assert
    expect(errors).toHaveLength(10);
    expect(errors[9]?.message).toContain("(and 15 more under $encord)");
  });

  it("passes config through on any item, since only the caller knows the data type", () => {
    expect(validateClientMetadata({ $encord: { config: { sampling_rate: 2 } } }, null).errors).toEqual([]);
  });
});
