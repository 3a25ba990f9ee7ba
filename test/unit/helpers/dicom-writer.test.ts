import { readFileSync } from "node:fs";
import dicomParser from "dicom-parser";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../packages/core/src/bytes/byte-source";
import { probeMedia } from "../../../packages/core/src/probes/probe-media";
import { DEFAULT_PROBE_SETTINGS } from "../../../packages/core/src/probes/probe-types";
import { dicomFile } from "../../helpers/dicom-writer";
import { probeMediaPath } from "../../helpers/probe-truth";

const probe = (bytes: Uint8Array) =>
  probeMedia(
    createMemoryByteSource(bytes),
    { dataType: "dicom", mimeType: "application/dicom" },
    DEFAULT_PROBE_SETTINGS,
  );

const BASE = {
  studyUid: "2.25.100",
  seriesUid: "2.25.100.2",
  sopInstanceUid: "2.25.100.2.17",
  instanceNumber: 17,
};

describe("dicomFile", () => {
  it("gives the probe the UIDs, instance number, description and size when all are given", async () => {
    // Prepare
    const bytes = dicomFile({ ...BASE, seriesDescription: "Axial T1", rows: 3, columns: 5, modality: "MR" });

    // Act
    const outcome = await probe(bytes);

    // Assert
    expect(outcome).toEqual({
      media: {
        dicom: {
          seriesInstanceUid: "2.25.100.2",
          studyInstanceUid: "2.25.100",
          sopInstanceUid: "2.25.100.2.17",
          modality: "MR",
          seriesDescription: "Axial T1",
          instanceNumber: 17,
        },
        width: 5,
        height: 3,
      },
      errors: [],
      warnings: [],
      omitted: [],
    });
  });

  it("measures like the real fixture when only the required options are given", async () => {
    // Prepare
    const fixture = new Uint8Array(readFileSync(probeMediaPath("dicom-series-a-1.dcm")));

    // Act
    const generated = await probe(dicomFile(BASE));
    const real = await probe(fixture);

    // Assert: the same fields, no description, and a 4 × 4 image.
    expect(Object.keys(generated.media.dicom ?? {}).sort()).toEqual(
      Object.keys(real.media.dicom ?? {}).sort(),
    );
    expect(generated.media).toMatchObject({ width: 4, height: 4, dicom: { modality: "OT" } });
    expect(generated.warnings).toEqual(real.warnings);
    expect(generated.errors).toEqual([]);
  });

  it("writes a meta group length that ends exactly where the data set begins when padding is needed", () => {
    // Prepare: odd-length UIDs and text force a pad byte in both groups.
    const bytes = dicomFile({ ...BASE, sopInstanceUid: "2.25.100.2.1", seriesDescription: "odd" });

    // Act
    const parsed = dicomParser.parseDicom(bytes);

    // Assert: the group length counts the bytes after its own 12-byte element at offset 132.
    const firstDataElement = parsed.elements.x00080016;
    expect(firstDataElement).toBeDefined();
    expect((firstDataElement?.dataOffset ?? 0) - 8).toBe(144 + (parsed.uint32("x00020000") ?? -1));
    expect(parsed.string("x00020010")).toBe("1.2.840.10008.1.2.1");
    expect(parsed.string("x00020003")).toBe("2.25.100.2.1");
    expect(bytes.byteLength % 2).toBe(0);
  });

  it("writes rows × columns bytes of pixel data, padded to even, when the size is odd", () => {
    // Act
    const parsed = dicomParser.parseDicom(dicomFile({ ...BASE, rows: 3, columns: 3 }));

    // Assert
    expect(parsed.elements.x7fe00010?.length).toBe(10);
    expect(parsed.elements.x7fe00010?.vr).toBe("OB");
  });

  it.each([
    ["zero rows", { rows: 0 }],
    ["fractional columns", { columns: 2.5 }],
    ["a UID with letters", { seriesUid: "1.2.abc" }],
  ])("throws a RangeError when given %s", (_, bad) => {
    expect(() => dicomFile({ ...BASE, ...bad })).toThrow(RangeError);
  });
});
