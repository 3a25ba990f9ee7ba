import { type Box, BoxReader, Mp4FormatError } from "./mp4-boxes";

/** The samples one movie fragment holds for one track. */
export interface FragmentSamples {
  /** `tfdt` baseMediaDecodeTime: where the fragment starts on the media timeline, if recorded. */
  baseTime: number | undefined;
  samples: number;
  ticks: number;
  minDelta: number;
  maxDelta: number;
}

/** Sample totals and extremes of frame durations, merged over what was seen (the first base time kept). */
export function mergeSamples(a: FragmentSamples, b: FragmentSamples): FragmentSamples {
  return {
    baseTime: a.baseTime ?? b.baseTime,
    samples: a.samples + b.samples,
    ticks: a.ticks + b.ticks,
    minDelta: Math.min(a.minDelta, b.minDelta),
    maxDelta: Math.max(a.maxDelta, b.maxDelta),
  };
}

/**
 * Reads the `traf` of `trackId` in a `moof` (header included): sample durations come from each
 * `trun` sample, else the `tfhd` default, else the `trex` default. Undefined when the fragment has
 * nothing for the track.
 */
export function parseTraf(
  moofBytes: Uint8Array,
  trackId: number,
  trexDuration: number,
): FragmentSamples | undefined {
  const r = new BoxReader(moofBytes);
  const moof: Box = { type: "moof", start: 0, body: 8, end: moofBytes.byteLength };
  for (const traf of r.children(moof.body, moof.end).filter((box) => box.type === "traf")) {
    const tfhd = r.child(traf, "tfhd");
    if (tfhd === undefined || r.u32(tfhd.body + 4, tfhd.end) !== trackId) continue;
    const tfhdFlags = r.u32(tfhd.body, tfhd.end) & 0xffffff;
    // Optional tfhd fields in order: base_data_offset (8), sample_description_index (4), then the duration.
    const durationAt = tfhd.body + 8 + (tfhdFlags & 0x1 ? 8 : 0) + (tfhdFlags & 0x2 ? 4 : 0);
    const defaultDuration = tfhdFlags & 0x8 ? r.u32(durationAt, tfhd.end) : trexDuration;
    const tfdt = r.child(traf, "tfdt");
    let seen: FragmentSamples = {
      baseTime:
        tfdt &&
        (r.u8(tfdt.body, tfdt.end) === 1 ? r.u64(tfdt.body + 4, tfdt.end) : r.u32(tfdt.body + 4, tfdt.end)),
      samples: 0,
      ticks: 0,
      minDelta: Infinity,
      maxDelta: -Infinity,
    };
    for (const trun of r.children(traf.body, traf.end).filter((box) => box.type === "trun")) {
      seen = mergeSamples(seen, parseTrun(r, trun, defaultDuration));
    }
    return seen;
  }
  return undefined;
}

function parseTrun(r: BoxReader, trun: Box, defaultDuration: number): FragmentSamples {
  const flags = r.u32(trun.body, trun.end) & 0xffffff;
  const count = r.u32(trun.body + 4, trun.end);
  const first = trun.body + 8 + (flags & 0x1 ? 4 : 0) + (flags & 0x4 ? 4 : 0);
  // Per-sample fields present: duration (0x100), size (0x200), flags (0x400), composition offset (0x800).
  const record = [0x100, 0x200, 0x400, 0x800].filter((bit) => flags & bit).length * 4;
  if (first + count * record > trun.end) {
    throw new Mp4FormatError("media-corrupt", "a trun lists more samples than it holds");
  }
  const baseTime = undefined;
  if (!(flags & 0x100)) {
    const none = count === 0;
    const ticks = count * defaultDuration;
    return {
      baseTime,
      samples: count,
      ticks,
      minDelta: none ? Infinity : defaultDuration,
      maxDelta: none ? -Infinity : defaultDuration,
    };
  }
  let ticks = 0;
  let minDelta = Infinity;
  let maxDelta = -Infinity;
  for (let i = 0; i < count; i += 1) {
    const delta = r.u32(first + i * record, trun.end);
    ticks += delta;
    minDelta = Math.min(minDelta, delta);
    maxDelta = Math.max(maxDelta, delta);
  }
  return { baseTime, samples: count, ticks, minDelta, maxDelta };
}

/** A segment index: the track it indexes and the seconds its subsegments add up to. */
export function parseSidx(bytes: Uint8Array): { referenceId: number; seconds: number } | undefined {
  const r = new BoxReader(bytes);
  const v1 = r.u8(8) === 1;
  const timescale = r.u32(16);
  const countAt = 20 + (v1 ? 16 : 8) + 2;
  const count = r.u16(countAt);
  let total = 0;
  for (let i = 0; i < count; i += 1) total += r.u32(countAt + 2 + i * 12 + 4);
  return timescale > 0 ? { referenceId: r.u32(12), seconds: total / timescale } : undefined;
}

/** The offset of the last `moof` that the `mfra` (header included) indexes for a track. */
export function lastMoofOffset(mfraBytes: Uint8Array, trackId: number): number | undefined {
  const r = new BoxReader(mfraBytes);
  const mfra: Box = { type: "mfra", start: 0, body: 8, end: mfraBytes.byteLength };
  for (const tfra of r.children(mfra.body, mfra.end).filter((box) => box.type === "tfra")) {
    if (r.u32(tfra.body + 4, tfra.end) !== trackId) continue;
    const v1 = r.u8(tfra.body, tfra.end) === 1;
    const sizes = r.u32(tfra.body + 8, tfra.end);
    // Each entry: time and moof_offset, then traf, trun and sample numbers of 1 to 4 bytes each.
    const entry = (v1 ? 16 : 8) + ((sizes >> 4) & 3) + ((sizes >> 2) & 3) + (sizes & 3) + 3;
    const count = r.u32(tfra.body + 12, tfra.end);
    if (tfra.body + 16 + count * entry > tfra.end) {
      throw new Mp4FormatError("media-corrupt", "the tfra index lists more entries than it holds");
    }
    let offset: number | undefined;
    for (let i = 0; i < count; i += 1) {
      const at = tfra.body + 16 + i * entry + (v1 ? 8 : 4);
      const moof = v1 ? r.u64(at, tfra.end) : r.u32(at, tfra.end);
      offset = Math.max(offset ?? 0, moof);
    }
    return offset;
  }
  return undefined;
}
