import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { TransientError } from "../../../../packages/core/src/errors";
import { probeMatroska } from "../../../../packages/core/src/probes/matroska";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { expectedVideo, probeMediaPath, structuralTruth } from "../../../helpers/probe-truth";

const NO_DURATION =
  "WebM/Matroska has no Duration (typical of browser recordings); Sluice does not read every cluster to measure it";

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));

async function probe(bytes: Uint8Array | ByteSource, settings = DEFAULT_PROBE_SETTINGS) {
  const source = createCachingByteSource(bytes instanceof Uint8Array ? createMemoryByteSource(bytes) : bytes);
  const outcome = await probeMatroska(source, settings);
  return { outcome, stats: source.stats };
}

// A minimal EBML writer: every size is written as an 8-byte number, which EBML allows.
const UNKNOWN = -1;
function bigEndian(value: number, length: number): number[] {
  return Array.from({ length }, (_, i) => Math.floor(value / 256 ** (length - 1 - i)) % 256);
}
function header(id: number, size: number): Uint8Array {
  const idBytes = bigEndian(id, Math.ceil(Math.log2(id + 1) / 8));
  const sizeBytes =
    size === UNKNOWN ? [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] : [0x01, ...bigEndian(size, 7)];
  return Uint8Array.from([...idBytes, ...sizeBytes]);
}
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
const el = (id: number, ...children: Uint8Array[]) => {
  const data = concat(...children);
  return concat(header(id, data.byteLength), data);
};
const uint = (id: number, value: number) => el(id, Uint8Array.from(bigEndian(value, 8)));
const float = (id: number, value: number) => {
  const data = new Uint8Array(8);
  new DataView(data.buffer).setFloat64(0, value);
  return el(id, data);
};
const text = (id: number, value: string) => el(id, new TextEncoder().encode(value));

const ebmlHeader = (docType = "webm") => el(0x1a45dfa3, text(0x4282, docType));
const info = (duration?: number) =>
  el(0x1549a966, uint(0x2ad7b1, 1_000_000), ...(duration === undefined ? [] : [float(0x4489, duration)]));
const videoTrack = (options: { defaultDuration?: number; display?: [number, number] } = {}) =>
  el(
    0xae,
    uint(0x83, 1),
    text(0x86, "V_VP9"),
    ...(options.defaultDuration === undefined ? [] : [uint(0x23e383, options.defaultDuration)]),
    el(
      0xe0,
      uint(0xb0, 640),
      uint(0xba, 480),
      ...(options.display === undefined
        ? []
        : [uint(0x54b0, options.display[0]), uint(0x54ba, options.display[1])]),
    ),
  );
const audioTrack = (codecId: string, audio: Uint8Array[], codecPrivate?: Uint8Array) =>
  el(
    0xae,
    uint(0x83, 2),
    text(0x86, codecId),
    ...(codecPrivate === undefined ? [] : [el(0x63a2, codecPrivate)]),
    el(0xe1, ...audio),
  );
const tracks = (...entries: Uint8Array[]) => el(0x1654ae6b, ...entries);
const segment = (...children: Uint8Array[]) => el(0x18538067, ...children);
const seekHead = (...entries: [number, number][]) =>
  el(
    0x114d9b74,
    ...entries.map(([id, position]) =>
      el(0x4dbb, el(0x53ab, Uint8Array.from(bigEndian(id, 4))), uint(0x53ac, position)),
    ),
  );

/** A source of `size` bytes holding `parts` and zeros elsewhere, so a 10 GB file costs nothing. */
function sparseSource(size: number, parts: { at: number; bytes: Uint8Array }[]): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      const out = new Uint8Array(Math.max(0, Math.min(size, offset + length) - offset));
      for (const { at, bytes } of parts) {
        const from = Math.max(offset, at);
        const to = Math.min(offset + out.byteLength, at + bytes.byteLength);
        if (from < to) out.set(bytes.subarray(from - at, to - at), from - offset);
      }
      return out;
    },
  };
}

/** A WebM whose one Cluster has `clusterSize` bytes of (zero) content after the metadata. */
function webmWithCluster(clusterSize: number): ByteSource {
  const head = concat(
    ebmlHeader(),
    header(0x18538067, UNKNOWN),
    info(2000),
    tracks(videoTrack({ defaultDuration: 40_000_000 })),
  );
  const cluster = header(0x1f43b675, clusterSize);
  return sparseSource(head.byteLength + cluster.byteLength + clusterSize, [
    { at: 0, bytes: head },
    { at: head.byteLength, bytes: cluster },
  ]);
}

