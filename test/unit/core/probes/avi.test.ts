import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probeAvi } from "../../../../packages/core/src/probes/avi";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { expectedVideo, probeMediaPath } from "../../../helpers/probe-truth";

const fixture = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));

async function probe(bytes: Uint8Array | ByteSource, settings = DEFAULT_PROBE_SETTINGS) {
  const source = createCachingByteSource(bytes instanceof Uint8Array ? createMemoryByteSource(bytes) : bytes);
  const outcome = await probeAvi(source, settings);
  return { outcome, stats: source.stats };
}

// A minimal RIFF writer: little-endian fields, chunks padded to an even size.
function le(...fields: [bits: 16 | 32, value: number][]): Uint8Array {
  const out = new Uint8Array(fields.reduce((sum, [bits]) => sum + bits / 8, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [bits, value] of fields) {
    if (bits === 16) view.setUint16(at, value, true);
    else view.setInt32(at, value, true);
    at += bits / 8;
  }
  return out;
}
const ascii = (text: string) => new TextEncoder().encode(text);
function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
const chunk = (id: string, data: Uint8Array) =>
  concat(ascii(id), le([32, data.byteLength]), data, new Uint8Array(data.byteLength % 2));
const list = (type: string, ...chunks: Uint8Array[]) => chunk("LIST", concat(ascii(type), ...chunks));
const riffAvi = (...chunks: Uint8Array[]) => chunk("RIFF", concat(ascii("AVI "), ...chunks));

const avih = (width: number, height: number) =>
  chunk(
    "avih",
    concat(
      le([32, 40_000], [32, 0], [32, 0], [32, 0], [32, 0], [32, 0], [32, 1], [32, 0]),
      le([32, width], [32, height]),
      new Uint8Array(16),
    ),
  );
const strh = (type: string, scale: number, rate: number, length: number) =>
  chunk(
    "strh",
    concat(
      ascii(type),
      ascii("\0\0\0\0"),
      new Uint8Array(12),
      le([32, scale], [32, rate], [32, 0], [32, length]),
      new Uint8Array(20),
    ),
  );
const bitmapInfo = (width: number, height: number, fourcc: string) =>
  chunk(
    "strf",
    concat(le([32, 40], [32, width], [32, height], [16, 1], [16, 24]), ascii(fourcc), new Uint8Array(20)),
  );
const waveFormat = (tag: number, channels: number, rate: number, blockAlign: number, bits: number) =>
  chunk(
    "strf",
    le([16, tag], [16, channels], [32, rate], [32, rate * blockAlign], [16, blockAlign], [16, bits], [16, 0]),
  );
const videoStream = (options: { length?: number; height?: number } = {}) =>
  list("strl", strh("vids", 1, 25, options.length ?? 50), bitmapInfo(320, options.height ?? 240, "XVID"));

/** A source of `size` bytes holding `head` and zeros after it, so a 5 GB file costs nothing. */
function sparseSource(size: number, head: Uint8Array): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      const out = new Uint8Array(Math.max(0, Math.min(size, offset + length) - offset));
      if (offset < head.byteLength) out.set(head.subarray(offset, offset + out.byteLength));
      return out;
    },
  };
}

