import { describe, expect, it } from "vitest";
import { listingSource, matchesFilter } from "../../../../packages/core/src/index";

describe("listingSource", () => {
  it("reads groups for a group type, the status index for a status other than ready, the bucket otherwise", () => {
    expect(listingSource({ prefix: "", type: "image_sequence", status: "deleted" })).toBe("groups");
    expect(listingSource({ prefix: "", type: "dicom_series" })).toBe("groups");
    expect(listingSource({ prefix: "", status: "deleted", type: "video" })).toBe("status");
    expect(listingSource({ prefix: "", status: "incomplete" })).toBe("status");
    expect(listingSource({ prefix: "", status: "ready", type: "video" })).toBe("objects");
    expect(listingSource({ prefix: "" })).toBe("objects");
  });
});

describe("matchesFilter", () => {
  it("places a DICOM series in its folder by its title, and anything else by its key", () => {
    const series = {
      key: "dicom:2.25.1",
      title: "scans/axial",
      dataType: "dicom_series" as const,
      status: "ready" as const,
    };
    const group = {
      key: "seq/",
      title: "scans/my title",
      dataType: "image_group" as const,
      status: "ready" as const,
    };

    expect(matchesFilter(series, { prefix: "scans/" })).toBe(true);
    expect(matchesFilter(series, { prefix: "dicom:" })).toBe(false);
    expect(matchesFilter(group, { prefix: "scans/" })).toBe(false);
    expect(matchesFilter(group, { prefix: "seq/", status: "ready", type: "image_group" })).toBe(true);
    expect(matchesFilter(group, { prefix: "seq/", status: "incomplete" })).toBe(false);
  });
});
