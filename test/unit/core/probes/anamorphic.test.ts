import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { videoMetadataBlock } from "../../../../packages/core/src/imports/media-blocks";
import {
  turned,
  withDisplayAspect,
  withPixelAspect,
} from "../../../../packages/core/src/probes/display-size";
import { probeMatroska } from "../../../../packages/core/src/probes/matroska";
import type { MatroskaVideo } from "../../../../packages/core/src/probes/matroska-display";
import { matroskaDisplaySize } from "../../../../packages/core/src/probes/matroska-display";
import { probeMp4 } from "../../../../packages/core/src/probes/mp4";
import { DEFAULT_PROBE_SETTINGS, type MediaProbe } from "../../../../packages/core/src/probes/probe-types";
import { expectedVideo, probeMediaPath } from "../../../helpers/probe-truth";

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));

async function probe(bytes: Uint8Array, measure: MediaProbe = probeMp4) {
  const source = createCachingByteSource(createMemoryByteSource(bytes));
  const outcome = await measure(source, DEFAULT_PROBE_SETTINGS);
  return { outcome, stats: source.stats };
}

/** Where the first occurrence of a four-character box type starts its type field. */
function typeAt(bytes: Uint8Array, type: string): number {
  const tag = [...type].map((c) => c.charCodeAt(0));
  const at = bytes.findIndex((_, i) => tag.every((b, j) => bytes[i + j] === b));
  if (at < 0) throw new Error(`no ${type} box`);
  return at;
}

/** A copy of `bytes` with 32-bit big-endian values written at offsets after a box's type. */
function patched(bytes: Uint8Array, type: string, values: [number, number][]): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  const at = typeAt(copy, type);
  for (const [offset, value] of values) view.setUint32(at + offset, value);
  return copy;
}

// A version 0 tkhd body puts the 16.16 width 76 bytes after its start (type + 4), the height 80.
const tkhdSize = (width: number, height: number): [number, number][] => [
  [80, width * 65536],
  [84, height * 65536],
];
const paspSpacing = (h: number, v: number): [number, number][] => [
  [4, h],
  [8, v],
];

const ANAMORPHIC = [
  "h264-sar-4x3.mp4",
  "h264-sar-3x4.mp4",
  "h264-sar-4x3-rotated-90.mp4",
  "vp9-sar-4x3.webm",
];

describe("probeMp4", () => {
  it.each(ANAMORPHIC.filter((name) => name.endsWith(".mp4")))(
    "reports %s at the size browsers display it and keeps the coded size",
    async (name) => {
      const expected = expectedVideo(name);

      const { outcome, stats } = await probe(fixture(name));

      expect(outcome.errors).toEqual([]);
      expect(outcome.omitted).toEqual([]);
      expect(outcome.media).toMatchObject({
        width: expected.width,
        height: expected.height,
        codedWidth: expected.codedWidth,
        codedHeight: expected.codedHeight,
      });
      // Files this small are read whole in one 16 KiB read-ahead.
      expect(stats.requests).toBe(1);
    },
  );

  it("widens 48x48 with 4:3 pixels to 64x48 and heightens it with 3:4 pixels to 48x64", async () => {
    const wide = await probe(fixture("h264-sar-4x3.mp4"));
    const narrow = await probe(fixture("h264-sar-3x4.mp4"));
    const turnedWide = await probe(fixture("h264-sar-4x3-rotated-90.mp4"));

    expect(wide.outcome.media).toMatchObject({ width: 64, height: 48 });
    expect(narrow.outcome.media).toMatchObject({ width: 48, height: 64 });
    expect(turnedWide.outcome.media).toMatchObject({ width: 48, height: 64, rotation: 90 });
  });

  it("follows the pasp when the tkhd keeps the coded size, as QuickTime writers do", async () => {
    const bytes = patched(fixture("h264-sar-4x3.mp4"), "tkhd", tkhdSize(48, 48));

    const { outcome } = await probe(bytes);

    expect(outcome.media).toMatchObject({ width: 64, height: 48, codedWidth: 48, codedHeight: 48 });
  });

  it("takes the shape from the tkhd presentation size when the pasp says 1:1", async () => {
    const bytes = patched(fixture("h264-sar-4x3.mp4"), "pasp", paspSpacing(1, 1));

    const { outcome } = await probe(bytes);

    expect(outcome.media).toMatchObject({ width: 64, height: 48, codedWidth: 48, codedHeight: 48 });
  });

  it("reports the coded size and no coded fields when neither pasp nor tkhd changes the shape", async () => {
    const square = patched(fixture("h264-sar-4x3.mp4"), "pasp", paspSpacing(1, 1));
    const bytes = patched(square, "tkhd", tkhdSize(48, 48));

    const { outcome } = await probe(bytes);

    expect(outcome.media).toMatchObject({ width: 48, height: 48 });
    expect(outcome.media.codedWidth).toBeUndefined();
  });

  it("omits the video block with a reason but no error when the sample entry's boxes do not parse", async () => {
    const bytes = patched(fixture("h264-sar-4x3.mp4"), "avcC", [[-4, 0x7fffffff]]);

    const { outcome } = await probe(bytes);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media.width).toBeUndefined();
    expect(outcome.media).toMatchObject({ codedWidth: 48, codedHeight: 48, fps: 10 });
    expect(outcome.omitted).toEqual([{ block: "videoMetadata", reason: expect.stringContaining("pasp") }]);
  });
});