describe("probeAvi", () => {
  it("measures mjpeg-10fps.avi as ffprobe does, from one request", async () => {
    const expected = expectedVideo("mjpeg-10fps.avi");

    const { outcome, stats } = await probe(fixture("mjpeg-10fps.avi"));

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([]);
    expect(outcome.media).toMatchObject({ width: expected.width, height: expected.height, codec: "mjpeg" });
    expect(Math.abs((outcome.media.fps ?? 0) / expected.fps - 1)).toBeLessThan(1e-4);
    expect(Math.abs((outcome.media.duration ?? 0) - (expected.duration ?? Number.NaN))).toBeLessThan(
      1 / expected.fps,
    );
    expect(stats.requests).toBe(1);
  });

  it("counts the frames of every OpenDML part from dmlh and reads only the head of a 5 GB file", async () => {
    const hdrl = list(
      "hdrl",
      avih(320, 240),
      videoStream({ length: 100 }),
      list("odml", chunk("dmlh", le([32, 250]))),
    );
    const movi = concat(ascii("LIST"), le([32, 1_000_000_000]), ascii("movi"));
    const head = concat(
      ascii("RIFF"),
      le([32, 4 + hdrl.byteLength + 1_000_000_008]),
      ascii("AVI "),
      hdrl,
      movi,
    );

    const { outcome, stats } = await probe(sparseSource(5_000_000_000, head));

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ width: 320, height: 240, codec: "mpeg4", fps: 25, duration: 10 });
    expect(stats).toEqual({ requests: 1, bytes: 16 * 1024 });
  });

  it("reports a positive height for a top-down bitmap", async () => {
    const { outcome } = await probe(riffAvi(list("hdrl", avih(320, 240), videoStream({ height: -240 }))));

    expect(outcome.media).toMatchObject({ width: 320, height: 240, duration: 2 });
  });

  it("omits the video block but keeps fps and size when the stream has no frame count", async () => {
    const { outcome } = await probe(riffAvi(list("hdrl", avih(320, 240), videoStream({ length: 0 }))));

    expect(outcome.media).toEqual({ width: 320, height: 240, codec: "mpeg4", fps: 25 });
    expect(outcome.omitted.map((o) => o.block)).toEqual(["videoMetadata"]);
  });

  it("measures an audio-only AVI, with the stored depth for PCM and the configured one for MP3", async () => {
    const pcm = list("strl", strh("auds", 1, 44100, 22050), waveFormat(1, 2, 44100, 4, 16));
    const mp3 = list("strl", strh("auds", 1152, 44100, 100), waveFormat(0x55, 1, 44100, 1, 0));

    const pcmOutcome = (await probe(riffAvi(list("hdrl", avih(0, 0), pcm)))).outcome;
    const mp3Outcome = (await probe(riffAvi(list("hdrl", avih(0, 0), mp3)), { lossyBitDepth: 24 })).outcome;

    expect(pcmOutcome.media).toEqual({
      codec: "pcm",
      numChannels: 2,
      sampleRate: 44100,
      bitDepth: 16,
      duration: 0.5,
    });
    expect(mp3Outcome.media).toMatchObject({ codec: "mp3", bitDepth: 24 });
    expect(mp3Outcome.media.duration).toBeCloseTo((100 * 1152) / 44100, 9);
  });

  it.each([8, 100, 4000])(
    "returns a truncation error when mjpeg-10fps.avi is cut at byte %i, inside its headers",
    async (length) => {
      const { outcome } = await probe(fixture("mjpeg-10fps.avi").subarray(0, length));

      expect(outcome.errors.map((e) => e.code)).toEqual(["media-truncated"]);
      expect(outcome.media).toEqual({});
    },
  );

  it("keeps size and fps, omits the duration and warns when the file is cut after its headers", async () => {
    // ffprobe opens the first 6,000 bytes (hdrl ends at 4,684): 64x48 at 10 fps, 0.5 s of frames.
    const { outcome } = await probe(fixture("mjpeg-10fps.avi").subarray(0, 6000));

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ width: 64, height: 48, fps: 10, codec: "mjpeg" });
    expect(outcome.warnings.map((w) => w.code)).toEqual(["media-truncated"]);
    expect(outcome.omitted).toEqual([
      { block: "videoMetadata", reason: expect.stringMatching(/RIFF chunk declares/) },
    ]);
  });

  it("reads the whole chunks of an hdrl whose size field overruns the file, and warns", async () => {
    const bytes = Uint8Array.from(fixture("mjpeg-10fps.avi"));
    new DataView(bytes.buffer).setUint32(16, 0x7ffffff0, true);

    const { outcome } = await probe(bytes);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ width: 64, height: 48, fps: 10, codec: "mjpeg", duration: 1 });
    expect(outcome.warnings.map((w) => w.code)).toEqual(["media-corrupt"]);
    expect(outcome.omitted).toEqual([]);
  });

  it("returns errors and never throws for empty, non-AVI and corrupt headers", async () => {
    const inputs = [
      fixture("broken-empty.mp4"),
      fixture("broken-png-named.mp4"),
      fixture("pcm-s16-44.1k-stereo.wav"),
      riffAvi(list("hdrl", videoStream())),
      riffAvi(list("hdrl", avih(320, 240), list("strl", strh("vids", 0, 0, 50)))),
      riffAvi(list("movi", chunk("00dc", new Uint8Array(10)))),
      riffAvi(
        concat(ascii("LIST"), le([32, 40]), ascii("hdrl"), ascii("avih"), le([32, 400]), new Uint8Array(28)),
      ),
    ];

    const outcomes = await Promise.all(inputs.map(async (bytes) => (await probe(bytes)).outcome));

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

  it("reads no more than 1 MB of an hdrl list that declares 2 MB", async () => {
    const head = concat(
      ascii("RIFF"),
      le([32, 2_000_100]),
      ascii("AVI "),
      ascii("LIST"),
      le([32, 2_000_000]),
      ascii("hdrl"),
    );

    const { outcome, stats } = await probe(sparseSource(2_000_108, head));

    expect(outcome.errors.map((e) => e.code)).toEqual(["media-corrupt"]);
    expect(stats.bytes).toBeLessThanOrEqual(1_000_000 + 16 * 1024);
  });
});
