import { describe, expect, it } from "vitest";
import { buildImports } from "../../../../packages/core/src/imports/build";
import { DEFAULT_IMPORT_LIMITS } from "../../../../packages/core/src/imports/split";
import type { SluiceRecord } from "../../../../packages/core/src/records/record";

const URL = "https://data.s3.eu-west-1.amazonaws.com/a.png";

function readyImage(importEntry: SluiceRecord["importEntry"]): SluiceRecord {
  return {
    bucket: "data",
    key: "a.png",
    objectUrl: URL,
    dataType: "image",
    status: "ready",
    title: "a.png",
    clientMetadata: {},
    provenance: {},
    mediaMetadata: null,
    sidecarKey: null,
    etag: null,
    versionId: null,
    errors: [],
    warnings: [],
    updatedAt: "2024-05-01T10:00:00.000Z",
    importEntry,
    export: { state: "pending" },
  };
}

describe("buildImports", () => {
  it("puts a stored entry into a file without walking its clientMetadata again (issue 14)", () => {
    // Checked when its record was written; a recursive schema on each export overflowed at 3,000 levels.
    const deep = JSON.parse(`${"[".repeat(3_000)}${"]".repeat(3_000)}`);
    const record = readyImage({ objectUrl: URL, clientMetadata: { d: deep } });

    const built = buildImports([record], DEFAULT_IMPORT_LIMITS);

    expect(built.records[0]?.status).toBe("ready");
    expect(built.files.map((f) => f.keys)).toEqual([["a.png"]]);
  });

  it("still makes a record invalid when a stored entry breaks the import format outside its metadata", () => {
    const record = readyImage({ objectUrl: "not a url", clientMetadata: [1] });

    const built = buildImports([record], DEFAULT_IMPORT_LIMITS);

    expect(built.files).toEqual([]);
    expect(built.records[0]?.status).toBe("invalid");
    expect(built.records[0]?.errors.map((e) => e.code)).toEqual(["invalid-import-entry"]);
    expect(built.records[0]?.errors[0]?.message).toContain("clientMetadata must be a JSON object");
  });

  it("leaves a group member out, whatever its export state, when it is ready with an entry of its own", () => {
    // Prepare: a frame exported alone before its manifest arrived keeps `exported`; another is held.
    const alone = { ...readyImage({ objectUrl: URL }), key: "seq/f1.png", groupKey: "seq/" };
    const held = { ...alone, key: "seq/f2.png", export: { state: "held" as const } };
    const group: SluiceRecord = {
      ...readyImage({ title: "seq", createVideo: true, objectUrl_0: URL, objectUrl_1: URL }),
      key: "seq/",
      dataType: "image_sequence",
    };
    const single = { ...readyImage({ objectUrl: URL }), key: "z.png" };

    // Act
    const built = buildImports(
      [{ ...alone, export: { state: "exported" as const } }, held, group, single],
      DEFAULT_IMPORT_LIMITS,
    );

    // Assert
    expect(built.files.map((f) => f.keys)).toEqual([["seq/", "z.png"]]);
    expect(built.files[0]?.file.image_groups).toHaveLength(1);
    expect(built.files[0]?.file.images).toHaveLength(1);
  });
});
