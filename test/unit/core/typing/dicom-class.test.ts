import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  isDicomDirectory,
  MEDIA_STORAGE_DIRECTORY,
  mediaStorageSopClass,
} from "../../../../packages/core/src/typing/dicom-class";
import { probeMediaPath } from "../../../helpers/probe-truth";

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));

describe("mediaStorageSopClass", () => {
  it("reads Media Storage Directory Storage from a DICOMDIR made by dcmmkdir", () => {
    expect(mediaStorageSopClass(fixture("skip-dicomdir-series-a"))).toBe(MEDIA_STORAGE_DIRECTORY);
  });

  it("reads Secondary Capture Image Storage from an image", () => {
    expect(mediaStorageSopClass(fixture("dicom-series-a-1.dcm"))).toBe("1.2.840.10008.5.1.4.1.1.7");
  });

  it("returns undefined when the head ends inside the value", () => {
    // After the preamble and DICM: (0002,0000) UL in 12 bytes, (0002,0001) OB in 14, the UI header in 8.
    const valueStart = 132 + 12 + 14 + 8;
    const head = fixture("skip-dicomdir-series-a");

    expect(mediaStorageSopClass(head.subarray(0, valueStart + 20))).toBe(MEDIA_STORAGE_DIRECTORY);
    expect(mediaStorageSopClass(head.subarray(0, valueStart + 5))).toBeUndefined();
  });

  it.each([
    ["a raw data set", "dicom-raw-series-c-1.dcm"],
    ["a PNG", "png-40x30.png"],
  ])("returns undefined for %s, which has no meta header", (_, name) => {
    expect(mediaStorageSopClass(fixture(name))).toBeUndefined();
  });
});

describe("isDicomDirectory", () => {
  it("tells a DICOMDIR from the images it indexes", () => {
    expect(isDicomDirectory(fixture("skip-dicomdir-series-a"))).toBe(true);
    expect(isDicomDirectory(fixture("dicom-series-a-1.dcm"))).toBe(false);
    expect(isDicomDirectory(fixture("dicom-series-b-1.dcm"))).toBe(false);
  });
});
