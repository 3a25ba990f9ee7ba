import type { ByteSource } from "../bytes/byte-source";
import { BoxReader } from "./mp4-boxes";
import {
  type FragmentSamples,
  lastMoofOffset,
  mergeSamples,
  parseSidx,
  parseTraf,
} from "./mp4-fragment-boxes";
import { readTopLevelHeader, type TopLevelBox } from "./mp4-top-level";
import type { Movie, Track } from "./mp4-tracks";

/** The largest `moof`, `sidx` or `mfra` the probe reads; a bigger one is left unread. */
export const MAX_FRAGMENT_BOX_BYTES = 4 * 1024 * 1024;

/** Bytes read at the end of a fragmented file in one request: the `mfro`, usually the `mfra` with it. */
const TAIL_BYTES = 64 * 1024;

/** Top-level boxes looked at after the `moov` or after the last indexed fragment. */
const MAX_BOXES_SCANNED = 16;

/** A fragmented track's duration (seconds) and average frame rate, each with the reason it is missing. */
export interface FragmentTiming {
  duration: number | undefined;
  fps: number | undefined;
  reason: string | undefined;
}

/**
 * Times a fragmented track without reading every fragment: the duration from `mehd`, else the
 * first `sidx`, else the last fragment that the `mfra` index points to (its `tfdt` plus its
 * samples); the frame rate from the sample durations of the first and last fragments when they are
 * all equal (constant frame rate), since an average over varying durations needs every fragment.
 */
export async function measureFragments(
  source: ByteSource,
  movie: Movie,
  track: Track,
  moovEnd: number,
): Promise<FragmentTiming> {
  const trex = movie.defaultSampleDurations.get(track.id) ?? 0;
  const head = await scanAfterMoov(source, moovEnd, track, trex);
  let seen = moovSamples(track);
  if (head.first) seen = mergeSamples(seen, head.first);
  let duration = movie.fragmentDuration ? movie.fragmentDuration / movie.timescale : head.sidxDuration;
  if (duration === undefined) {
    const last = await lastFragment(source, track, trex);
    if (last?.baseTime !== undefined) duration = (last.baseTime + last.ticks) / track.timescale;
    if (last) seen = mergeSamples(seen, last);
  }
  const constant = seen.samples > 0 && seen.ticks > 0 && seen.maxDelta - seen.minDelta <= 1;
  const fps = constant ? (seen.samples * track.timescale) / seen.ticks : undefined;
  const reason =
    duration === undefined
      ? "fragmented MP4 without mehd, sidx or mfra: its duration is known only by reading every fragment"
      : fps === undefined
        ? "fragmented MP4 whose frame durations vary: its average frame rate is known only by reading every fragment"
        : undefined;
  return { duration, fps, reason };
}

function moovSamples(track: Track): FragmentSamples {
  const seen: FragmentSamples = {
    baseTime: undefined,
    samples: 0,
    ticks: 0,
    minDelta: Infinity,
    maxDelta: -Infinity,
  };
  track.stts.counts.forEach((count, i) => {
    const delta = track.stts.values[i] ?? 0;
    if (count === 0) return;
    seen.samples += count;
    seen.ticks += count * delta;
    seen.minDelta = Math.min(seen.minDelta, delta);
    seen.maxDelta = Math.max(seen.maxDelta, delta);
  });
  return seen;
}

async function readWhole(source: ByteSource, box: TopLevelBox): Promise<Uint8Array | undefined> {
  if (box.end - box.start > MAX_FRAGMENT_BOX_BYTES) return undefined;
  return source.read(box.start, box.end - box.start);
}

/** Reads the boxes between the `moov` and the first fragment: a `sidx` (the track's, else the first), and the first `moof`. */
async function scanAfterMoov(source: ByteSource, moovEnd: number, track: Track, trex: number) {
  let sidx: { referenceId: number; seconds: number } | undefined;
  let first: FragmentSamples | undefined;
  let at = moovEnd;
  for (let i = 0; i < MAX_BOXES_SCANNED && at < source.size; i += 1) {
    const box = await readTopLevelHeader(source, at);
    if (box.type === "sidx" && sidx?.referenceId !== track.id) {
      const bytes = await readWhole(source, box);
      const parsed = bytes && parseSidx(bytes);
      if (sidx === undefined || parsed?.referenceId === track.id) sidx = parsed;
    }
    if (box.type === "moof") {
      const bytes = await readWhole(source, box);
      first = bytes && parseTraf(bytes, track.id, trex);
    }
    if (box.type === "moof" || box.type === "mdat" || box.type === "mfra") break;
    at = box.end;
  }
  return { sidxDuration: sidx?.seconds, first };
}

/** The last fragment holding the track, found through the `mfra` index at the end of the file. */
async function lastFragment(
  source: ByteSource,
  track: Track,
  trex: number,
): Promise<FragmentSamples | undefined> {
  const tailLength = Math.min(source.size, TAIL_BYTES);
  const tail = await source.read(source.size - tailLength, tailLength);
  const r = new BoxReader(tail);
  if (tail.byteLength < 16 || r.type(tail.byteLength - 12) !== "mfro") return undefined;
  const mfraStart = source.size - r.u32(tail.byteLength - 4);
  const mfraHeader = mfraStart >= 0 ? await readTopLevelHeader(source, mfraStart) : undefined;
  const mfra = mfraHeader?.type === "mfra" ? await readWhole(source, mfraHeader) : undefined;
  let at = mfra && lastMoofOffset(mfra, track.id);
  let last: FragmentSamples | undefined;
  // The index lists fragments that start with a sync sample; walk past any that follow the last one.
  for (let i = 0; at !== undefined && i < MAX_BOXES_SCANNED && at < source.size; i += 1) {
    const box = await readTopLevelHeader(source, at);
    if (box.type === "mfra") break;
    if (box.type === "moof") {
      const bytes = await readWhole(source, box);
      if (bytes === undefined) return undefined;
      last = parseTraf(bytes, track.id, trex) ?? last;
    }
    at = box.end;
  }
  return last;
}
