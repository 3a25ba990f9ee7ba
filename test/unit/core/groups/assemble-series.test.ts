import { describe, expect, it } from "vitest";
import { assembleDicomSeries } from "../../../../packages/core/src/groups/assemble-series";
import { ImportFileSchema } from "../../../../packages/core/src/imports/format";
import type { MediaMetadata } from "../../../../packages/core/src/records/media-metadata";
import type { SluiceRecord } from "../../../../packages/core/src/records/record";

const URL = "https://b.s3.eu-west-1.amazonaws.com/";

function dicom(key: string, tags: MediaMetadata["dicom"], overrides: Partial<SluiceRecord> = {}) {
  const record: SluiceRecord = {
    bucket: "b",
    key,
    objectUrl: `${URL}${key}`,
    dataType: "dicom",
    status: "ready",
    title: key,
    clientMetadata: { own: 1 },
    provenance: { own: `${key}.metadata.json` },
    mediaMetadata: { fileSize: 100, dicom: tags },
    sidecarKey: null,
    etag: null,
    versionId: null,
    errors: [],
    warnings: [],
    updatedAt: "2026-01-01T00:00:00.000Z",
    importEntry: null,
    export: { state: "pending" },
    ...overrides,
  };
  return { key, record };
}

const defaultsFor = (folder: string) => ({
  clientMetadata: { folder },
  provenance: { folder: `${folder}_defaults.json` },
});

describe("assembleDicomSeries", () => {
  it("splits files into one series per SeriesInstanceUID ordered by InstanceNumber", () => {
    const files = [
      dicom("ct/c.dcm", { seriesInstanceUid: "1.2.A", studyInstanceUid: "S1", instanceNumber: 3 }),
      dicom("ct/b.dcm", { seriesInstanceUid: "1.2.B", studyInstanceUid: "S2", instanceNumber: 1 }),
      dicom("ct/a.dcm", { seriesInstanceUid: "1.2.A", studyInstanceUid: "S1", instanceNumber: 10 }),
      dicom("ct/d.dcm", { seriesInstanceUid: "1.2.A", studyInstanceUid: "S1", instanceNumber: 2 }),
    ];

    const series = assembleDicomSeries(files, { defaultsFor });

    expect(series.map((s) => [s.seriesInstanceUid, s.memberKeys])).toEqual([
      ["1.2.A", ["ct/d.dcm", "ct/c.dcm", "ct/a.dcm"]],
      ["1.2.B", ["ct/b.dcm"]],
    ]);
    expect(series[0]?.entry).toEqual({
      title: "ct/1.2.A",
      objectUrl_0: `${URL}ct/d.dcm`,
      objectUrl_1: `${URL}ct/c.dcm`,
      objectUrl_2: `${URL}ct/a.dcm`,
      clientMetadata: { folder: "ct/" },
    });
    expect(ImportFileSchema.safeParse({ dicom_series: series.map((s) => s.entry) }).success).toBe(true);
  });

  it("titles a series with its folder and SeriesDescription when it has one", () => {
    const files = [dicom("mr/x", { seriesInstanceUid: "9.9", seriesDescription: "T1 AX" })];

    const [series] = assembleDicomSeries(files, { defaultsFor });

    expect(series?.title).toBe("mr/T1 AX");
    expect(series?.provenance).toEqual({ folder: "mr/_defaults.json" });
  });

  it("orders files without an InstanceNumber last, then by key", () => {
    const files = [
      dicom("s/z", { seriesInstanceUid: "U" }),
      dicom("s/y", { seriesInstanceUid: "U" }),
      dicom("s/x", { seriesInstanceUid: "U", instanceNumber: 5 }),
    ];

    const [series] = assembleDicomSeries(files, { defaultsFor });

    expect(series?.memberKeys).toEqual(["s/x", "s/y", "s/z"]);
  });

  it("makes a file without a SeriesInstanceUID its own series with a warning and its own metadata", () => {
    const [series] = assembleDicomSeries([dicom("s/lone.dcm", {})], { defaultsFor });

    expect(series).toMatchObject({ seriesInstanceUid: null, status: "ready", memberKeys: ["s/lone.dcm"] });
    expect(series?.warnings.map((w) => w.code)).toEqual(["dicom-no-series-uid"]);
    expect(series?.entry).toEqual({
      title: "s/lone.dcm",
      objectUrl_0: `${URL}s/lone.dcm`,
      clientMetadata: { own: 1 },
    });
  });

  it("is invalid naming the member when a member is invalid", () => {
    const files = [
      dicom("s/a", { seriesInstanceUid: "U", instanceNumber: 1 }),
      dicom("s/b", { seriesInstanceUid: "U", instanceNumber: 2 }, { status: "invalid" }),
    ];

    const [series] = assembleDicomSeries(files, { defaultsFor });

    expect(series).toMatchObject({ status: "invalid", entry: null });
    expect(series?.errors[0]?.message).toContain("s/b");
  });

  it("is invalid with dicom-study-mismatch when one series spans two studies", () => {
    const files = [
      dicom("s/a", { seriesInstanceUid: "U", studyInstanceUid: "S1" }),
      dicom("s/b", { seriesInstanceUid: "U", studyInstanceUid: "S2" }),
    ];

    const [series] = assembleDicomSeries(files, { defaultsFor });

    expect(series?.errors.map((e) => e.code)).toEqual(["dicom-study-mismatch"]);
  });
});
