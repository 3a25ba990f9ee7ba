import { describe, expect, it } from "vitest";
import {
  describeType,
  formatPath,
  isValidMetadataKey,
  type MetadataSchema,
  MetadataSchemaSchema,
  type MetadataType,
  parseMetadataSchema,
} from "../../../../packages/core/src/metadata/schema";

/** Parses a schema that must be valid and returns it. */
function parsed(input: unknown): MetadataSchema {
  const result = parseMetadataSchema(input);
  if (!result.ok) throw new Error(`expected a valid schema, got ${JSON.stringify(result.errors)}`);
  return result.schema;
}

/** Parses a schema that must be invalid and returns its errors. */
function rejected(input: unknown) {
  const result = parseMetadataSchema(input);
  if (result.ok) throw new Error(`expected an invalid schema, got ${JSON.stringify(result.schema)}`);
  return result.errors;
}

describe("parseMetadataSchema", () => {
  it("keeps a v2 schema as it is when every key and type is valid", () => {
    // Prepare
    const input = {
      site: { ty: "variant", hint: "varchar" },
      capturedAt: { ty: "variant", hint: "datetime" },
      night: { ty: "variant", hint: "boolean" },
      weather: { ty: "enum", values: ["clear", "fog", "rain"] },
      "clip-emb": { ty: "embedding", size: 512 },
      gps: { ty: "geospatial" },
    };

    // Act
    const result = parseMetadataSchema(input);

    // Assert
    expect(result).toEqual({ ok: true, schema: input, warnings: [] });
  });

  it.each(["number", "varchar", "text", "boolean", "datetime", "uuid"])(
    "accepts the variant hint %s",
    (hint) => {
      expect(parsed({ k: { ty: "variant", hint } })).toEqual({ k: { ty: "variant", hint } });
    },
  );

  it("defaults the variant hint to text when the hint is missing", () => {
    expect(parsed({ k: { ty: "variant" } })).toEqual({ k: { ty: "variant", hint: "text" } });
  });

  it("rejects a variant when the hint is unknown", () => {
    const errors = rejected({ k: { ty: "variant", hint: "integer" } });

    expect(errors).toEqual([expect.objectContaining({ code: "invalid-schema-type", path: "k.hint" })]);
    expect(errors[0]?.message).toContain("hint must be one of");
  });

  it.each([
    ["string", "varchar"],
    ["long_string", "text"],
  ])("reads the hint alias %s as %s with a legacy warning", (alias, hint) => {
    // Act
    const result = parseMetadataSchema({ k: { ty: "variant", hint: alias } });

    // Assert
    expect(result).toEqual({
      ok: true,
      schema: { k: { ty: "variant", hint } },
      warnings: [expect.objectContaining({ code: "legacy-schema-type", path: "k" })],
    });
  });

  it.each([
    ["string", "varchar"],
    ["long_string", "text"],
  ])("reads the type alias %s as a variant %s", (alias, hint) => {
    expect(parsed({ k: { ty: alias } })).toEqual({ k: { ty: "variant", hint } });
  });

  it("reads the legacy v1 flat form as v2 with one warning per key", () => {
    // Prepare
    const input = {
      a: "number",
      b: "string",
      c: "boolean",
      d: "datetime",
      e: "geospatial",
      f: "long_string",
    };

    // Act
    const result = parseMetadataSchema(input);

    // Assert
    expect(result.ok && result.schema).toEqual({
      a: { ty: "variant", hint: "number" },
      b: { ty: "variant", hint: "varchar" },
      c: { ty: "variant", hint: "boolean" },
      d: { ty: "variant", hint: "datetime" },
      e: { ty: "geospatial" },
      f: { ty: "variant", hint: "text" },
    });
    expect(result.ok && result.warnings.map((w) => w.path)).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it.each([
    ["enum", '"values"'],
    ["embedding", '"size"'],
  ])("rejects a legacy flat %s with a message naming the missing field", (name, field) => {
    const errors = rejected({ k: name });

    expect(errors).toEqual([expect.objectContaining({ code: "invalid-schema-type", path: "k" })]);
    expect(errors[0]?.message).toContain(field);
  });

  it("rejects a legacy flat name when it is unknown", () => {
    expect(rejected({ k: "float" })[0]?.message).toContain('unknown legacy type "float"');
  });

  it("accepts an enum when it has 1 and when it has 255 values", () => {
    // Prepare
    const many = Array.from({ length: 255 }, (_, i) => `v${i}`);

    // Act
    const schema = parsed({ one: { ty: "enum", values: ["x"] }, many: { ty: "enum", values: many } });

    // Assert
    expect(schema.many).toEqual({ ty: "enum", values: many });
    expect(schema.one).toEqual({ ty: "enum", values: ["x"] });
  });

  it.each([
    ["no values", [], "at least 1"],
    ["256 values", Array.from({ length: 256 }, (_, i) => `v${i}`), "at most 255"],
    ["duplicate values", ["a", "b", "a"], "unique"],
    ["a non-string value", ["a", 1], "strings"],
  ])("rejects an enum with %s", (_case, values, message) => {
    const errors = rejected({ weather: { ty: "enum", values } });

    expect(errors[0]?.path).toMatch(/^weather\.values/);
    expect(errors[0]?.message).toContain(message);
  });

  it("accepts embedding sizes 1 and 4096 and keeps the api block", () => {
    // Prepare
    const api = { url: "https://embed.example", client_only: true };

    // Act
    const schema = parsed({ a: { ty: "embedding", size: 1 }, b: { ty: "embedding", size: 4096, api } });

    // Assert
    expect(schema).toEqual({ a: { ty: "embedding", size: 1 }, b: { ty: "embedding", size: 4096, api } });
  });

  it.each([0, 4097, 1.5, "512"])("rejects an embedding when the size is %j", (size) => {
    const errors = rejected({ e: { ty: "embedding", size } });

    expect(errors).toEqual([expect.objectContaining({ code: "invalid-schema-type", path: "e.size" })]);
  });

  it("rejects an embedding when the size is missing", () => {
    expect(rejected({ e: { ty: "embedding" } })[0]?.path).toBe("e.size");
  });

  it("accepts the direct types with their options and defaults", () => {
    // Prepare
    const input = {
      n: { ty: "number", format: "F32" },
      b: { ty: "boolean" },
      t: { ty: "text" },
      u: { ty: "uuid" },
      who: { ty: "user" },
      v: { ty: "varchar" },
      v10: { ty: "varchar", max_length: 10 },
      at: { ty: "datetime", timezone: "UTC" },
      g: { ty: "geospatial" },
    };

    // Act
    const schema = parsed(input);

    // Assert
    expect(schema).toEqual({ ...input, v: { ty: "varchar", max_length: 8192 } });
  });

  it.each([
    [{ ty: "number", format: "F16" }, "n.format"],
    [{ ty: "varchar", max_length: 8193 }, "n.max_length"],
    [{ ty: "varchar", max_length: -1 }, "n.max_length"],
    [{ ty: "datetime", timezone: "CET" }, "n.timezone"],
  ])("rejects the direct type %j", (type, path) => {
    expect(rejected({ n: type })).toEqual([expect.objectContaining({ code: "invalid-schema-type", path })]);
  });

  it("reads a tombstone as a hard delete when deleted_ty is missing or null", () => {
    expect(parsed({ a: { ty: "tombstone" }, b: { ty: "tombstone", deleted_ty: null } })).toEqual({
      a: { ty: "tombstone", deleted_ty: null },
      b: { ty: "tombstone", deleted_ty: null },
    });
  });

  it("reads a tombstone's deleted_ty when it is a type object or a type name", () => {
    // Act
    const schema = parsed({
      a: { ty: "tombstone", deleted_ty: { ty: "enum", values: ["x"] } },
      b: { ty: "tombstone", deleted_ty: "varchar" },
    });

    // Assert
    expect(schema).toEqual({
      a: { ty: "tombstone", deleted_ty: { ty: "enum", values: ["x"] } },
      b: { ty: "tombstone", deleted_ty: { ty: "varchar", max_length: 8192 } },
    });
  });

  it("rejects a tombstone when its deleted_ty is itself a tombstone", () => {
    const errors = rejected({ a: { ty: "tombstone", deleted_ty: { ty: "tombstone" } } });

    expect(errors[0]?.path).toBe("a.deleted_ty.ty");
    expect(errors[0]?.message).not.toContain("tombstone;");
  });

  it("rejects a type when ty is unknown or the type is not an object", () => {
    // Act
    const errors = rejected({ a: { ty: "float" }, b: 5, c: {} });

    // Assert
    expect(errors.map((e) => e.path)).toEqual(["a.ty", "b", "c.ty"]);
    expect(errors[0]?.message).toContain('unknown type "float"');
    expect(errors[1]?.message).toContain("must be an object");
  });

  it.each([
    ["", "empty"],
    ["$encord", '"$"'],
    ["keyframes", "reserved"],
    ["key_frames", "reserved"],
    ["-_. ", "no letter or digit"],
    ["a/b", "only letters"],
    ["tags[0]", "only letters"],
  ])("rejects the key %j with the key as the path", (key, message) => {
    // Act
    const errors = rejected({ [key]: { ty: "text" } });

    // Assert
    expect(errors).toEqual([expect.objectContaining({ code: "invalid-schema-key", path: key })]);
    expect(errors[0]?.message).toContain(message);
  });

  it("lists every bad key and type when several are wrong", () => {
    const errors = rejected({ ok: { ty: "text" }, $a: { ty: "text" }, b: "enum", "c/d": "number" });

    expect(errors.map((e) => e.path)).toEqual(["$a", "b", "c/d"]);
  });

  it.each([null, [], "schema", 3])("rejects %j when the schema is not an object", (input) => {
    expect(rejected(input)).toEqual([expect.objectContaining({ code: "invalid-schema" })]);
  });
});

describe("isValidMetadataKey", () => {
  it.each([
    "site",
    "video.description",
    "TeamName.MetadataKey",
    "clip-emb",
    "a b_c-d.e",
    "über",
    "日付",
    "x1",
  ])("accepts %j", (key) => {
    expect(isValidMetadataKey(key)).toBe(true);
  });

  it.each(["", "$x", "keyframes", "key-frames", "...", "a:b", "a/b", "e\u0301"])("refuses %j", (key) => {
    expect(isValidMetadataKey(key)).toBe(false);
  });
});

describe("MetadataSchemaSchema", () => {
  it("reads legacy names as v2 types when parsed with zod directly", () => {
    expect(MetadataSchemaSchema.parse({ a: "string" })).toEqual({ a: { ty: "variant", hint: "varchar" } });
  });

  it("fails when a key is invalid", () => {
    expect(MetadataSchemaSchema.safeParse({ $a: "string" }).success).toBe(false);
  });
});

describe("describeType", () => {
  it.each<[MetadataType, string]>([
    [{ ty: "variant", hint: "varchar" }, "varchar(max 8192)"],
    [{ ty: "variant", hint: "number" }, "number"],
    [{ ty: "variant", hint: "datetime" }, "datetime (ISO 8601)"],
    [{ ty: "varchar", max_length: 20 }, "varchar(max 20)"],
    [{ ty: "enum", values: ["clear", "fog", "rain"] }, "enum[clear|fog|rain]"],
    [{ ty: "embedding", size: 512 }, "embedding(512)"],
    [{ ty: "geospatial" }, "geospatial {latitude, longitude}"],
    [{ ty: "number", format: "F32" }, "number(F32)"],
    [{ ty: "user" }, "user"],
    [{ ty: "tombstone", deleted_ty: null }, "deleted"],
    [{ ty: "tombstone", deleted_ty: { ty: "uuid" } }, "deleted uuid (8-4-4-4-12 hex)"],
  ])("describes %j as %s", (type, text) => {
    expect(describeType(type)).toBe(text);
  });

  it("shortens an enum when its values are long", () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, i) => `value-${i}`);

    // Act
    const text = describeType({ ty: "enum", values });

    // Assert
    expect(text.length).toBeLessThanOrEqual(100);
    expect(text).toMatch(/^enum\[value-0\|value-1\|.*\.\.\.\] \(100 values\)$/);
  });
});

describe("formatPath", () => {
  it("joins names with dots and indices with brackets", () => {
    expect(formatPath(["$encord", "frames", "120", "clip-emb", 3])).toBe("$encord.frames.120.clip-emb[3]");
  });
});
