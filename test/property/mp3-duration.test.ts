import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCachingByteSource } from "../../packages/core/src/bytes/caching-byte-source";
import { probeAudio } from "../../packages/core/src/probes/audio";
import { MPEG_WALK_LIMIT } from "../../packages/core/src/probes/audio-mpeg";
import { DEFAULT_PROBE_SETTINGS } from "../../packages/core/src/probes/probe-types";
import { mp3Duration, type SyntheticMp3, syntheticMp3 } from "../helpers/synthetic-mp3";

const RUNS = { seed: 16_2026, numRuns: 120, timeout: 10_000 };
/** The bound test/property/probes.test.ts sets for any probe. */
const MAX_REQUESTS = 16;
const LAYER3_KBPS = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] as const;

const rateArb = fc.constantFrom(32_000 as const, 44_100 as const, 48_000 as const);
const kbpsArb = fc.constantFrom(...LAYER3_KBPS);
/** Tags around the stream: an ID3v2 tag (or a few junk zeros) before, an ID3v1 tag after. */
const tagsArb = fc.record({
  leading: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 20_000 })),
  trailing: fc.constantFrom(0, 128),
});
/** Zeros after the stream up to a larger object: none, a little, or far more than the stream. */
const oversizeArb = fc.constantFrom(undefined, 1.01, 3, 1e4);

/**
 * Short streams (one read, at most 1,400 frames of 1,440 bytes): any bit-rate sequence, runs
 * included, any padding. At least two frames: a lone frame followed by anything but the end of
 * the file is not told apart from a stray sync word (mp3-frame.ts), which is another matter.
 */
const shortArb = fc
  .record({
    sampleRate: rateArb,
    kbps: fc.oneof(
      kbpsArb.chain((k) => fc.integer({ min: 2, max: 1400 }).map((n) => new Array<number>(n).fill(k))),
      fc.array(kbpsArb, { minLength: 2, maxLength: 1400 }),
      fc
        .array(fc.tuple(kbpsArb, fc.integer({ min: 2, max: 100 })), { minLength: 1, maxLength: 14 })
        .map((runs) => runs.flatMap(([k, n]) => new Array<number>(n).fill(k))),
    ),
    padding: fc.oneof(fc.constant("grid" as const), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 })),
    tags: tagsArb,
  })
  .map(({ tags, ...stream }): SyntheticMp3 => ({ ...stream, ...tags }));

/**
 * Long streams (beyond one read): CBR on the encoder's padding grid, or VBR whose bit rate changes
 * from frame to frame as an encoder's does. A VBR stream that keeps one bit rate everywhere the
 * probe samples is indistinguishable from CBR by a bounded read; that case is not generated.
 */
const longArb = fc
  .record({
    sampleRate: rateArb,
    frames: fc.integer({ min: 12_000, max: 120_000 }),
    cbr: fc.option(fc.constantFrom(128, 160, 192, 256, 320), { nil: undefined }),
    vbrRates: fc.array(kbpsArb, { minLength: 2, maxLength: 6 }).filter((r) => new Set(r).size > 1),
    seed: fc.nat(),
    tags: tagsArb,
  })
  .map(({ sampleRate, frames, cbr, vbrRates, seed, tags }): SyntheticMp3 => {
    let state = seed;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state;
    };
    const kbps = Array.from(
      { length: frames },
      () => cbr ?? vbrRates[(next() >>> 12) % vbrRates.length] ?? 128,
    );
    return { sampleRate, kbps, ...tags };
  });

async function probe(stream: SyntheticMp3, oversize: number | undefined) {
  const plain = syntheticMp3(stream);
  const size = oversize === undefined ? undefined : Math.ceil(plain.size * oversize);
  const source = createCachingByteSource(syntheticMp3({ ...stream, size }));
  return {
    outcome: await probeAudio(source, DEFAULT_PROBE_SETTINGS),
    requests: source.stats.requests,
    size: source.size,
  };
}

/** The rule: whole frames × 1152 ÷ rate exactly, or no duration and the block omitted with a reason. */
function expectExactOrOmitted(
  outcome: Awaited<ReturnType<typeof probe>>["outcome"],
  stream: SyntheticMp3,
): void {
  expect(outcome.errors).toEqual([]);
  if (outcome.media.duration !== undefined) {
    expect(outcome.media.duration).toBe(mp3Duration(stream));
    expect(outcome.omitted).toEqual([]);
  } else {
    expect(outcome.omitted).toEqual([{ block: "audioMetadata", reason: expect.stringMatching(/^.{20,}$/) }]);
  }
}

describe("probeAudio", () => {
  it("counts every frame of a stream that fits one read, whatever its bit rates and padding", async () => {
    await fc.assert(
      fc.asyncProperty(shortArb, oversizeArb, async (stream, oversize) => {
        const { outcome, requests, size } = await probe(stream, oversize);

        expectExactOrOmitted(outcome, stream);
        if (size - (stream.leading ?? 0) <= MPEG_WALK_LIMIT)
          expect(outcome.media.duration).toBe(mp3Duration(stream));
        expect(requests).toBeLessThanOrEqual(MAX_REQUESTS);
      }),
      RUNS,
    );
  });

  it("gives a long stream whole frames × 1152 ÷ rate when it is CBR and omits the block otherwise", async () => {
    await fc.assert(
      fc.asyncProperty(longArb, oversizeArb, async (stream, oversize) => {
        const { outcome, requests } = await probe(stream, oversize);
        const constant = new Set(stream.kbps).size === 1;

        expectExactOrOmitted(outcome, stream);
        // Measured exactly when CBR and nothing but tags follows; VBR is never taken for CBR.
        if (constant && oversize === undefined) expect(outcome.media.duration).toBe(mp3Duration(stream));
        if (!constant) expect(outcome.media.duration).toBeUndefined();
        expect(requests).toBeLessThanOrEqual(MAX_REQUESTS);
      }),
      { ...RUNS, numRuns: 60 },
    );
  });
});
