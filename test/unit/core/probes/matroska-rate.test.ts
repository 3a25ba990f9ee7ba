import { describe, expect, it } from "vitest";
import { frameRateOf } from "../../../../packages/core/src/probes/matroska-rate";

const MS = 1_000_000; // TimestampScale of ffmpeg and mkvmerge: 1 ms ticks

/** Timestamps in ms ticks of `frames` frames at num/den fps, rounded as ffmpeg's muxer rounds them. */
function rounded(num: number, den: number, frames: number, start = 0): number[] {
  return Array.from({ length: frames }, (_, n) => start + Math.round((n * 1000 * den) / num));
}

/** Decode order of an IBBP stream: each P frame is stored before the two B frames it follows. */
function decodeOrder(presented: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < presented.length; i += 3) {
    const group = presented.slice(i, i + 3);
    out.push(...(group.length === 3 ? [group[0], group[2], group[1]] : group).filter((t) => t !== undefined));
  }
  return out;
}

describe("frameRateOf", () => {
  it("gives 30000/1001, not ffprobe's 1000/33, when 60 frames' timestamps are rounded to the ms", () => {
    const verdict = frameRateOf(rounded(30000, 1001, 60), MS, 0);

    expect(verdict).toEqual({ kind: "rate", fps: 30000 / 1001, frames: 60 });
  });

  it.each([
    [24000, 1001],
    [24, 1],
    [25, 1],
    [30, 1],
    [50, 1],
    [60000, 1001],
    [60, 1],
    [25, 2],
    [120, 1],
  ])("gives the exact rate %i/%i when 4 s of ms-rounded frames are read", (num, den) => {
    const verdict = frameRateOf(rounded(num, den, Math.ceil((4 * num) / den), 17), MS, 0);

    expect(verdict).toMatchObject({ kind: "rate", fps: num / den });
  });

  it("gives the rate when the muxer truncates timestamps instead of rounding them", () => {
    const truncated = Array.from({ length: 90 }, (_, n) => Math.floor((n * 1001) / 30));

    expect(frameRateOf(truncated, MS, 0)).toMatchObject({ kind: "rate", fps: 30000 / 1001 });
  });

  it("sorts Blocks stored in decode order (B-frames) into presentation order", () => {
    const stored = decodeOrder(rounded(30000, 1001, 60));

    expect(frameRateOf(stored, MS, 0)).toMatchObject({ kind: "rate", fps: 30000 / 1001 });
  });

  it("leaves out the last frames read, as deep as the codec may reorder, when the read stops before the file ends", () => {
    // Cut after a P frame whose B frames lie past the read: a gap that is not in the stream.
    const stored = decodeOrder(rounded(30000, 1001, 93)).slice(0, 92);

    expect(frameRateOf(stored, MS, 0)).toMatchObject({ kind: "variable" });
    expect(frameRateOf(stored, MS, 16)).toEqual({ kind: "rate", fps: 30000 / 1001, frames: 76 });
  });

  it("names both candidates when too few frames tell 30 from 30000/1001", () => {
    const verdict = frameRateOf(rounded(30000, 1001, 15), MS, 0);

    expect(verdict).toEqual({ kind: "ambiguous", frames: 15, candidates: [30, 30000 / 1001] });
  });

  it("reports a variable rate when intervals differ by more than a tick", () => {
    const tenThenThirty = [...rounded(10, 1, 10), ...rounded(30, 1, 30, 1000)];

    const verdict = frameRateOf(tenThenThirty, MS, 0);

    expect(verdict).toEqual({ kind: "variable", frames: 40, minInterval: 33, maxInterval: 100 });
  });

  it("fits no candidate when a constant interval is no standard rate", () => {
    const every27ms = Array.from({ length: 120 }, (_, n) => n * 27);

    expect(frameRateOf(every27ms, MS, 0)).toEqual({ kind: "non-standard", frames: 120 });
  });

  it("stays unsettled when fewer than 10 frames are known", () => {
    expect(frameRateOf(rounded(1, 1, 9), MS, 0)).toEqual({ kind: "few", frames: 9 });
    expect(frameRateOf([], MS, 0)).toEqual({ kind: "few", frames: 0 });
  });

  it("gives the rate from exact nanosecond ticks", () => {
    const ns = Array.from({ length: 30 }, (_, n) => Math.round((n * 1e9 * 1001) / 24000));

    expect(frameRateOf(ns, 1, 0)).toMatchObject({ kind: "rate", fps: 24000 / 1001 });
  });
});
