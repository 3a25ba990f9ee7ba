import { describe, expect, it } from "vitest";
import { fromItem, parseRecordItem, toItem } from "../../../packages/aws/src/record-item";
import type { StoredRecord } from "../../../packages/core/src/ports/record-store";

function storedRecord(overrides: Partial<StoredRecord> = {}): StoredRecord {
  return {
    bucket: "data",
    key: "a.png",
    objectUrl: "https://data.s3.eu-west-1.amazonaws.com/a.png",
    dataType: "image",
    status: "ready",
    title: "a.png",
    clientMetadata: { camera: "front" },
    provenance: { camera: "a.png.metadata.json" },
    mediaMetadata: null,
    sidecarKey: "a.png.metadata.json",
    etag: null,
    versionId: null,
    errors: [],
    warnings: [],
    updatedAt: "2024-05-01T10:00:00.000Z",
    importEntry: {
      objectUrl: "https://data.s3.eu-west-1.amazonaws.com/a.png",
      clientMetadata: { camera: "front" },
    },
    export: { state: "pending" },
    revision: 2,
    sequencers: {},
    ...overrides,
  };
}

/** A payload as an older release could have stored it, nested `levels` deep in both copies of the metadata. */
function deepPayload(levels: number): string {
  const deep = `${"[".repeat(levels)}${"]".repeat(levels)}`;
  return `{"clientMetadata":{"d":${deep}},"provenance":{"d":"api"},"importEntry":{"objectUrl":"https://data.s3.eu-west-1.amazonaws.com/a.png","clientMetadata":{"d":${deep}}}}`;
}

describe("fromItem", () => {
  it("joins an item and its payload back into the record it was made from", () => {
    const record = storedRecord({ apiLayer: { lens: "x" } });
    const { item, payload } = toItem(record, 16);

    expect(fromItem(parseRecordItem({ ...item, payload }), payload)).toEqual(record);
  });

  it("reads a stored payload without walking its values again, which a recursive schema overflowed on (issue 14)", () => {
    // Values are validated when they are written; a recursive zod schema on every read overflowed the
    // call stack at 3,000 levels and spent 79 s and 1 GB on a record of 1.6 million arrays.
    const { item } = toItem(storedRecord(), 16);
    const payload = deepPayload(3_000);

    const record = fromItem(parseRecordItem({ ...item, payload }), payload);

    expect(Object.keys(record.clientMetadata)).toEqual(["d"]);
    expect(record.importEntry?.objectUrl).toBe("https://data.s3.eu-west-1.amazonaws.com/a.png");
  });

  it("still refuses a payload whose metadata is not an object", () => {
    const { item } = toItem(storedRecord(), 16);
    const payload = '{"clientMetadata":[1],"provenance":{},"importEntry":null}';

    expect(() => fromItem(parseRecordItem({ ...item, payload }), payload)).toThrow(/expected a JSON object/);
  });
});
