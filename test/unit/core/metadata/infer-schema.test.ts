import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../../../packages/core/src/json";
import { inferMetadataSchema } from "../../../../packages/core/src/metadata/infer-schema";
import { validateClientMetadata } from "../../../../packages/core/src/metadata/validate";

const UUID_A = "0b7f6d3c-1e2a-4b5c-9d8e-7f6a5b4c3d2e";
const UUID_B = "6f1c2b3a-9d8e-1f2a-8b3c-4d5e6f7a8b9c";

describe("inferMetadataSchema", () => {
  it.each<[string, JsonObject[string][], unknown]>([
    ["booleans", [true, false], { ty: "variant", hint: "boolean" }],
    ["numbers", [1, 2.5, -3], { ty: "variant", hint: "number" }],
    ["ISO datetimes", ["2025-02-11T08:15:00Z", "2025-02-12"], { ty: "variant", hint: "datetime" }],
    ["UUIDs", [UUID_A, UUID_B], { ty: "variant", hint: "uuid" }],
    ["short strings", ["plant-7", "plant-8"], { ty: "variant", hint: "varchar" }],
    ["datetimes mixed with other strings", ["2025-02-11", "soon"], { ty: "variant", hint: "varchar" }],
    ["UUIDs mixed with datetimes", [UUID_A, "2025-02-11"], { ty: "variant", hint: "varchar" }],
    ["a string longer than 8192", ["short", "t".repeat(8193)], { ty: "variant", hint: "text" }],
    [
      "number arrays of one length",
      [
        [0.1, 0.2, 0.3],
        [1, 2, 3],
      ],
      { ty: "embedding", size: 3 },
    ],
    [
      "number arrays of different lengths",
      [
        [0.1, 0.2],
        [1, 2, 3],
      ],
      { ty: "variant", hint: "text" },
    ],
    ["empty arrays", [[]], { ty: "variant", hint: "text" }],
    ["arrays with strings", [["a", "b"]], { ty: "variant", hint: "text" }],
    [
      "coordinates",
      [
        { latitude: 51.5, longitude: -0.12 },
        { latitude: -90, longitude: 180 },
      ],
      { ty: "geospatial" },
    ],
    ["out-of-range coordinates", [{ latitude: 91, longitude: 0 }], { ty: "variant", hint: "text" }],
    ["other objects", [{ a: 1 }], { ty: "variant", hint: "text" }],
    ["numbers mixed with strings", [22, "B-22"], { ty: "variant", hint: "text" }],
    ["booleans mixed with numbers", [true, 1], { ty: "variant", hint: "text" }],
  ])("infers the type of %s", (_case, values, type) => {
    // Prepare
    const objects = values.map((value) => ({ key: value }));

    // Act
    const schema = inferMetadataSchema(objects);

    // Assert
    expect(schema).toEqual({ key: type });
  });

  it("infers an embedding of 4096 but not of 4097 numbers", () => {
    // Act
    const schema = inferMetadataSchema([
      { big: Array.from({ length: 4096 }, () => 0.5), huge: Array.from({ length: 4097 }, () => 0.5) },
    ]);

    // Assert
    expect(schema).toEqual({ big: { ty: "embedding", size: 4096 }, huge: { ty: "variant", hint: "text" } });
  });

  it("ignores null values and leaves out keys that were only null", () => {
    // Act
    const schema = inferMetadataSchema([{ count: null, empty: null }, { count: 3 }]);

    // Assert
    expect(schema).toEqual({ count: { ty: "variant", hint: "number" } });
  });

  it("skips reserved keys and keys the SDK refuses", () => {
    // Prepare
    const objects: JsonObject[] = [
      { $encord: { frames: [0] }, $other: 1, keyframes: [1, 2], "a/b": "x", "": 1, site: "p7" },
    ];

    // Act
    const schema = inferMetadataSchema(objects);

    // Assert
    expect(schema).toEqual({ site: { ty: "variant", hint: "varchar" } });
  });

  it("returns the same schema with sorted keys whatever the order of objects and keys", () => {
    // Prepare
    const a: JsonObject = { zeta: 1, alpha: "x", mid: [1, 2] };
    const b: JsonObject = { mid: [3, 4], alpha: "2025-02-11", beta: true };

    // Act
    const first = inferMetadataSchema([a, b]);
    const second = inferMetadataSchema([b, a]);

    // Assert
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
    expect(Object.keys(first)).toEqual(["alpha", "beta", "mid", "zeta"]);
  });

  it("returns an empty schema when there are no objects", () => {
    expect(inferMetadataSchema([])).toEqual({});
  });

  it("skips entries that are not objects instead of throwing", () => {
    // Prepare
    const objects: unknown[] = [null, 3, { site: "a" }];

    // Act
    const schema = inferMetadataSchema(objects as JsonObject[]);

    // Assert
    expect(schema).toEqual({ site: { ty: "variant", hint: "varchar" } });
  });

  it("infers a schema that the validator accepts for the same objects", () => {
    // Prepare
    const objects: JsonObject[] = [
      { site: "a", when: "2025-02-11T08:15:00Z", gps: { latitude: 1, longitude: 2 }, mixed: 1, emb: [1, 2] },
      { site: "b", when: "2025-02-12", tags: ["x"], mixed: "one", emb: [3, 4], n: null },
    ];

    // Act
    const schema = inferMetadataSchema(objects);
    const errors = objects.flatMap((object) => validateClientMetadata(object, schema).errors);

    // Assert
    expect(errors).toEqual([]);
  });
});
