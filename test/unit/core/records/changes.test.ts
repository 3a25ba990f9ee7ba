import { describe, expect, it } from "vitest";
import { changedFields, type SluiceRecord } from "../../../../packages/core/src/index";

const record = (overrides: Partial<SluiceRecord> = {}): SluiceRecord => ({
  bucket: "data",
  key: "a.mp4",
  objectUrl: "s3://data/a.mp4",
  dataType: "video",
  status: "ready",
  title: "a.mp4",
  clientMetadata: { site: "north", camera: "c1" },
  provenance: { site: "a.mp4.metadata.json", camera: "a.mp4.metadata.json" },
  mediaMetadata: { fileSize: 10, mimeType: "video/mp4", fps: 25 },
  sidecarKey: "a.mp4.metadata.json",
  etag: "e1",
  versionId: null,
  errors: [],
  warnings: [],
  updatedAt: "2024-05-01T10:00:00.000Z",
  importEntry: null,
  export: { state: "exported", file: "imports/x.json" },
  ...overrides,
});

describe("changedFields", () => {
  it("names changed metadata keys one level down and other fields by name, sorted", () => {
    const before = record();
    const after = record({
      clientMetadata: { site: "south", camera: "c1" },
      mediaMetadata: { fileSize: 10, mimeType: "video/mp4", fps: 30 },
      status: "invalid",
      updatedAt: "2024-05-02T10:00:00.000Z",
      export: { state: "held" },
    });

    expect(changedFields(before, after)).toEqual(["clientMetadata.site", "mediaMetadata.fps", "status"]);
  });

  it("names keys added or removed, and a whole block that appears", () => {
    const before = record({ mediaMetadata: null, clientMetadata: { site: "north" } });
    const after = record({ mediaMetadata: { fileSize: 10, fps: 25 }, clientMetadata: { camera: "c1" } });

    expect(changedFields(before, after)).toEqual([
      "clientMetadata.camera",
      "clientMetadata.site",
      "mediaMetadata.fileSize",
      "mediaMetadata.fps",
    ]);
  });

  it("answers nothing when only the time and export state differ", () => {
    expect(changedFields(record(), record({ updatedAt: "later", export: { state: "pending" } }))).toEqual([]);
  });
});
