import { describe, expect, it } from "vitest";
import { withTheirGroups } from "../../../../packages/core/src/pipeline/with-groups";
import type { StoredRecord } from "../../../../packages/core/src/ports/record-store";
import { createFakePipeline } from "../../../helpers/fakes";

function stored(key: string, extra: Partial<StoredRecord> = {}): StoredRecord {
  return {
    bucket: "data",
    key,
    objectUrl: `https://data.s3.eu-west-1.amazonaws.com/${key}`,
    dataType: "image",
    status: "ready",
    title: key,
    clientMetadata: {},
    provenance: {},
    mediaMetadata: null,
    sidecarKey: null,
    etag: null,
    versionId: null,
    errors: [],
    warnings: [],
    updatedAt: "2024-05-01T10:00:00.000Z",
    importEntry: null,
    export: { state: "pending" },
    revision: 1,
    sequencers: {},
    ...extra,
  };
}

describe("withTheirGroups", () => {
  it("adds each group and series its members belong to, once, when members are among the records", async () => {
    // Prepare
    const p = createFakePipeline();
    const group = stored("seq/", { dataType: "image_sequence" });
    const series = stored("dicom:2.25.1", { dataType: "dicom_series" });
    for (const record of [group, series]) await p.records.put(record, null);
    const members = [
      stored("seq/f1.png", { groupKey: "seq/", export: { state: "held" } }),
      stored("seq/f2.png", { groupKey: "seq/", export: { state: "held" } }),
      stored("ct/1.dcm", { dataType: "dicom", groupKey: "dicom:2.25.1", export: { state: "held" } }),
    ];
    const single = stored("a.png");

    // Act
    const records = await withTheirGroups(p.deps, [...members, single]);

    // Assert
    expect(records.map((r) => r.key).sort()).toEqual(
      ["a.png", "ct/1.dcm", "dicom:2.25.1", "seq/", "seq/f1.png", "seq/f2.png"].sort(),
    );
  });

  it("reads nothing more when no record is a member, or the group is already among them", async () => {
    const p = createFakePipeline();
    const group = stored("seq/", { dataType: "image_sequence" });
    const member = stored("seq/f1.png", { groupKey: "seq/" });

    const alone = await withTheirGroups(p.deps, [stored("a.png")]);
    const both = await withTheirGroups(p.deps, [group, member]);

    expect(alone.map((r) => r.key)).toEqual(["a.png"]);
    expect(both.map((r) => r.key)).toEqual(["seq/", "seq/f1.png"]);
  });
});
