import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probeAudio } from "../../../../packages/core/src/probes/audio";
import { MPEG_WALK_LIMIT } from "../../../../packages/core/src/probes/audio-mpeg";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { expectedAudio, probeMediaPath, structuralTruth } from "../../../helpers/probe-truth";
import { mp3Duration, type SyntheticMp3, syntheticMp3 } from "../../../helpers/synthetic-mp3";

const KIB = 1024;
/** Reads to the source behind the cache: the bound test/property/probes.test.ts sets for any probe. */
const MAX_REQUESTS = 16;

/** Frames of 2 hours at 44.1 kHz. */
const TWO_HOURS = Math.round((7200 * 44_100) / 1152);

/** VBR bit rates that vary from frame to frame after `constant` frames of silence at 32 kb/s. */
function vbrAfterSilence(frames: number, constant: number): number[] {
  const rates = [96, 112, 128, 160, 192, 224, 256];
  return Array.from({ length: frames }, (_, i) =>
    i < constant ? 32 : (rates[(i * 7 + (i >> 3)) % 7] ?? 128),
  );
}

async function probe(stream: SyntheticMp3) {
  const source = createCachingByteSource(syntheticMp3(stream));
  const outcome = await probeAudio(source, DEFAULT_PROBE_SETTINGS);
  return { outcome, stats: source.stats };
}

describe("probeAudio", () => {
  it("counts every frame of a VBR MP3 without a Xing header when its first frames share a bit rate", async () => {
    const name = "mp3-vbr-no-xing.mp3";
    const truth = structuralTruth(name);
    const source = createCachingByteSource(
      createMemoryByteSource(new Uint8Array(readFileSync(probeMediaPath(name)))),
    );

    const outcome = await probeAudio(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.omitted).toEqual([]);
    expect(outcome.media.duration).toBe((Number(truth.frames) * 1152) / 44_100);
    expect(outcome.media.duration).toBeCloseTo(Number(truth.duration), 6);
    // ffprobe extrapolates from the first frames' bit rate, as the probe did before.
    expect(Math.abs(expectedAudio(name).duration - Number(truth.duration))).toBeGreaterThan(1152 / 44_100);
  });

  it("counts every frame when a short VBR stream with irregular padding fits one read", async () => {
    const stream: SyntheticMp3 = {
      sampleRate: 44_100,
      kbps: vbrAfterSilence(3000, 200),
      padding: [true, false, false, true, true],
      leading: 1000,
      trailing: 128,
    };

    const { outcome, stats } = await probe(stream);

    expect(syntheticMp3(stream).size).toBeLessThan(MPEG_WALK_LIMIT);
    expect(outcome.omitted).toEqual([]);
    expect(outcome.media.duration).toBe(mp3Duration(stream));
    expect(stats.requests).toBeLessThanOrEqual(MAX_REQUESTS);
  });

  it("omits the block, reading a bounded amount, when a 2-hour VBR MP3 without a header starts with silence", async () => {
    const stream: SyntheticMp3 = { sampleRate: 44_100, kbps: vbrAfterSilence(TWO_HOURS, 500) };

    const { outcome, stats } = await probe(stream);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media.duration).toBeUndefined();
    expect(outcome.media).toMatchObject({ sampleRate: 44_100, numChannels: 2, codec: "mp3" });
    expect(outcome.omitted).toEqual([
      { block: "audioMetadata", reason: expect.stringMatching(/Xing or VBRI.*different bit rates/) },
    ]);
    expect(stats.bytes).toBeLessThanOrEqual(256 * KIB);
    expect(stats.requests).toBeLessThanOrEqual(MAX_REQUESTS);
  });

  it("counts a 2-hour CBR MP3 without an Info frame from its size when sampled frames keep the grid", async () => {
    const stream: SyntheticMp3 = { sampleRate: 44_100, kbps: new Array(TWO_HOURS).fill(128), trailing: 128 };
    const hour: SyntheticMp3 = { ...stream, kbps: new Array(Math.floor(TWO_HOURS / 2)).fill(128) };

    const { outcome, stats } = await probe(stream);
    const shorter = await probe(hour);

    expect(outcome.omitted).toEqual([]);
    expect(outcome.media.duration).toBe(mp3Duration(stream));
    expect(stats).toEqual(shorter.stats);
    expect(stats.requests).toBeLessThanOrEqual(MAX_REQUESTS);
  });

  it.each([
    [32_000, 320],
    [44_100, 320],
    [48_000, 32],
  ] as const)(
    "counts a long CBR stream at %i Hz and %i kb/s, the largest and smallest frames",
    async (rate, kbps) => {
      const stream: SyntheticMp3 = { sampleRate: rate, kbps: new Array(20_000).fill(kbps), leading: 4000 };

      const { outcome, stats } = await probe(stream);

      expect(outcome.omitted).toEqual([]);
      expect(outcome.media.duration).toBe(mp3Duration(stream));
      expect(stats.requests).toBeLessThanOrEqual(MAX_REQUESTS);
    },
  );

  it("omits the block when a long CBR-looking stream is followed by zeros up to a larger size", async () => {
    const frames = new Array(Math.floor(TWO_HOURS / 8)).fill(128);

    const { outcome } = await probe({ sampleRate: 44_100, kbps: frames, size: 1e9 });

    expect(outcome.errors).toEqual([]);
    expect(outcome.media.duration).toBeUndefined();
    expect(outcome.omitted).toEqual([{ block: "audioMetadata", reason: expect.stringMatching(/no frame/) }]);
  });

  it("omits the block when joined CBR streams put frames off the constant-bit-rate grid", async () => {
    // Ten copies of an odd number of frames, each with its own padding grid: the joins drift.
    const part = new Array(2001).fill(128);
    const padding = Array.from({ length: 20_010 }, (_, i) => {
      const k = i % 2001;
      return (
        Math.floor(((k + 1) * 144 * 128_000) / 44_100) - Math.floor((k * 144 * 128_000) / 44_100) === 418
      );
    });

    const { outcome } = await probe({ sampleRate: 44_100, kbps: Array(10).fill(part).flat(), padding });

    expect(outcome.media.duration).toBeUndefined();
    expect(outcome.omitted).toEqual([
      { block: "audioMetadata", reason: expect.stringMatching(/constant bit rate puts it/) },
    ]);
  });
});
