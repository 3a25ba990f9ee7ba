import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probeDicom } from "../../../../packages/core/src/probes/dicom";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { deflatedDicomBomb } from "../../../helpers/hostile-inputs";
import { expectedDicom, probeMediaPath } from "../../../helpers/probe-truth";
import { type Part, spliced } from "../../../helpers/spliced-source";

const FIXTURES = [
  "dicom-series-a-1.dcm",
  "dicom-series-a-2.dcm",
  "dicom-series-a-3.dcm",
  "dicom-series-b-1.dcm",
  "dicom-raw-series-c-1.dcm",
];

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));
const cached = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));
const probe = (source: ByteSource) => probeDicom(source, DEFAULT_PROBE_SETTINGS);

const LONG_VRS = new Set(["OB", "OW", "SQ", "UN", "UT"]);

/** Every byte of a source. */
const dicomBytes = (source: ByteSource) => source.read(0, source.size);

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

/** An Implicit VR Little Endian element: tag, 4-byte length, then the value (text padded to even length). */
function implicit(tag: string, value: string | number[]): Uint8Array {
  const bytes =
    typeof value === "string" ? [...value.padEnd(value.length + (value.length % 2), "\0")] : value;
  const out = new DataView(new ArrayBuffer(8 + bytes.length));
  out.setUint16(0, Number.parseInt(tag.slice(0, 4), 16), true);
  out.setUint16(2, Number.parseInt(tag.slice(4), 16), true);
  out.setUint32(4, bytes.length, true);
  const element = new Uint8Array(out.buffer);
  element.set(
    bytes.map((b) => (typeof b === "string" ? b.charCodeAt(0) : b)),
    8,
  );
  return element;
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

  it.each(["dicom-series-a-1.dcm", "dicom-series-b-1.dcm"])(
    "reads %s without its preamble and DICM prefix (meta header from byte 0), as dcmdump does",
    async (name) => {
      const whole = new Uint8Array(readFileSync(probeMediaPath(name)));
      const intact = await probeDicom(createMemoryByteSource(whole), DEFAULT_PROBE_SETTINGS);

      const outcome = await probeDicom(createMemoryByteSource(whole.subarray(132)), DEFAULT_PROBE_SETTINGS);

      expect(outcome.errors).toEqual([]);
      expect(outcome.media).toEqual(intact.media);
    },
  );

  it("reports a truncation for a bare meta header whose pixel data is cut", async () => {
    const whole = new Uint8Array(readFileSync(probeMediaPath("dicom-series-a-1.dcm")));

    const outcome = await probeDicom(
      createMemoryByteSource(whole.subarray(132, whole.byteLength - 10)),
      DEFAULT_PROBE_SETTINGS,
    );

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-truncated"]);
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

  it("keeps the fields read and warns, without an error, when the header is longer than its 4 MiB budget", async () => {
    // Prepare
    const big = [element("00091010", "OB", { length: 5_000_000 }), { zeros: 5_000_000 }];
    const source = createCachingByteSource(dicomFile([...IDENTITY, ...big, ...SERIES, ...SIZE]));

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({
      dicom: { sopInstanceUid: "1.2.3.4.5", modality: "CT", seriesDescription: "Chest" },
    });
    expect(outcome.warnings.map((w) => w.code)).toEqual(["dicom-header-over-budget", "dicom-field-missing"]);
    expect(outcome.warnings[0]?.message).toContain("is longer than 4194304 bytes");
    expect(source.stats.bytes).toBe(4 * 1024 * 1024);
  });

  it("inflates at most its 4 MiB budget of a deflate bomb and keeps the fields before the bulk (issue 14)", async () => {
    // Prepare: 1.2 MB that inflate to 1.2 GB before the series and size fields.
    const bomb = deflatedDicomBomb(1_200_000_000, "before-fields");
    const heapBefore = process.memoryUsage().arrayBuffers;

    // Act
    const started = performance.now();
    const outcome = await probe(cached(bomb));
    const elapsed = performance.now() - started;

    // Assert: typed and not invalid; what lies past the budget is left unmeasured with a reason.
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ dicom: { sopInstanceUid: "2.25.14.1", modality: "OT" } });
    expect(outcome.warnings.map((w) => w.code)).toEqual(["dicom-header-over-budget", "dicom-field-missing"]);
    expect(outcome.warnings[0]?.message).toContain("inflates to more than 4194304 bytes");
    expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(200 * 1024 * 1024);
    expect(elapsed).toBeLessThan(5_000);
  });

  it("measures every field of a deflate bomb whose bulk is its pixel data, stopping at the budget", async () => {
    // Prepare
    const bomb = deflatedDicomBomb(1_200_000_000, "pixel-data");

    // Act
    const outcome = await probe(cached(bomb));

    // Assert
    expect(outcome).toEqual({
      media: {
        dicom: {
          seriesInstanceUid: "2.25.14.9",
          studyInstanceUid: "2.25.14",
          sopInstanceUid: "2.25.14.1",
          modality: "OT",
          instanceNumber: 1,
        },
        width: 4096,
        height: 4096,
      },
      errors: [],
      warnings: [],
      omitted: [],
    });
  });

  it("reports media-corrupt when the deflated data set breaks off before its fields", async () => {
    // Prepare: a stored block whose length check fails (LEN 5, NLEN not its complement) where the data set starts.
    const broken = Uint8Array.from([0x00, 0x05, 0x00, 0x05, 0x00, ...new Array<number>(16).fill(0x41)]);
    const source = cached(await dicomBytes(dicomFile([broken], "1.2.840.10008.1.2.1.99")));

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors.map((e) => e.code)).toEqual(["media-corrupt"]);
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

  it("reads a raw data set of group 0008 elements in Implicit VR Little Endian with 1 GB of pixel data in one read", async () => {
    // Prepare
    const uid = (tag: string, value: string) => implicit(tag, value);
    const source = createCachingByteSource(
      spliced([
        uid("00080016", "1.2.840.10008.5.1.4.1.1.7"),
        uid("00080018", "1.2.3.4.5"),
        implicit("00080060", "CT"),
        implicit("0008103e", "Chest"),
        uid("0020000d", "1.2.3"),
        uid("0020000e", "1.2.3.4"),
        implicit("00200013", "7 "),
        implicit("00280010", [0x00, 0x02]),
        implicit("00280011", [0x00, 0x01]),
        Uint8Array.from([0xe0, 0x7f, 0x10, 0x00, 0x00, 0xca, 0x9a, 0x3b]),
        { zeros: 1e9 },
      ]),
    );

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome).toEqual(EXPECTED);
    expect(source.stats).toEqual({ requests: 1, bytes: 64 * 1024 });
  });

  it("keeps the clear error when bytes open with group 0008 but are not well-formed elements", async () => {
    // Prepare: (0008,0016) then (0008,0005), a tag out of order, as random bytes would give.
    const source = cached(
      Uint8Array.from([
        ...implicit("00080016", "1.2.3.4"),
        ...implicit("00080005", "ISO_IR 100"),
        ...new Array(200).fill(7),
      ]),
    );

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors).toEqual([
      {
        code: "media-corrupt",
        message:
          "DICOM: not a DICOM Part 10 file: no DICM prefix at byte 128, nor a raw data set (group 0008 elements in Implicit VR Little Endian from byte 0)",
      },
    ]);
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
