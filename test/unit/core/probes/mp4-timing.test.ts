import { describe, expect, it } from "vitest";
import { isVariableFrameRate, presentTrack } from "../../../../packages/core/src/probes/mp4-timing";
import type { Edit, Runs, Track } from "../../../../packages/core/src/probes/mp4-tracks";

const runs = (pairs: [number, number][]): Runs => ({
  counts: Uint32Array.from(pairs.map(([count]) => count)),
  values: Int32Array.from(pairs.map(([, value]) => value)),
});

/** A 25 fps track at 12800 Hz: `frames` samples of 512 ticks, in a 1000 Hz movie. */
function track(frames: number, edits?: Edit[], ctts?: Runs): Track {
  return {
    id: 1,
    handler: "vide",
    width: 64,
    height: 48,
    rotation: 0,
    timescale: 12800,
    mediaDuration: frames * 512,
    edits,
    entry: undefined,
    stts: runs([[frames, 512]]),
    ctts,
  };
}
const MOVIE_TIMESCALE = 1000;
const edit = (segmentDuration: number, mediaTime: number, rate = 1): Edit => ({
  segmentDuration,
  mediaTime,
  rate,
});

describe("presentTrack", () => {
  it("presents every sample over the mdhd duration when there is no edit list", () => {
    const shown = presentTrack(track(50), MOVIE_TIMESCALE);

    expect(shown).toEqual({ duration: 2, frames: 50, ticks: 50 * 512 });
  });

  it("counts only the samples inside the edit when the edit starts later", () => {
    // 55 samples; the edit shows 1.6 s from 0.6 s (7680 ticks), as a stream copy with -ss writes.
    const shown = presentTrack(track(55, [edit(1600, 7680)]), MOVIE_TIMESCALE);

    expect(shown).toEqual({ duration: 1.6, frames: 40, ticks: 40 * 512 });
  });

  it("counts samples by presentation time when ctts offsets delay them", () => {
    // B-frames: every sample is presented 2 frames (1024 ticks) late, and the edit skips that delay.
    const shown = presentTrack(track(50, [edit(2000, 1024)], runs([[50, 1024]])), MOVIE_TIMESCALE);

    expect(shown).toEqual({ duration: 2, frames: 50, ticks: 50 * 512 });
  });

  it("leaves empty edits out of the duration", () => {
    const shown = presentTrack(track(50, [edit(500, -1), edit(2000, 0)]), MOVIE_TIMESCALE);

    expect(shown.duration).toBe(2);
    expect(shown.frames).toBe(50);
  });

  it("shows all the media from its start when the segment duration is 0", () => {
    const shown = presentTrack(track(50, [edit(0, 1024)]), MOVIE_TIMESCALE);

    expect(shown).toEqual({ duration: (50 * 512 - 1024) / 12800, frames: 48, ticks: 48 * 512 });
  });

  it("caps an edit at the media it shows when it claims more", () => {
    const shown = presentTrack(track(50, [edit(5000, 0)]), MOVIE_TIMESCALE);

    expect(shown).toEqual({ duration: 2, frames: 50, ticks: 50 * 512 });
  });

  it("adds up several edits", () => {
    const shown = presentTrack(track(50, [edit(400, 0), edit(400, 12800)]), MOVIE_TIMESCALE);

    expect(shown).toEqual({ duration: 0.8, frames: 20, ticks: 20 * 512 });
  });

  it("counts a dwell's time but none of its samples", () => {
    const shown = presentTrack(track(50, [edit(2000, 0), edit(1000, 0, 0)]), MOVIE_TIMESCALE);

    expect(shown).toEqual({ duration: 3, frames: 50, ticks: 50 * 512 });
  });
});

describe("isVariableFrameRate", () => {
  it.each([
    ["one delta", [[50, 512]], false],
    [
      "33/34 ms rounding of 30 fps",
      [
        [1, 33],
        [2, 34],
        [1, 33],
        [2, 34],
      ],
      false,
    ],
    [
      "a last sample with its own duration",
      [
        [49, 512],
        [1, 300],
      ],
      false,
    ],
    [
      "10 fps then 30 fps",
      [
        [10, 1536],
        [30, 512],
      ],
      true,
    ],
  ] as [string, [number, number][], boolean][])("tells %s", (_, table, expected) => {
    expect(isVariableFrameRate(runs(table))).toBe(expected);
  });
});
