import { describe, expect, it } from "vitest";
import {
  groupRecordKey,
  parseRecordKey,
  seriesRecordKey,
} from "../../../../packages/core/src/keys/record-key";

describe("parseRecordKey", () => {
  it.each([
    ["a data object's key", "cam/a.png", { kind: "object", key: "cam/a.png" }],
    ["a folder's group key", groupRecordKey("cam/"), { kind: "group", folder: "cam/" }],
    ["a series key", seriesRecordKey("1.2.840.1"), { kind: "series", seriesUid: "1.2.840.1" }],
  ])("names what a record key is when given %s", (_what, key, expected) => {
    // Act
    const parsed = parseRecordKey(key);

    // Assert
    expect(parsed).toEqual(expected);
  });
});

describe("seriesRecordKey", () => {
  it("keys a series by its SeriesInstanceUID under dicom: when given a UID", () => {
    // Act
    const key = seriesRecordKey("1.2.3");

    // Assert
    expect(key).toBe("dicom:1.2.3");
  });
});
