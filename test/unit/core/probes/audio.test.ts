import { readFileSync } from "node:fs";
import { parseFromTokenizer } from "music-metadata";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probeAudio } from "../../../../packages/core/src/probes/audio";
import { createByteSourceTokenizer } from "../../../../packages/core/src/probes/byte-source-tokenizer";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { expectedAudio, probeMediaPath } from "../../../helpers/probe-truth";

const AUDIO_FIXTURES = [
  "mp3-cbr-44.1k-stereo.mp3",
  "mp3-cbr-22k-no-info.mp3",
  "mp3-vbr-xing.mp3",
  "mp3-vbr-vbri.mp3",
  "pcm-s16-44.1k-stereo.wav",
  "pcm-s24-48k-mono.wav",
  "flac-96k-24bit-stereo.flac",
  "vorbis-44.1k-stereo.ogg",
  "opus-48k-mono.opus",
  "aiff-s16be-22k-stereo.aiff",
  "aifc-sowt-22k-mono.aifc",
  "aifc-fl32-22k-mono.aifc",
  "aifc-ulaw-22k-mono.aifc",
];
const KIB = 1024;

const fixtureBytes = (name: string) => new Uint8Array(readFileSync(probeMediaPath(name)));
const cached = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));

/**
 * Sluice's codec family for ffprobe's codec_name: linear PCM's sample format is in bit_depth
 * already; G.711 (pcm_mulaw, pcm_alaw) is not linear PCM and keeps its name.
 */
const family = (codecName: string) => (/^pcm_[suf]\d/.test(codecName) ? "pcm" : codecName);

/**
 * How far a duration may differ from ffprobe's: 10 ms for lossless audio; for lossy audio its
 * encoder padding as Sluice counts it. MP3 follows ffprobe (whole frames), so one frame; Vorbis,
 * one long block (2048 samples); Opus excludes the pre-skip that ffprobe includes (libopus: 312
 * samples, 6.5 ms), so one 20 ms Opus frame.
 */
function tolerance(codec: string, sampleRate: number): number {
  if (codec === "mp3") return 1152 / sampleRate;
  if (codec === "vorbis") return 2048 / sampleRate;
  if (codec === "opus") return 0.02;
  return 0.01;
}

/**
 * A CBR MP3 (MPEG-1 Layer III, 128 kb/s, 44.1 kHz, stereo) of any length, made on demand: silent
 * frames whose padding alternates so that they average 417.96 bytes; nothing is allocated for the
 * bytes not read.
 */
function syntheticCbrMp3(seconds: number): ByteSource {
  const bytesPerFrame = { num: 144 * 128_000, den: 44_100 };
  const frameStart = (i: number) => Math.floor((i * bytesPerFrame.num) / bytesPerFrame.den);
  const byteAt = (p: number) => {
    let i = Math.floor((p * bytesPerFrame.den) / bytesPerFrame.num);
    while (frameStart(i + 1) <= p) i += 1;
    while (frameStart(i) > p) i -= 1;
    const padding = frameStart(i + 1) - frameStart(i) - 417;
    const header = [0xff, 0xfb, 0x90 | (padding << 1), 0x00];
    return header[p - frameStart(i)] ?? 0;
  };
  const size = seconds * 16_000;
  return {
    size,
    read: async (offset, length) =>
      Uint8Array.from({ length: Math.max(0, Math.min(size, offset + length) - offset) }, (_, k) =>
        byteAt(offset + k),
      ),
  };
}

/** A 16-bit stereo 44.1 kHz PCM WAV of any length: a 44-byte header, then silence made on demand. */
function syntheticWav(seconds: number): ByteSource {
  const dataSize = seconds * 44_100 * 4;
  const header = new DataView(new ArrayBuffer(44));
  const fields: [at: number, bytes: 2 | 4, value: number | string][] = [
    [0, 4, "RIFF"],
    [4, 4, 36 + dataSize],
    [8, 4, "WAVE"],
    [12, 4, "fmt "],
    [16, 4, 16], // fmt chunk size
    [20, 2, 1], // PCM
    [22, 2, 2], // channels
    [24, 4, 44_100], // sample rate
    [28, 4, 44_100 * 4], // bytes per second
    [32, 2, 4], // block align
    [34, 2, 16], // bits per sample
    [36, 4, "data"],
    [40, 4, dataSize],
  ];
  for (const [at, bytes, value] of fields) {
    if (typeof value === "string")
      for (let i = 0; i < 4; i += 1) header.setUint8(at + i, value.charCodeAt(i));
    else if (bytes === 4) header.setUint32(at, value, true);
    else header.setUint16(at, value, true);
  }
  const head = new Uint8Array(header.buffer);
  const size = 44 + dataSize;
  return {
    size,
    read: async (offset, length) =>
      Uint8Array.from(
        { length: Math.max(0, Math.min(size, offset + length) - offset) },
        (_, k) => head[offset + k] ?? 0,
      ),
  };
}

