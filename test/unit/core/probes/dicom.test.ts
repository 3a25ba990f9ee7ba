import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/caching-byte-source";
import { probeDicom } from "../../../../packages/core/src/probes/dicom";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { expectedDicom, probeMediaPath } from "../../../helpers/probe-truth";
import { type Part, spliced } from "../../../helpers/spliced-source";

const FIXTURES = [
  "dicom-series-a-1.dcm",
  "dicom-series-a-2.dcm",
  "dicom-series-a-3.dcm",
  "dicom-series-b-1.dcm",
];

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));
const cached = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));
const probe = (source: ByteSource) => probeDicom(source, DEFAULT_PROBE_SETTINGS);

const LONG_VRS = new Set(["OB", "OW", "SQ", "UN", "UT"]);

/** An Explicit VR Little Endian element header, with its value when it is text. */
function element(tag: string, vr: string, value: string | { length: number }): Uint8Array {
  const text =
    typeof value === "string"
      ? value.padEnd(value.length + (value.length % 2), vr === "UI" ? "\0" : " ")
      : "";
  const length = typeof value === "string" ? text.length : value.length;
  const long = LONG_VRS.has(vr);
  const out = new DataView(new ArrayBuffer((long ? 12 : 8) + text.length));
  out.setUint16(0, Number.parseInt(tag.slice(0, 4), 16), true);
  out.setUint16(2, Number.parseInt(tag.slice(4), 16), true);
  out.setUint8(4, vr.charCodeAt(0));
  out.setUint8(5, vr.charCodeAt(1));
  if (long) out.setUint32(8, length, true);
  else out.setUint16(6, length, true);
  const bytes = new Uint8Array(out.buffer);
  bytes.set(
    Uint8Array.from(text, (c) => c.charCodeAt(0)),
    long ? 12 : 8,
  );
  return bytes;
}

/** A US element (Rows, Columns). */
function us(tag: string, value: number): Uint8Array {
  const bytes = element(tag, "US", { length: 2 });
  return Uint8Array.from([...bytes, value & 0xff, value >> 8]);
}

/** A Part 10 file: preamble, DICM, a meta group naming the transfer syntax, then `parts`. */
function dicomFile(parts: Part[], transferSyntax = "1.2.840.10008.1.2.1"): ByteSource {
  const preamble = Uint8Array.from(
    [...new Uint8Array(128), ..."DICM"].map((c) => (typeof c === "string" ? c.charCodeAt(0) : c)),
  );
  return spliced([preamble, element("00020010", "UI", transferSyntax), ...parts]);
}

const IDENTITY = [
  element("00080018", "UI", "1.2.3.4.5"),
  element("00080060", "CS", "CT"),
  element("0008103e", "LO", "Chest"),
];
const SERIES = [
  element("0020000d", "UI", "1.2.3"),
  element("0020000e", "UI", "1.2.3.4"),
  element("00200013", "IS", "7"),
];
const SIZE = [us("00280010", 512), us("00280011", 256)];
const EXPECTED = {
  media: {
    dicom: {
      sopInstanceUid: "1.2.3.4.5",
      modality: "CT",
      seriesDescription: "Chest",
      studyInstanceUid: "1.2.3",
      seriesInstanceUid: "1.2.3.4",
      instanceNumber: 7,
    },
    width: 256,
    height: 512,
  },
  errors: [],
  warnings: [],
  omitted: [],
};

describe("probeDicom", () => {
  it.each(FIXTURES)("reads the grouping keys and size of %s in one request", async (name) => {
    // Prepare
    const source = cached(fixture(name));
    const expected = expectedDicom(name);

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.media).toEqual({
      dicom: {
        seriesInstanceUid: expected.seriesInstanceUid,
        studyInstanceUid: expected.studyInstanceUid,
        sopInstanceUid: expected.sopInstanceUid,
        instanceNumber: expected.instanceNumber,
        modality: expected.modality,
      },
      width: expected.columns,
      height: expected.rows,
    });
    expect(source.stats.requests).toBe(1);
  });

  it("reads only the first 64 KiB of a file with 1 GB of pixel data", async () => {
    // Prepare
    const source = createCachingByteSource(
      dicomFile([
        ...IDENTITY,
        ...SERIES,
        ...SIZE,
        element("7fe00010", "OW", { length: 1e9 }),
        { zeros: 1e9 },
      ]),
    );

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome).toEqual(EXPECTED);
    expect(source.stats).toEqual({ requests: 1, bytes: 64 * 1024 });
  });

  it("grows its read when a long element comes before the fields", async () => {
    // Prepare: a 200 KB private element between the identity and series groups.
    const big = [element("00091010", "OB", { length: 200_000 }), { zeros: 200_000 }];
    const pixels = [element("7fe00010", "OW", { length: 1e9 }), { zeros: 1e9 }];
    const source = createCachingByteSource(dicomFile([...IDENTITY, ...big, ...SERIES, ...SIZE, ...pixels]));

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome).toEqual(EXPECTED);
    expect(source.stats.requests).toBe(2);
    expect(source.stats.bytes).toBe(256 * 1024);
  });

  it("reads a Deflated Explicit VR Little Endian data set", async () => {
    // Prepare
    const dataSet = Uint8Array.from([...IDENTITY, ...SERIES, ...SIZE].flatMap((part) => [...part]));
    const source = createCachingByteSource(dicomFile([deflateRawSync(dataSet)], "1.2.840.10008.1.2.1.99"));

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome).toEqual(EXPECTED);
  });

  it("stops at the cap with media-unsupported when the header is longer than 4 MiB", async () => {
    // Prepare
    const big = [element("00091010", "OB", { length: 5_000_000 }), { zeros: 5_000_000 }];
    const source = createCachingByteSource(dicomFile([...IDENTITY, ...big, ...SERIES, ...SIZE]));

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors.map((e) => e.code)).toEqual(["media-unsupported"]);
    expect(source.stats.bytes).toBe(4 * 1024 * 1024);
  });

  it("warns with the missing keywords when the header lacks grouping fields", async () => {
    // Prepare
    const partial = dicomFile([element("00080060", "CS", "MR"), us("00280010", 64)]);

    // Act
    const outcome = await probe(partial);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ dicom: { modality: "MR" }, height: 64 });
    expect(outcome.warnings).toEqual([
      {
        code: "dicom-field-missing",
        message: "the header has no SeriesInstanceUID, StudyInstanceUID, SOPInstanceUID, Columns",
      },
    ]);
  });

  it("reports media-truncated when the pixel data runs past the end of the file", async () => {
    // Prepare
    const bytes = fixture("dicom-series-a-1.dcm");

    // Act
    const outcome = await probe(cached(bytes.subarray(0, bytes.length - 100)));

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors.map((e) => e.code)).toEqual(["media-truncated"]);
  });

  it.each([
    ["an empty file", new Uint8Array(0), "media-truncated"],
    ["a header cut short", fixture("dicom-series-a-1.dcm").subarray(0, 400), "media-truncated"],
    ["a PNG named .dcm", fixture("png-40x30.png"), "media-corrupt"],
  ])("reports an error and no fields for %s", async (_, input, code) => {
    // Act
    const outcome = await probe(cached(input));

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors.map((e) => e.code)).toEqual([code]);
  });
});
