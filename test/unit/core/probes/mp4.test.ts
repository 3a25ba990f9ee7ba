import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probeMp4, probeMp4Audio } from "../../../../packages/core/src/probes/mp4";
import { DEFAULT_PROBE_SETTINGS, type MediaProbe } from "../../../../packages/core/src/probes/probe-types";
import { expectedAudio, expectedVideo, probeMediaPath } from "../../../helpers/probe-truth";

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));

async function probe(name: string, measure: MediaProbe = probeMp4, settings = DEFAULT_PROBE_SETTINGS) {
  const bytes = fixture(name);
  const source = createCachingByteSource(createMemoryByteSource(bytes));
  const outcome = await measure(source, settings);
  return { outcome, stats: source.stats, size: bytes.byteLength };
}

/** Concatenates byte arrays. */
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** The top-level box of `type` in a fixture, header included. */
function topLevelBox(bytes: Uint8Array, type: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 8 <= bytes.byteLength; at += view.getUint32(at)) {
    if (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === type) {
      return bytes.subarray(at, at + view.getUint32(at));
    }
  }
  throw new Error(`no ${type} box`);
}

/** A source of `size` bytes holding `parts` at their offsets and zeros elsewhere, allocated on demand. */
function sparseSource(size: number, parts: [number, Uint8Array][]): ByteSource {
  return {
    size,
    async read(offset, length) {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      for (const [at, part] of parts) {
        const from = Math.max(offset, at);
        const to = Math.min(offset + out.byteLength, at + part.byteLength);
        if (from < to) out.set(part.subarray(from - at, to - at), from - offset);
      }
      return out;
    },
  };
}

/** The 16-byte header of an mdat of `size` bytes (header included), declared with a 64-bit largesize. */
function largeMdatHeader(size: number): Uint8Array {
  const header = new Uint8Array(16);
  const view = new DataView(header.buffer);
  view.setUint32(0, 1);
  header.set([0x6d, 0x64, 0x61, 0x74], 4);
  view.setBigUint64(8, BigInt(size));
  return header;
}

/** A real ftyp, an mdat of `mdatSize` zero bytes, then a real moov: nothing allocated for the mdat. */
function largeMp4(mdatSize: number): { source: ByteSource; moovSize: number } {
  const real = fixture("h264-23.976fps-moov-at-end.mp4");
  const head = concat(topLevelBox(real, "ftyp"), largeMdatHeader(mdatSize));
  const moov = topLevelBox(real, "moov");
  const moovAt = head.byteLength - 16 + mdatSize;
  return {
    source: sparseSource(moovAt + moov.byteLength, [
      [0, head],
      [moovAt, moov],
    ]),
    moovSize: moov.byteLength,
  };
}

/**
 * The fragmented fixture with its first mdat grown to `mdatSize` zero bytes: the second fragment
 * and the mfra move up, and the mfra's tfra entry for the second fragment is moved with them.
 */
function largeFragmentedMp4(mdatSize: number): { source: ByteSource; moovSize: number } {
  const real = fixture("h264-fragmented.mp4");
  // Layout: ftyp, moov, moof (741), mdat (1045), moof (2531), mdat, mfra (3775). The tfra (version 1)
  // follows the 8-byte mfra header; its 24-byte header precedes entries of 19 bytes (time, moof offset, 3 numbers).
  const head = concat(real.subarray(0, 1045), largeMdatHeader(mdatSize));
  const tail = real.slice(2531);
  const moved = 1045 + mdatSize;
  const mfra = tail.subarray(3775 - 2531);
  new DataView(mfra.buffer, mfra.byteOffset).setBigUint64(8 + 24 + 19 + 8, BigInt(moved));
  return {
    source: sparseSource(moved + tail.byteLength, [
      [0, head],
      [moved, tail],
    ]),
    moovSize: topLevelBox(real, "moov").byteLength,
  };
}

/** Overwrites the 32-bit size of the first box of `type` found anywhere in a copy of `bytes`. */
function withBoxSize(bytes: Uint8Array, type: string, size: number): Uint8Array {
  const copy = bytes.slice();
  const tag = [...type].map((c) => c.charCodeAt(0));
  const at = copy.findIndex((_, i) => tag.every((b, j) => copy[i + j] === b));
  new DataView(copy.buffer).setUint32(at - 4, size);
  return copy;
}

async function probeBytes(bytes: Uint8Array) {
  return probeMp4(createCachingByteSource(createMemoryByteSource(bytes)), DEFAULT_PROBE_SETTINGS);
}

const VIDEOS = [
  "h264-25fps-faststart.mp4",
  "h264-23.976fps-moov-at-end.mp4",
  "h264-29.97fps.mp4",
  "h264-59.94fps.mp4",
  "h264-12.5fps.mp4",
  "h264-rotated-90.mp4",
  "h264-vfr.mp4",
  "h264-edit-list.mp4",
  "h264-23.976fps.mov",
  "h264-fragmented.mp4",
];