describe("probeMatroska", () => {
  it.each(["vp9-opus.webm", "h264-mp3.mkv"])("measures %s as ffprobe does", async (name) => {
    const expected = expectedVideo(name);

    const { outcome } = await probe(fixture(name));

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([]);
    expect(outcome.media.width).toBe(expected.width);
    expect(outcome.media.height).toBe(expected.height);
    expect(Math.abs((outcome.media.fps ?? 0) / expected.fps - 1)).toBeLessThan(1e-4);
    expect(Math.abs((outcome.media.duration ?? 0) - (expected.duration ?? Number.NaN))).toBeLessThan(
      1 / expected.fps,
    );
  });

  it.each([
    ["h264-29.97fps-no-default-duration.mkv", "h264", 30000 / 1001],
    ["vp9-25fps-no-default-duration.webm", "vp9", 25],
  ])(
    "measures the exact rate of %s from its first Clusters when it has no DefaultDuration",
    async (name, codec, fps) => {
      const expected = expectedVideo(name);

      const { outcome, stats } = await probe(fixture(name));

      expect(expected.fps).toBe(fps);
      expect(outcome.errors).toEqual([]);
      expect(outcome.omitted).toEqual([]);
      expect(outcome.media).toEqual({
        width: expected.width,
        height: expected.height,
        codec,
        fps: expected.fps,
        duration: expected.duration,
      });
      expect(stats.requests).toBeLessThanOrEqual(3);
    },
  );

  it("gives frames ÷ duration, not ffprobe's avg_frame_rate, when timestamps are rounded to the ms", async () => {
    const name = "h264-29.97fps-no-default-duration.mkv";
    const ffprobe = JSON.parse(
      readFileSync(`${probeMediaPath(name).replace("/media/", "/truth/")}.ffprobe.json`, "utf8"),
    );

    const { outcome } = await probe(fixture(name));

    expect(ffprobe.streams[0].avg_frame_rate).toBe("1000/33");
    expect(structuralTruth(name)).toMatchObject({ nb_read_frames: 60, avg_frame_rate: "30000/1001" });
    expect(outcome.media.fps).toBe(30000 / 1001);
  });

  it("omits the video block with a variable-frame-rate warning when the first frames' intervals vary", async () => {
    const name = "h264-vfr-no-default-duration.mkv";
    const expected = expectedVideo(name);

    const { outcome } = await probe(fixture(name));

    expect(expected.variableFrameRate).toBe(true);
    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ width: 64, height: 48, codec: "h264", duration: expected.duration });
    expect(outcome.warnings.map((w) => w.code)).toEqual(["variable-frame-rate"]);
    expect(outcome.omitted).toEqual([
      {
        block: "videoMetadata",
        reason:
          "the WebM/Matroska video track has no DefaultDuration (no stored frame rate), and its first 40 frames " +
          "are 33–100 ms apart (variable frame rate); Sluice does not read every Cluster to average them",
      },
    ]);
  });

  it("names the codec of the video track when the file has audio too", async () => {
    const webm = await probe(fixture("vp9-opus.webm"));
    const mkv = await probe(fixture("h264-mp3.mkv"));

    expect([webm.outcome.media.codec, mkv.outcome.media.codec]).toEqual(["vp9", "h264"]);
  });

  it("omits the video block with its reason but keeps the rest when a browser recording has no Duration", async () => {
    const expected = expectedVideo("vp9-opus-no-duration.webm");

    const { outcome } = await probe(fixture("vp9-opus-no-duration.webm"));

    expect(expected.duration).toBeUndefined();
    expect(outcome.errors).toEqual([]);
    expect(outcome.media.duration).toBeUndefined();
    expect(outcome.omitted).toEqual([{ block: "videoMetadata", reason: NO_DURATION }]);
    expect(outcome.media).toMatchObject({ width: expected.width, height: expected.height, codec: "vp9" });
    expect(Math.abs((outcome.media.fps ?? 0) / expected.fps - 1)).toBeLessThan(1e-4);
  });

  it("gives ffprobe's exact NTSC rates when DefaultDuration is rounded to the nanosecond", async () => {
    const file = (ns: number) =>
      concat(ebmlHeader(), segment(info(1000), tracks(videoTrack({ defaultDuration: ns }))));

    const ntsc = await probe(file(33_366_666));
    const film = await probe(file(41_708_333));

    expect(ntsc.outcome.media.fps).toBe(30000 / 1001);
    expect(film.outcome.media.fps).toBe(24000 / 1001);
  });

  it("omits the video block when the track stores no DefaultDuration", async () => {
    const file = concat(ebmlHeader(), segment(info(1500), tracks(videoTrack())));

    const { outcome } = await probe(file);

    expect(outcome.media).toEqual({ width: 640, height: 480, codec: "vp9", duration: 1.5 });
    expect(outcome.omitted).toHaveLength(1);
    expect(outcome.omitted[0]?.block).toBe("videoMetadata");
    expect(outcome.omitted[0]?.reason).toContain("no DefaultDuration");
  });

  it("reports the displayed size and keeps the coded one when anamorphic video has another display size", async () => {
    const file = concat(
      ebmlHeader("matroska"),
      segment(info(1000), tracks(videoTrack({ defaultDuration: 40_000_000, display: [853, 480] }))),
    );

    const { outcome } = await probe(file);

    expect(outcome.media).toMatchObject({ width: 853, height: 480, codedWidth: 640, codedHeight: 480 });
    expect(outcome.warnings).toEqual([]);
  });

  it("measures audio-only WebM with the configured bit depth for lossy Opus", async () => {
    const file = concat(
      ebmlHeader(),
      segment(
        info(2008),
        tracks(audioTrack("A_OPUS", [float(0xb5, 48000), uint(0x9f, 2), uint(0x6264, 32)])),
      ),
    );

    const { outcome } = await probe(file, { lossyBitDepth: 24 });

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({
      codec: "opus",
      sampleRate: 48000,
      numChannels: 2,
      bitDepth: 24,
      duration: 2.008,
    });
  });

  it("reads a FLAC track's bit depth from its STREAMINFO when no BitDepth is stored", async () => {
    // STREAMINFO of 96 kHz, 2 channels, 24 bits: rate 20 bits | channels-1 3 bits | bits-1 5 bits.
    const streamInfo = new Uint8Array(34);
    streamInfo.set([0x17, 0x70, 0x03, 0x70], 10);
    const codecPrivate = concat(
      new TextEncoder().encode("fLaC"),
      Uint8Array.from([0x80, 0, 0, 34]),
      streamInfo,
    );
    const file = concat(
      ebmlHeader("matroska"),
      segment(info(500), tracks(audioTrack("A_FLAC", [float(0xb5, 96000), uint(0x9f, 2)], codecPrivate))),
    );

    const { outcome } = await probe(file);

    expect(outcome.media).toEqual({
      codec: "flac",
      sampleRate: 96000,
      numChannels: 2,
      bitDepth: 24,
      duration: 0.5,
    });
  });

  it("reports PCM's stored bit depth and omits the audio block when there is no Duration", async () => {
    const audio = audioTrack("A_PCM/INT/LIT", [float(0xb5, 44100), uint(0x9f, 1), uint(0x6264, 16)]);
    const file = concat(ebmlHeader("matroska"), segment(info(), tracks(audio)));

    const { outcome } = await probe(file);

    expect(outcome.media).toEqual({ codec: "pcm", sampleRate: 44100, numChannels: 1, bitDepth: 16 });
    expect(outcome.omitted).toEqual([{ block: "audioMetadata", reason: NO_DURATION }]);
  });

  it("reads the same bytes for a 10 GB Cluster as for a 100 KB one", async () => {
    const small = await probe(webmWithCluster(100_000));
    const huge = await probe(webmWithCluster(10_000_000_000));

    expect(huge.outcome).toEqual(small.outcome);
    expect(huge.outcome.media.fps).toBe(25);
    expect(huge.stats).toEqual(small.stats);
    expect(huge.stats).toEqual({ requests: 1, bytes: 16 * 1024 });
  });

  it("jumps through the SeekHead to Info and Tracks written after a 10 GB Cluster", async () => {
    const clusterSize = 10_000_000_000;
    const seekHeadSize = seekHead([0, 0], [0, 0]).byteLength;
    const clusterAt = seekHeadSize; // relative to the Segment's data
    const infoAt = clusterAt + header(0x1f43b675, 0).byteLength + clusterSize;
    const tail = concat(info(2000), tracks(videoTrack({ defaultDuration: 40_000_000 })));
    const tracksAt = infoAt + info(2000).byteLength;
    const head = concat(
      ebmlHeader(),
      header(0x18538067, infoAt + tail.byteLength),
      seekHead([0x1549a966, infoAt], [0x1654ae6b, tracksAt]),
      header(0x1f43b675, clusterSize),
    );
    const segmentData = head.byteLength - seekHeadSize - header(0x1f43b675, 0).byteLength;
    const source = sparseSource(segmentData + infoAt + tail.byteLength, [
      { at: 0, bytes: head },
      { at: segmentData + infoAt, bytes: tail },
    ]);

    const { outcome, stats } = await probe(source);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ width: 640, height: 480, codec: "vp9", fps: 25, duration: 2 });
    expect(stats.requests).toBeLessThanOrEqual(2);
    expect(stats.bytes).toBeLessThanOrEqual(2 * 16 * 1024);
  });

  it("stops at the first Cluster when Tracks is after it and no SeekHead says where", async () => {
    const head = concat(
      ebmlHeader(),
      header(0x18538067, UNKNOWN),
      info(2000),
      header(0x1f43b675, 10_000_000_000),
    );
    const source = sparseSource(head.byteLength + 10_000_000_000, [{ at: 0, bytes: head }]);

    const { outcome, stats } = await probe(source);

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-corrupt"]);
    expect(outcome.media).toEqual({});
    expect(stats.requests).toBe(1);
  });

  it.each([
    ["vp9-opus.webm", "the EBML header", 20],
    ["vp9-opus.webm", "a Cluster, short of the Segment's declared size", 5000],
    ["vp9-opus-no-duration.webm", "the Tracks element of a Segment of unknown size", 0x150],
    ["vp9-opus-no-duration.webm", "the SeekHead of a Segment of unknown size", 0x40],
  ])("returns a truncation error when %s is cut inside %s", async (name, _where, length) => {
    const { outcome } = await probe(fixture(name).subarray(0, length));

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-truncated"]);
    expect(outcome.media).toEqual({});
  });

  it("returns errors and never throws for empty, non-Matroska and corrupt input", async () => {
    const otherDocType = concat(ebmlHeader("mka-not"), segment(info(1000), tracks(videoTrack())));
    const zeroFirstByte = fixture("vp9-opus.webm").slice();
    zeroFirstByte[0] = 0;
    const noTracks = concat(ebmlHeader(), segment(info(1000)));
    const frameOfADay = concat(
      ebmlHeader(),
      segment(info(1000), tracks(videoTrack({ defaultDuration: 1e14 }))),
    );

    const outcomes = await Promise.all(
      [
        fixture("broken-empty.mp4"),
        fixture("broken-png-named.mp4"),
        fixture("h264-25fps-faststart.mp4"),
        otherDocType,
        zeroFirstByte,
        noTracks,
        frameOfADay,
      ].map(async (bytes) => (await probe(bytes)).outcome),
    );

    expect(outcomes.map((o) => o.errors.map((e) => e.code))).toEqual([
      ["media-truncated"],
      ["media-corrupt"],
      ["media-corrupt"],
      ["media-corrupt"],
      ["media-corrupt"],
      ["media-corrupt"],
      ["media-corrupt"],
    ]);
    expect(outcomes.every((o) => Object.keys(o.media).length === 0)).toBe(true);
  });

  it("refuses a Tracks element over 1 MB rather than reading it", async () => {
    const head = concat(ebmlHeader(), header(0x18538067, UNKNOWN), info(1000), header(0x1654ae6b, 2_000_000));
    const source = sparseSource(head.byteLength + 2_000_000, [{ at: 0, bytes: head }]);

    const { outcome, stats } = await probe(source);

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-unsupported"]);
    expect(stats.bytes).toBe(16 * 1024);
  });

  it("reports a failed read of the source as probe-failed, not as a bad file", async () => {
    const failing: ByteSource = {
      size: 1000,
      read: async () => {
        throw new TransientError("throttled");
      },
    };

    const outcome = await probeMatroska(failing, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors.map((e) => e.code)).toEqual(["probe-failed"]);
  });
});