/** MPEG-1 Layer III frames at 48 kHz (whole-byte lengths) with the given bitrates in kb/s. */
function mp3Frames(kbps: number[]): Uint8Array {
  const index = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
  return Uint8Array.from(
    kbps.flatMap((rate) => [
      0xff,
      0xfb,
      (index.indexOf(rate) << 4) | 0x04,
      0x00,
      ...new Array((144 * rate * 1000) / 48_000 - 4).fill(0),
    ]),
  );
}

describe("probeAudio", () => {
  it.each(AUDIO_FIXTURES)("measures %s as ffprobe does, within the codec's padding", async (name) => {
    const expected = expectedAudio(name);
    const source = cached(fixtureBytes(name));

    const outcome = await probeAudio(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([]);
    const codec = family(expected.codec);
    expect(outcome.media.codec).toBe(codec);
    expect(outcome.media.sampleRate).toBe(expected.sampleRate);
    expect(outcome.media.numChannels).toBe(expected.numChannels);
    expect(outcome.media.bitDepth).toBe(expected.bitsPerSample ?? DEFAULT_PROBE_SETTINGS.lossyBitDepth);
    expect(Math.abs((outcome.media.duration ?? -1) - expected.duration)).toBeLessThanOrEqual(
      tolerance(codec, expected.sampleRate),
    );
    expect(source.stats.bytes).toBeLessThanOrEqual(64 * KIB);
    expect(source.stats.requests).toBeLessThanOrEqual(4);
  });

  it("reads a VBRI header's frame count when music-metadata finds no duration", async () => {
    const name = "mp3-vbr-vbri.mp3";
    const expected = expectedAudio(name);
    const bytes = fixtureBytes(name);
    const tokenizer = await createByteSourceTokenizer(createMemoryByteSource(bytes));
    const library = await parseFromTokenizer(tokenizer, { duration: false });

    const outcome = await probeAudio(cached(bytes), DEFAULT_PROBE_SETTINGS);

    expect(library.format.duration).toBeUndefined();
    expect(outcome.media.duration).toBeCloseTo(expected.duration, 6);
  });

  it("counts the frames of a CBR MP3 when there is no Info frame", async () => {
    const name = "mp3-cbr-22k-no-info.mp3";

    const outcome = await probeAudio(cached(fixtureBytes(name)), DEFAULT_PROBE_SETTINGS);

    // 41 whole MPEG-2 frames of 576 samples; ffprobe's 1.071 s is stream bytes × 8 ÷ bit rate.
    expect(outcome.media.duration).toBe((41 * 576) / 22_050);
    expect(Math.abs((outcome.media.duration ?? 0) - expectedAudio(name).duration)).toBeLessThan(576 / 22_050);
  });

  it("reads the same bytes for a 2-hour CBR MP3 as for a 1-hour one, and times it to a frame", async () => {
    const long = createCachingByteSource(syntheticCbrMp3(7200));
    const short = createCachingByteSource(syntheticCbrMp3(3600));
    const libraryTokenizer = await createByteSourceTokenizer(syntheticCbrMp3(7200));

    const outcome = await probeAudio(long, DEFAULT_PROBE_SETTINGS);
    await probeAudio(short, DEFAULT_PROBE_SETTINGS);
    const library = await parseFromTokenizer(libraryTokenizer, { duration: false });

    expect(outcome.errors).toEqual([]);
    expect(Math.abs((outcome.media.duration ?? 0) - 7200)).toBeLessThan(1152 / 44_100);
    // music-metadata counts frames of one sampled length (418 bytes) and misses by ~0.7 s here.
    expect(Math.abs((library.format.duration ?? 0) - 7200)).toBeGreaterThan(0.5);
    expect(long.stats).toEqual(short.stats);
    // Without an Info frame: 9 windows across the stream to prove it CBR (audio-mpeg.ts).
    expect(long.stats.bytes).toBeLessThanOrEqual(160 * KIB);
  });

  it("reads the same bytes for a 2-hour WAV as for a 10-second one", async () => {
    const long = createCachingByteSource(syntheticWav(7200));
    const short = createCachingByteSource(syntheticWav(10));

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
    expect(long.stats.bytes).toBeLessThanOrEqual(32 * KIB);
  });

  it("takes the FLAC duration from the last frame when STREAMINFO records no sample count", async () => {
    const name = "flac-96k-24bit-stereo.flac";
    const bytes = fixtureBytes(name);
    // STREAMINFO's 36-bit total: the low nibble of byte 21 and bytes 22-25 of the file.
    bytes[21] = (bytes[21] ?? 0) & 0xf0;
    bytes.fill(0, 22, 26);

    const outcome = await probeAudio(cached(bytes), DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(Math.abs((outcome.media.duration ?? 0) - expectedAudio(name).duration)).toBeLessThanOrEqual(0.01);
  });

  it("reports the configured bit depth for lossy audio", async () => {
    const outcome = await probeAudio(cached(fixtureBytes("mp3-vbr-xing.mp3")), { lossyBitDepth: 24 });

    expect(outcome.media.bitDepth).toBe(24);
  });

  it.each([
    "flac-96k-24bit-stereo.flac",
    "mp3-vbr-xing.mp3",
    "pcm-s16-44.1k-stereo.wav",
    "aiff-s16be-22k-stereo.aiff",
  ])(
    "keeps %s cut to 60 percent (ffprobe opens it) with its rate and channels, no duration and a media-truncated warning",
    async (name) => {
      const bytes = fixtureBytes(name);
      const whole = await probeAudio(cached(bytes), DEFAULT_PROBE_SETTINGS);

      const outcome = await probeAudio(
        cached(bytes.subarray(0, Math.floor(bytes.byteLength * 0.6))),
        DEFAULT_PROBE_SETTINGS,
      );

      expect(outcome.errors).toEqual([]);
      expect(outcome.warnings.map((w) => w.code)).toEqual(["media-truncated"]);
      const { duration: _, ...fields } = whole.media;
      expect(outcome.media).toEqual(fields);
      expect(outcome.omitted).toEqual([{ block: "audioMetadata", reason: expect.stringMatching(/was cut/) }]);
    },
  );

  // ffprobe refuses these cuts too ("End of file"): the Ogg pages it needs are gone.
  it.each(["vorbis-44.1k-stereo.ogg", "opus-48k-mono.opus"])(
    "reports media-truncated, with no fields, when %s is cut at 60 %%",
    async (name) => {
      const bytes = fixtureBytes(name);

      const outcome = await probeAudio(
        cached(bytes.subarray(0, Math.floor(bytes.byteLength * 0.6))),
        DEFAULT_PROBE_SETTINGS,
      );

      expect(outcome.errors.map((e) => e.code)).toEqual(["media-truncated"]);
      expect(outcome.media).toEqual({});
    },
  );

  it.each([
    ["broken-truncated-header.wav", "media-truncated"],
    ["broken-empty.mp4", "media-truncated"],
    ["broken-png-named.mp4", "media-corrupt"],
  ])("reports an error instead of throwing for %s", async (name, code) => {
    const outcome = await probeAudio(cached(fixtureBytes(name)), DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors.map((e) => e.code)).toEqual([code]);
    expect(outcome.errors[0]?.message).not.toBe("");
    expect(outcome.media).toEqual({});
  });

  it("counts every frame of a short VBR MP3 that has no Xing or VBRI header", async () => {
    const bytes = mp3Frames(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 128 : 160)));

    const outcome = await probeAudio(cached(bytes), DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([]);
    expect(outcome.media).toEqual({
      sampleRate: 48_000,
      numChannels: 2,
      duration: (40 * 1152) / 48_000,
      codec: "mp3",
      bitDepth: 16,
    });
  });

  it("omits the block for ADTS AAC, which records no duration", async () => {
    const length = 17;
    const frame = [
      0xff,
      0xf1,
      0x50,
      0x80,
      length >> 3,
      ((length & 7) << 5) | 0x1f,
      0xfc,
      ...new Array(length - 7).fill(0),
    ];

    const outcome = await probeAudio(
      cached(Uint8Array.from(Array.from({ length: 20 }, () => frame).flat())),
      DEFAULT_PROBE_SETTINGS,
    );

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toEqual({ sampleRate: 44_100, numChannels: 2, codec: "aac", bitDepth: 16 });
    expect(outcome.omitted.map((o) => o.block)).toEqual(["audioMetadata"]);
  });

  it("omits the block for audio in a container it does not measure", async () => {
    const outcome = await probeAudio(cached(fixtureBytes("aac-44.1k-stereo.m4a")), DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([
      { block: "audioMetadata", reason: expect.stringMatching(/not measured/) },
    ]);
  });

  it("reports media-read-failed instead of throwing when a read fails", async () => {
    const failing: ByteSource = { size: 1000, read: () => Promise.reject(new Error("connection reset")) };

    const outcome = await probeAudio(failing, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([
      { code: "media-read-failed", message: expect.stringMatching(/connection reset/) },
    ]);
  });
});
