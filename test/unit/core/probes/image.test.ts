import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probeImage } from "../../../../packages/core/src/probes/image";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { expectedImage, probeMediaPath } from "../../../helpers/probe-truth";
import { type Part, spliced } from "../../../helpers/spliced-source";

const FIXTURES = [
  "jpeg-40x30.jpg",
  "jpeg-exif-orientation-6.jpg",
  "png-40x30.png",
  "webp-40x30.webp",
  "tiff-40x30.tiff",
  "gif-40x30.gif",
  "bmp-40x30.bmp",
  "avif-40x30.avif",
  "heic-40x30.heic",
];

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));
const cached = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));
const probe = (source: ByteSource) => probeImage(source, DEFAULT_PROBE_SETTINGS);

/** A TIFF whose only IFD (width, height, orientation) sits after `padding` bytes of strip data. */
function tiffWithIfdAtEnd(order: "II" | "MM", padding: number, orientation: number): ByteSource {
  const little = order === "II";
  const header = new DataView(new ArrayBuffer(8));
  header.setUint16(0, little ? 0x4949 : 0x4d4d);
  header.setUint16(2, 42, little);
  header.setUint32(4, 8 + padding, little);
  const ifd = new DataView(new ArrayBuffer(2 + 3 * 12 + 4));
  ifd.setUint16(0, 3, little);
  const entries: [number, number, number][] = [
    [256, 3, 40],
    [257, 4, 30],
    [274, 3, orientation],
  ];
  entries.forEach(([tag, type, value], i) => {
    const at = 2 + i * 12;
    ifd.setUint16(at, tag, little);
    ifd.setUint16(at + 2, type, little);
    ifd.setUint32(at + 4, 1, little);
    if (type === 3) ifd.setUint16(at + 8, value, little);
    else ifd.setUint32(at + 8, value, little);
  });
  return spliced([new Uint8Array(header.buffer), { zeros: padding }, new Uint8Array(ifd.buffer)]);
}

/** An ISO BMFF box: size, type, payload. */
function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(
    Uint8Array.from(type, (c) => c.charCodeAt(0)),
    4,
  );
  let at = 8;
  for (const p of payload) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const u32s = (...values: number[]) => {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (const [i, v] of values.entries()) view.setUint32(i * 4, v);
  return new Uint8Array(view.buffer);
};
const bytes = (...values: number[]) => Uint8Array.from(values);

/**
 * A HEIC whose primary item 1 has a 64×48 `ispe` plus `extra` properties, and whose item 2 (a
 * thumbnail) has a larger `ispe` that a reader taking the largest size would wrongly report.
 */
function heif(extra: Uint8Array[]): Uint8Array {
  const ispe = (w: number, h: number) => box("ispe", u32s(0, w, h));
  const properties = [ispe(64, 48), ...extra, ispe(128, 128)];
  const primary = properties.slice(0, -1).map((_, i) => 0x80 | (i + 1));
  const ipma = box(
    "ipma",
    u32s(0, 2),
    bytes(0, 1, primary.length, ...primary),
    bytes(0, 2, 1, properties.length),
  );
  const meta = box(
    "meta",
    u32s(0),
    box("pitm", u32s(0), bytes(0, 1)),
    box("iprp", box("ipco", ...properties), ipma),
  );
  const ftyp = box(
    "ftyp",
    Uint8Array.from("heic\0\0\0\0mif1heic", (c) => c.charCodeAt(0)),
  );
  return Uint8Array.from([...ftyp, ...meta]);
}

describe("probeImage", () => {
  it.each(FIXTURES)("measures the displayed size of %s in one request", async (name) => {
    // Prepare
    const source = cached(fixture(name));

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual(expectedImage(name));
    expect(source.stats.requests).toBe(1);
  });

  it("measures a PNG by its bytes when its name says MP4", async () => {
    // Act
    const outcome = await probe(cached(fixture("broken-png-named.mp4")));

    // Assert
    expect(outcome.media).toEqual(expectedImage("png-40x30.png"));
  });

  it("reports media-truncated and no size when a JPEG is cut before its frame header", async () => {
    // Act
    const outcome = await probe(cached(fixture("broken-truncated.jpg")));

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors.map((e) => e.code)).toEqual(["media-truncated"]);
  });

  it.each([
    ["an empty file", new Uint8Array(0), "media-truncated"],
    ["WAV bytes", fixture("broken-truncated-header.wav"), "media-corrupt"],
    ["a PNG cut inside its header", fixture("png-40x30.png").subarray(0, 20), "media-truncated"],
  ])("reports an error and no size for %s", async (_, input, code) => {
    // Act
    const outcome = await probe(cached(input));

    // Assert
    expect(outcome.media).toEqual({});
    expect(outcome.errors.map((e) => e.code)).toEqual([code]);
  });

  it("skips 3 MiB of APP segments by their headers when the frame header comes after them", async () => {
    // Prepare: 48 maximal APP2 segments (as ICC profiles are split) between SOI and the EXIF fixture's own.
    const jpeg = fixture("jpeg-exif-orientation-6.jpg");
    const app2: Part[] = Array.from({ length: 48 }, () => [
      bytes(0xff, 0xe2, 0xff, 0xff),
      { zeros: 0xfffd },
    ]).flat();
    const source = createCachingByteSource(spliced([jpeg.subarray(0, 2), ...app2, jpeg.subarray(2)]));

    // Act
    const outcome = await probe(source);

    // Assert
    expect(outcome.media).toEqual(expectedImage("jpeg-exif-orientation-6.jpg"));
    expect(source.size).toBeGreaterThan(3 * 1024 * 1024);
    expect(source.stats.bytes).toBeLessThan(source.size / 3);
  });

  it.each(["II", "MM"] as const)(
    "reads a %s TIFF's first IFD at its offset after 100 MB of strips",
    async (order) => {
      // Prepare: orientation 8 (LeftBottom) turns the 40×30 picture a quarter.
      const source = createCachingByteSource(tiffWithIfdAtEnd(order, 100_000_000, 8));

      // Act
      const outcome = await probe(source);

      // Assert
      expect(outcome.media).toEqual({ width: 30, height: 40 });
      expect(source.stats.requests).toBe(2);
      expect(source.stats.bytes).toBeLessThanOrEqual(32 * 1024);
    },
  );

  it("reports media-truncated when a TIFF's IFD offset lies past the end of the file", async () => {
    // Prepare
    const whole = fixture("tiff-40x30.tiff");
    const header = whole.subarray(0, 8);

    // Act
    const outcome = await probe(cached(header));

    // Assert
    expect(outcome.errors.map((e) => e.code)).toEqual(["media-truncated"]);
  });

  it.each([
    ["no transformation", [], { width: 64, height: 48 }],
    ["irot of 90°", [box("irot", bytes(1))], { width: 48, height: 64 }],
    ["irot of 180°", [box("irot", bytes(2))], { width: 64, height: 48 }],
    [
      "a 50×40 clap and irot of 270°",
      [box("clap", u32s(50, 1, 40, 1, 0, 1, 0, 1)), box("irot", bytes(3))],
      { width: 40, height: 50 },
    ],
  ])("reports the primary HEIF item's displayed size with %s", async (_, extra, expected) => {
    // Act
    const outcome = await probe(cached(heif(extra)));

    // Assert
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual(expected);
  });
});