describe("probeMp4", () => {
  it.each(VIDEOS)("measures %s as ffprobe does, in one small read", async (name) => {
    const expected = expectedVideo(name);

    const { outcome, stats, size } = await probe(name);

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([]);
    const { fps, duration, width, height, codec } = outcome.media;
    expect(width).toBe(expected.width);
    expect(height).toBe(expected.height);
    expect(codec).toBe("h264");
    // fps within 0.01 %, duration within one frame (the tolerances).
    expect(Math.abs((fps ?? 0) - expected.fps) / expected.fps).toBeLessThan(1e-4);
    expect(Math.abs((duration ?? -1) - (expected.duration ?? 0))).toBeLessThan(1 / expected.fps);
    // These files are smaller than one 16 KiB read-ahead: the moov-at-end one costs a second read.
    expect(stats.requests).toBeLessThanOrEqual(2);
    expect(stats.bytes).toBeLessThanOrEqual(size);
  });

  it.each(VIDEOS)("warns of a variable frame rate in %s only when ffprobe's rates differ", async (name) => {
    const expected = expectedVideo(name);

    const { outcome } = await probe(name);

    expect(outcome.warnings.map((w) => w.code)).toEqual(
      expected.variableFrameRate ? ["variable-frame-rate"] : [],
    );
  });

  it("presents only the frames inside the edit list when a stream copy kept lead-in samples", async () => {
    const expected = expectedVideo("h264-edit-list.mp4");

    const { outcome } = await probe("h264-edit-list.mp4");

    // The container holds 55 samples (ffprobe's nb_frames); 40 are shown over 1.6 s.
    expect(expected.frameCount).toBe(55);
    expect((outcome.media.fps ?? 0) * (outcome.media.duration ?? 0)).toBeCloseTo(40, 6);
  });

  it("swaps width and height and records the rotation when the tkhd matrix turns the picture", async () => {
    const { outcome } = await probe("h264-rotated-90.mp4");

    expect(outcome.media).toMatchObject({ width: 48, height: 64, rotation: 90 });
  });

  it("records no rotation when the matrix is the identity", async () => {
    const { outcome } = await probe("h264-23.976fps.mov");

    expect(outcome.media.rotation).toBe(0);
  });

  it("measures the audio fields when an M4A holds no video track", async () => {
    const expected = expectedAudio("aac-44.1k-stereo.m4a");

    const { outcome, stats, size } = await probe("aac-44.1k-stereo.m4a");

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toMatchObject({
      sampleRate: expected.sampleRate,
      numChannels: expected.numChannels,
      codec: expected.codec,
      bitDepth: DEFAULT_PROBE_SETTINGS.lossyBitDepth,
    });
    // Lossy: within one AAC frame (1024 samples), the unit of its encoder delay and padding.
    expect(Math.abs((outcome.media.duration ?? -1) - expected.duration)).toBeLessThan(
      1024 / expected.sampleRate,
    );
    expect(outcome.media.fps).toBeUndefined();
    expect(stats).toEqual({ requests: 1, bytes: size });
  });

  it("reports the configured bit depth for lossy audio", async () => {
    const { outcome } = await probe("aac-44.1k-stereo.m4a", probeMp4, { lossyBitDepth: 24 });

    expect(outcome.media.bitDepth).toBe(24);
  });

  it.each([
    ["broken-truncated.mp4", "media-truncated"],
    ["broken-empty.mp4", "media-truncated"],
    ["broken-png-named.mp4", "media-corrupt"],
  ])("returns an error and no fields for %s", async (name, code) => {
    const { outcome } = await probe(name);

    expect(outcome.errors.map((e) => e.code)).toEqual([code]);
    expect(outcome.errors[0]?.message).not.toBe("");
    expect(outcome.media).toEqual({});
  });

  it("reads the whole children of a moov whose size field runs past the file, as ffprobe does, and warns", async () => {
    // broken-corrupt-moov.mp4 is h264-25fps-faststart.mp4 with the moov size set to 0xFFFFFFF0.
    const intact = await probe("h264-25fps-faststart.mp4");

    const { outcome } = await probe("broken-corrupt-moov.mp4");

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual(intact.outcome.media);
    expect(outcome.warnings.map((w) => w.code)).toEqual(["media-corrupt"]);
    expect(outcome.warnings[0]?.message).toMatch(/declares 4294967280 bytes/);
  });

  it("keeps the size, omits the timing and warns when a track's mdhd timescale is 0", async () => {
    const bytes = fixture("h264-25fps-faststart.mp4");
    const mdhd = Buffer.from(bytes).indexOf("mdhd");
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(mdhd + 16, 0);
    const source = createCachingByteSource(createMemoryByteSource(bytes));

    const outcome = await probeMp4(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toMatchObject({ width: 64, height: 48, codec: "h264" });
    expect(outcome.media.fps).toBeUndefined();
    expect(outcome.omitted).toEqual([
      { block: "videoMetadata", reason: expect.stringMatching(/timescale of 0/) },
    ]);
    expect(outcome.warnings.map((w) => w.code)).toEqual(["media-corrupt"]);
  });

  it("says where a cut file ends when its moov is cut", async () => {
    const { outcome } = await probe("broken-truncated.mp4");

    expect(outcome.errors[0]?.message).toMatch(/ends inside its moov box/);
  });

  it.each([
    ["100 MB", 100e6],
    ["10 GB", 10e9],
  ])("reads only box headers and the moov when the mdat is %s", async (_, mdatSize) => {
    const expected = expectedVideo("h264-23.976fps-moov-at-end.mp4");
    const { source, moovSize } = largeMp4(mdatSize);
    const cached = createCachingByteSource(source);

    const outcome = await probeMp4(cached, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toMatchObject({ width: expected.width, height: expected.height });
    expect(Math.abs((outcome.media.fps ?? 0) - expected.fps) / expected.fps).toBeLessThan(1e-4);
    expect(cached.stats.bytes).toBeLessThanOrEqual(256 * 1024 + moovSize);
    expect(cached.stats.requests).toBeLessThanOrEqual(16);
  });

  it.each([
    ["moov at the end", largeMp4],
    ["fragmented", largeFragmentedMp4],
  ])("reads the same bytes in the same requests for a 100 MB and a 10 GB file (%s)", async (_, make) => {
    const small = createCachingByteSource(make(100e6).source);
    const large = createCachingByteSource(make(10e9).source);

    const smallOutcome = await probeMp4(small, DEFAULT_PROBE_SETTINGS);
    const largeOutcome = await probeMp4(large, DEFAULT_PROBE_SETTINGS);

    expect(largeOutcome).toEqual(smallOutcome);
    expect(large.stats).toEqual(small.stats);
  });

  it.each([
    ["100 MB", 100e6],
    ["10 GB", 10e9],
  ])("times a %s fragmented file from its first fragment and the mfra index", async (_, mdatSize) => {
    const expected = expectedVideo("h264-fragmented.mp4");
    const { source, moovSize } = largeFragmentedMp4(mdatSize);
    const cached = createCachingByteSource(source);

    const outcome = await probeMp4(cached, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([]);
    expect(outcome.media.fps).toBeCloseTo(expected.fps, 9);
    expect(outcome.media.duration).toBeCloseTo(expected.duration ?? 0, 9);
    expect(cached.stats.bytes).toBeLessThanOrEqual(256 * 1024 + moovSize);
    expect(cached.stats.requests).toBeLessThanOrEqual(16);
  });

  it("hops over the mdat without reading it when the moov is at the end", async () => {
    const name = "h264-23.976fps-moov-at-end.mp4";
    const bytes = fixture(name);
    const mdatSize = topLevelBox(bytes, "mdat").byteLength;
    const source = createCachingByteSource(createMemoryByteSource(bytes), { minFetch: 64 });

    const outcome = await probeMp4(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(source.stats.bytes).toBeLessThan(bytes.byteLength - mdatSize + 128);
    expect(source.stats.requests).toBeLessThanOrEqual(3);
  });

  it("returns media-corrupt when a box inside the moov overruns its parent", async () => {
    const bytes = withBoxSize(fixture("h264-25fps-faststart.mp4"), "stts", 0x7fffffff);

    const outcome = await probeBytes(bytes);

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-corrupt"]);
    expect(outcome.media).toEqual({});
  });

  it("returns media-corrupt when an stts lists more entries than it holds", async () => {
    const bytes = fixture("h264-25fps-faststart.mp4").slice();
    const at = bytes.findIndex((_, i) => String.fromCharCode(...bytes.subarray(i, i + 4)) === "stts");
    new DataView(bytes.buffer).setUint32(at + 8, 0xffffffff);

    const outcome = await probeBytes(bytes);

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-corrupt"]);
  });

  it("returns media-no-tracks when the moov holds no video or audio track", async () => {
    const real = fixture("h264-25fps-faststart.mp4");
    const mvhd = topLevelBox(topLevelBox(real, "moov").subarray(8), "mvhd");
    const moov = concat(Uint8Array.from([0, 0, 0, 8 + mvhd.byteLength, 0x6d, 0x6f, 0x6f, 0x76]), mvhd);

    const outcome = await probeBytes(concat(topLevelBox(real, "ftyp"), moov));

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-no-tracks"]);
  });

  it("returns probe-failed when the source cannot be read", async () => {
    const failing = { size: 1000, read: () => Promise.reject(new Error("connection reset")) };

    const outcome = await probeMp4(failing, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors.map((e) => e.code)).toEqual(["probe-failed"]);
  });
});

describe("probeMp4Audio", () => {
  it("measures the audio track of a video file as ffprobe does", async () => {
    const expected = expectedAudio("h264-25fps-faststart.mp4");

    const { outcome } = await probe("h264-25fps-faststart.mp4", probeMp4Audio);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toMatchObject({
      sampleRate: expected.sampleRate,
      numChannels: expected.numChannels,
      codec: expected.codec,
    });
    expect(Math.abs((outcome.media.duration ?? -1) - expected.duration)).toBeLessThan(
      1024 / expected.sampleRate,
    );
    expect(outcome.media.width).toBeUndefined();
  });

  it("returns media-no-tracks when the file has no audio track", async () => {
    const { outcome } = await probe("h264-29.97fps.mp4", probeMp4Audio);

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-no-tracks"]);
  });
});
