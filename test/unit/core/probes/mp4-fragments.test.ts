import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { probeMp4 } from "../../../../packages/core/src/probes/mp4";
import { measureFragments } from "../../../../packages/core/src/probes/mp4-fragments";
import { parseMovie, type Track } from "../../../../packages/core/src/probes/mp4-tracks";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { expectedVideo, probeMediaPath } from "../../../helpers/probe-truth";

// h264-fragmented.mp4: ftyp, moov [28, 741), moof, mdat, moof, mdat, mfra [3775, 3861); 12800 Hz, 25 fps.
const real = new Uint8Array(readFileSync(probeMediaPath("h264-fragmented.mp4")));
const MOOV_END = 741;
const MFRA_START = 3775;
const movie = parseMovie(real.subarray(28, MOOV_END));
const firstTrack = (): Track => {
  const track = movie.tracks[0];
  if (track === undefined) throw new Error("the fixture has a track");
  return track;
};

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** A version 0 sidx for track 1 at 12800 Hz whose subsegments last `durations` ticks. */
function sidx(durations: number[]): Uint8Array {
  const out = new Uint8Array(32 + durations.length * 12);
  const view = new DataView(out.buffer);
  view.setUint32(0, out.byteLength);
  out.set([0x73, 0x69, 0x64, 0x78], 4);
  view.setUint32(12, 1);
  view.setUint32(16, 12800);
  view.setUint16(30, durations.length);
  for (const [i, duration] of durations.entries()) view.setUint32(32 + i * 12 + 4, duration);
  return out;
}

const source = (bytes: Uint8Array, minFetch?: number) =>
  createCachingByteSource(createMemoryByteSource(bytes), { minFetch });

describe("measureFragments", () => {
  it("times the fixture from its first fragment and the last one the mfra indexes", async () => {
    const expected = expectedVideo("h264-fragmented.mp4");

    const timing = await measureFragments(source(real), movie, firstTrack(), MOOV_END);

    expect(timing).toEqual({ duration: expected.duration, fps: expected.fps, reason: undefined });
  });

  it("takes the duration from mehd without reading the end of the file", async () => {
    const bytes = source(real, 64);

    const timing = await measureFragments(
      bytes,
      { ...movie, fragmentDuration: 3000 },
      firstTrack(),
      MOOV_END,
    );

    expect(timing).toEqual({ duration: 3, fps: 25, reason: undefined });
    expect(bytes.stats.bytes).toBeLessThan(MFRA_START);
  });

  it("takes the duration from a sidx after the moov", async () => {
    const bytes = concat(
      real.subarray(0, MOOV_END),
      sidx([12800, 12800, 6400]),
      real.subarray(MOOV_END, MFRA_START),
    );

    const timing = await measureFragments(source(bytes), movie, firstTrack(), MOOV_END);

    expect(timing).toEqual({ duration: 2.5, fps: 25, reason: undefined });
  });

  it("leaves the duration out, with the reason, when no mehd, sidx or mfra tells it", async () => {
    const timing = await measureFragments(
      source(real.subarray(0, MFRA_START)),
      movie,
      firstTrack(),
      MOOV_END,
    );

    expect(timing.duration).toBeUndefined();
    expect(timing.reason).toMatch(/without mehd, sidx or mfra/);
  });

  it("leaves the frame rate out when the durations seen vary", async () => {
    const varying: Track = {
      ...firstTrack(),
      stts: { counts: Uint32Array.of(5, 5), values: Int32Array.of(512, 1024) },
    };

    const timing = await measureFragments(source(real), movie, varying, MOOV_END);

    expect(timing.fps).toBeUndefined();
    expect(timing.reason).toMatch(/frame durations vary/);
  });
});

describe("probeMp4", () => {
  it("omits the video block with the reason when a fragmented file cannot be timed cheaply", async () => {
    const outcome = await probeMp4(source(real.subarray(0, MFRA_START)), DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([]);
    expect(outcome.media).toMatchObject({ width: 64, height: 48, fps: 25 });
    expect(outcome.media.duration).toBeUndefined();
    expect(outcome.omitted).toEqual([{ block: "videoMetadata", reason: expect.stringMatching(/mfra/) }]);
  });
});
