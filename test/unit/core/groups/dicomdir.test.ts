import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import type { ObjectReader } from "../../../../packages/core/src/bytes/opened-object";
import { ImportFileSchema } from "../../../../packages/core/src/imports/format";
import { DEFAULT_IMPORT_LIMITS } from "../../../../packages/core/src/imports/split";
import { scanListing } from "../../../../packages/core/src/scan/scan-listing";
import { probeMediaPath } from "../../../helpers/probe-truth";

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));
const URL_BASE = "https://b.s3.eu-west-1.amazonaws.com/";

/** Series a as a DICOM file set holds it: IM1..IM3, the names the DICOMDIR fixture lists. */
const SERIES_A = {
  "study/IM1": fixture("dicom-series-a-1.dcm"),
  "study/IM2": fixture("dicom-series-a-2.dcm"),
  "study/IM3": fixture("dicom-series-a-3.dcm"),
};

function scan(objects: Record<string, Uint8Array>) {
  const reader: ObjectReader = {
    async open(key) {
      const object = objects[key];
      if (object === undefined) throw new Error(`no such key ${key}`);
      return createMemoryByteSource(object);
    },
  };
  return scanListing({
    bucket: "b",
    keys: Object.keys(objects),
    reader,
    objectUrlOf: (key) => `${URL_BASE}${key}`,
    suffixes: [".metadata.json"],
    schema: null,
    emitTextPdfMetadata: false,
    limits: DEFAULT_IMPORT_LIMITS,
    now: () => "2026-01-01T00:00:00.000Z",
  });
}

describe("scanListing", () => {
  it("skips a DICOMDIR with a note and exports its series exactly as without it", async () => {
    // Prepare
    const without = await scan(SERIES_A);

    // Act
    const result = await scan({ "study/DICOMDIR": fixture("skip-dicomdir-series-a"), ...SERIES_A });

    // Assert
    const file = ImportFileSchema.parse(result.files[0]?.file);
    expect(result.files.length).toBe(1);
    expect(file.dicom_series).toEqual([
      {
        title: "study/2.25.314159265358979323846.1.1",
        objectUrl_0: `${URL_BASE}study/IM1`,
        objectUrl_1: `${URL_BASE}study/IM2`,
        objectUrl_2: `${URL_BASE}study/IM3`,
      },
    ]);
    expect(result.files).toEqual(without.files);
    const directory = result.records.find((r) => r.key === "study/DICOMDIR");
    expect(directory).toMatchObject({
      status: "skipped",
      dataType: null,
      importEntry: null,
      export: { state: "held" },
    });
    expect(directory?.groupKey).toBeUndefined();
    expect(directory?.errors.map((e) => e.code)).toEqual(["dicom-directory"]);
    expect(result.leftOut).toEqual([
      {
        key: "study/DICOMDIR",
        status: "skipped",
        reason: expect.stringMatching(/^dicom-directory: a DICOMDIR/),
      },
    ]);
    expect(result.records.filter((r) => r.dataType === "dicom_series").map((r) => r.key)).toEqual([
      "dicom:2.25.314159265358979323846.1.1",
    ]);
  });

  it("exports a raw data set as a series when its key has no extension, typed by its content", async () => {
    // Act
    const result = await scan({ "legacy/IM0001": fixture("dicom-raw-series-c-1.dcm") });

    // Assert
    const file = ImportFileSchema.parse(result.files[0]?.file);
    expect(result.leftOut).toEqual([]);
    expect(file.dicom_series).toEqual([
      { title: "legacy/2.25.314159265358979323846.1.3", objectUrl_0: `${URL_BASE}legacy/IM0001` },
    ]);
  });
});