describe("probeMatroska", () => {
  it("reports vp9-sar-4x3.webm at its DisplayWidth and keeps the PixelWidth", async () => {
    const expected = expectedVideo("vp9-sar-4x3.webm");

    const { outcome } = await probe(fixture("vp9-sar-4x3.webm"), probeMatroska);

    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([]);
    expect(outcome.media).toMatchObject({
      width: expected.width,
      height: expected.height,
      codedWidth: expected.codedWidth,
      codedHeight: expected.codedHeight,
    });
    expect([outcome.media.width, outcome.media.height]).toEqual([64, 48]);
  });
});

const video = (fields: Partial<MatroskaVideo>): MatroskaVideo => ({
  pixelWidth: 720,
  pixelHeight: 480,
  displayUnit: 0,
  crop: { top: 0, bottom: 0, left: 0, right: 0 },
  ...fields,
});

describe("matroskaDisplaySize", () => {
  it("applies DisplayWidth and DisplayHeight when they are in pixels", () => {
    const shown = matroskaDisplaySize(video({ displayWidth: 960, displayHeight: 480 }));

    expect(shown).toEqual({
      size: { width: 960, height: 480, codedWidth: 720, codedHeight: 480 },
      reason: undefined,
    });
  });

  it("reports the frame size alone when no Display element is stored", () => {
    expect(matroskaDisplaySize(video({}))).toEqual({ size: { width: 720, height: 480 }, reason: undefined });
  });

  it("grows one side to the ratio when the DisplayUnit is an aspect ratio or a length", () => {
    const ratio = matroskaDisplaySize(video({ displayUnit: 3, displayWidth: 16, displayHeight: 9 }));
    const inches = matroskaDisplaySize(video({ displayUnit: 2, displayWidth: 4, displayHeight: 3 }));

    expect(ratio.size).toMatchObject({ width: 853, height: 480 });
    expect(inches.size).toMatchObject({ width: 720, height: 540 });
  });

  it("omits the size with a reason when a ratio unit stores no Display elements", () => {
    const shown = matroskaDisplaySize(video({ displayUnit: 3 }));

    expect(shown.size).toEqual({ codedWidth: 720, codedHeight: 480 });
    expect(shown.reason).toMatch(/display aspect ratio but it stores no DisplayWidth/);
  });

  it("omits the size with a reason when an unknown DisplayUnit states another shape", () => {
    const other = matroskaDisplaySize(video({ displayUnit: 4, displayWidth: 16, displayHeight: 9 }));
    const same = matroskaDisplaySize(video({ displayUnit: 4, displayWidth: 360, displayHeight: 240 }));

    expect(other.size.width).toBeUndefined();
    expect(other.reason).toMatch(/DisplayUnit 4/);
    expect(same).toEqual({ size: { width: 720, height: 480 }, reason: undefined });
  });

  it("crops the frame before applying the display shape when PixelCrop elements are stored", () => {
    const shown = matroskaDisplaySize(video({ crop: { top: 0, bottom: 0, left: 8, right: 8 } }));

    expect(shown.size).toEqual({ width: 704, height: 480, codedWidth: 720, codedHeight: 480 });
  });

  it("omits the size with a reason when the crop leaves no picture", () => {
    const shown = matroskaDisplaySize(video({ crop: { top: 240, bottom: 240, left: 0, right: 0 } }));

    expect(shown.reason).toMatch(/crop/);
  });
});

describe("withPixelAspect", () => {
  it("widens wide pixels and heightens narrow ones when the sample aspect ratio is not 1:1", () => {
    const ntsc = { width: 720, height: 480 };

    expect(withPixelAspect(ntsc, 4, 3)).toEqual({ width: 960, height: 480 });
    expect(withPixelAspect(ntsc, 8, 9)).toEqual({ width: 720, height: 540 });
    expect(withPixelAspect(ntsc, 1, 1)).toEqual(ntsc);
  });

  it("keeps the stored size when the ratio is 0 or undefined", () => {
    expect(withPixelAspect({ width: 720, height: 480 }, 0, 0)).toEqual({ width: 720, height: 480 });
    expect(withPixelAspect({ width: 720, height: 480 }, 4, 0)).toEqual({ width: 720, height: 480 });
  });
});

describe("withDisplayAspect", () => {
  it("grows the side that reaches the display shape when the shapes differ", () => {
    expect(withDisplayAspect({ width: 720, height: 576 }, 16, 9)).toEqual({ width: 1024, height: 576 });
    expect(withDisplayAspect({ width: 720, height: 576 }, 4, 5)).toEqual({ width: 720, height: 900 });
  });
});

describe("turned", () => {
  it("swaps the displayed size and keeps the stored one when turned a quarter", () => {
    const stored = { width: 48, height: 48 };

    expect(turned(stored, { width: 64, height: 48 }, -90)).toEqual({
      width: 48,
      height: 64,
      codedWidth: 48,
      codedHeight: 48,
    });
    expect(turned(stored, stored, 180)).toEqual(stored);
  });
});

describe("videoMetadataBlock", () => {
  it("sends Encord the displayed size only when the coded size is recorded beside it", () => {
    const media = {
      fileSize: 2118,
      mimeType: "video/mp4",
      width: 64,
      height: 48,
      codedWidth: 48,
      codedHeight: 48,
      fps: 10,
      duration: 1,
      codec: "h264",
      rotation: 0,
    };

    expect(videoMetadataBlock(media, [])).toEqual({
      fps: 10,
      duration: 1,
      width: 64,
      height: 48,
      file_size: 2118,
      mime_type: "video/mp4",
    });
  });
});
