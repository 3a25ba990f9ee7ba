import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { HEAD_BYTES } from "../../../../packages/core/src/bytes/head-bytes";
import { probeAudio } from "../../../../packages/core/src/probes/audio";
import { probeMedia } from "../../../../packages/core/src/probes/probe-media";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { inferDataType } from "../../../../packages/core/src/typing/infer-type";
import { expectedAudio, probeMediaPath } from "../../../helpers/probe-truth";

const AIFF_FIXTURES = [
  "aiff-s16be-22k-stereo.aiff",
  "aifc-sowt-22k-mono.aifc",
  "aifc-fl32-22k-mono.aifc",
  "aifc-ulaw-22k-mono.aifc",
];

const cached = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));
const fixtureBytes = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));

/** ffprobe's codec_name in Sluice's naming: linear PCM and float are "pcm", G.711 keeps its name. */
const sluiceCodec = (codecName: string) => (/^pcm_(s|u|f)\d/.test(codecName) ? "pcm" : codecName);

/** An 80-bit IEEE 754 extended float, big-endian, as AIFF stores its sample rate. */
function extended80(value: number): number[] {
  const exponent = Math.floor(Math.log2(value));
  const mantissa = BigInt(value * 2 ** (52 - exponent)) << 11n;
  const bytes = [((exponent + 16383) >> 8) & 0x7f, (exponent + 16383) & 0xff];
  for (let shift = 56n; shift >= 0n; shift -= 8n) bytes.push(Number((mantissa >> shift) & 0xffn));
  return bytes;
}

interface AiffShape {
  form?: "AIFF" | "AIFC";
  compression?: string;
  channels?: number;
  frames: number;
  sampleSize?: number;
  rate?: number;
  /** SSND data size, the 8-byte offset/block-size header included. */
  ssndSize?: number;
  /** Object size; the sound data reads as silence made on demand. */
  size?: number;
}

/** An AIFF or AIFF-C object of any size: FORM, COMM, SSND headers, then silence made on demand. */
function syntheticAiff(shape: AiffShape): ByteSource {
  const { form = "AIFF", compression = "NONE", channels = 2, frames, sampleSize = 16, rate = 44_100 } = shape;
  const ssndSize = shape.ssndSize ?? 8 + frames * channels * Math.ceil(sampleSize / 8);
  const text = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
  const u32 = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const comm = [...u16(channels), ...u32(frames), ...u16(sampleSize), ...extended80(rate)];
  if (form === "AIFC") comm.push(...text(compression), 0, 0);
  const chunks = [...text("COMM"), ...u32(comm.length), ...comm, ...text("SSND"), ...u32(ssndSize)];
  const head = Uint8Array.from([
    ...text("FORM"),
    ...u32(4 + chunks.length + ssndSize),
    ...text(form),
    ...chunks,
  ]);
  const size = shape.size ?? head.byteLength + ssndSize;
  return {
    size,
    read: async (offset, length) =>
      Uint8Array.from(
        { length: Math.max(0, Math.min(size, offset + length) - offset) },
        (_, k) => head[offset + k] ?? 0,
      ),
  };
}

describe("probeAudio", () => {
  it.each(AIFF_FIXTURES)("measures %s as ffprobe does when it is AIFF or AIFF-C", async (name) => {
    const expected = expectedAudio(name);
    const source = cached(fixtureBytes(name));

    const outcome = await probeAudio(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([]);
    expect(outcome.media).toEqual({
      sampleRate: expected.sampleRate,
      numChannels: expected.numChannels,
      duration: expected.duration,
      codec: sluiceCodec(expected.codec),
      bitDepth: expected.bitsPerSample,
    });
    expect(source.stats.requests).toBe(1);
  });

  it("reads the same bytes for a 2-hour AIFF as for a 10-second one", async () => {
    const long = createCachingByteSource(syntheticAiff({ frames: 7200 * 44_100 }));
    const short = createCachingByteSource(syntheticAiff({ frames: 10 * 44_100 }));

    const outcome = await probeAudio(long, DEFAULT_PROBE_SETTINGS);
    await probeAudio(short, DEFAULT_PROBE_SETTINGS);

    expect(outcome.media).toEqual({
      sampleRate: 44_100,
      numChannels: 2,
      duration: 7200,
      codec: "pcm",
      bitDepth: 16,
    });
    expect(long.stats).toEqual(short.stats);
    expect(long.stats.bytes).toBeLessThanOrEqual(16 * 1024);
  });

  it("times frames by the exact 80-bit rate and reports its integer part when the rate is fractional", async () => {
    const rate = 7_833_600 / 352; // the classic Macintosh 22254.5454… Hz
    const source = syntheticAiff({ frames: 22_254_545, rate, channels: 1, sampleSize: 8 });

    const outcome = await probeAudio(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.media.sampleRate).toBe(22_254);
    expect(outcome.media.duration).toBe(22_254_545 / rate);
  });

  it("keeps rate and channels, omits the duration and warns media-truncated when the SSND chunk runs past the end of the file", async () => {
    const whole = syntheticAiff({ frames: 44_100 });

    const outcome = await probeAudio({ ...whole, size: whole.size - 1000 }, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings.map((w) => w.code)).toEqual(["media-truncated"]);
    expect(outcome.media.duration).toBeUndefined();
    expect(outcome.media.sampleRate).toBeGreaterThan(0);
    expect(outcome.omitted.map((o) => o.block)).toEqual(["audioMetadata"]);
  });

  it("omits the block, keeping rate and channels, when AIFF-C holds a codec it does not measure", async () => {
    const source = syntheticAiff({ form: "AIFC", compression: "ima4", frames: 1000, channels: 1 });

    const outcome = await probeAudio(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ sampleRate: 44_100, numChannels: 1 });
    expect(outcome.omitted).toEqual([{ block: "audioMetadata", reason: expect.stringMatching(/'ima4'/) }]);
  });

  it("omits the block when a writer into a pipe left the frame count at 0 before sound data", async () => {
    const source = syntheticAiff({ frames: 0, ssndSize: 0, size: 20_000 });

    const outcome = await probeAudio(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media.duration).toBeUndefined();
    expect(outcome.omitted).toEqual([
      { block: "audioMetadata", reason: expect.stringMatching(/no sample frames/) },
    ]);
  });
});

describe("probeMedia", () => {
  it.each(["aiff-s16be-22k-stereo.aiff", "aifc-sowt-22k-mono.aifc"])(
    "types %s as audio under an .aif key and measures it",
    async (name) => {
      const source = cached(fixtureBytes(name));
      const type = await inferDataType({ head: await source.read(0, HEAD_BYTES), key: "take-1.aif" });
      if (!type.ok) throw new Error(type.reason);

      const outcome = await probeMedia(source, type, DEFAULT_PROBE_SETTINGS);

      expect(type).toMatchObject({ dataType: "audio", mimeType: "audio/aiff" });
      expect(outcome.omitted).toEqual([]);
      expect(outcome.media.duration).toBe(0.5);
    },
  );
});
