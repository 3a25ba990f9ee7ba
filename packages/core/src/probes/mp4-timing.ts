import type { Runs, Track } from "./mp4-tracks";

/** What a track presents: seconds on the movie timeline, samples shown and the media ticks they span. */
export interface Presentation {
  duration: number;
  frames: number;
  ticks: number;
}

/** A stretch of samples with one `stts` delta and one `ctts` offset. */
interface Stretch {
  count: number;
  dts: number;
  delta: number;
  offset: number;
}

/** A presented range of media time, [start, end) in the media timescale. */
interface Window {
  start: number;
  end: number;
}

/**
 * Measures what a track presents, honouring its edit list: the duration is the sum of the non-empty
 * edits (capped at the media they show, an `elst` duration of 0 meaning all of it), and the frames
 * are the samples whose presentation time (decode time + `ctts` offset) falls inside an edit. So an
 * edit that skips AAC priming or a stream copy's lead-in samples counts as ffprobe counts it.
 */
export function presentTrack(track: Track, movieTimescale: number): Presentation {
  const stretches = [...sampleStretches(track.stts, track.ctts)];
  const ptsEnd = stretches.reduce((end, s) => Math.max(end, s.dts + s.offset + s.count * s.delta), 0);
  const mediaTicks = stretches.reduce((sum, s) => sum + s.count * s.delta, 0);
  const edits = (track.edits ?? []).filter((edit) => edit.mediaTime !== -1);
  const windows: Window[] = [];
  let duration = 0;
  for (const edit of edits) {
    const shown = Math.max(0, ptsEnd - edit.mediaTime);
    const asked = Math.round((edit.segmentDuration * track.timescale) / movieTimescale);
    const whole = edit.segmentDuration === 0 || asked > shown;
    duration += whole ? shown / track.timescale : edit.segmentDuration / movieTimescale;
    // A dwell (rate 0) holds one picture for its duration: time presented, no samples played.
    if (edit.rate !== 0)
      windows.push({ start: edit.mediaTime, end: edit.mediaTime + (whole ? shown : asked) });
  }
  if (edits.length === 0) {
    const media = track.mediaDuration > 0 ? track.mediaDuration : mediaTicks;
    return { duration: media / track.timescale, ...count(stretches, [{ start: -Infinity, end: Infinity }]) };
  }
  return { duration, ...count(stretches, windows) };
}

/** Samples (and their ticks) whose presentation time lies in a window, counted per stretch, not per sample. */
function count(stretches: Stretch[], windows: Window[]): { frames: number; ticks: number } {
  let frames = 0;
  let ticks = 0;
  for (const s of stretches) {
    for (const w of windows) {
      const first = s.dts + s.offset;
      let inside: number;
      if (s.delta === 0) inside = first >= w.start && first < w.end ? s.count : 0;
      else {
        const from = Math.max(0, Math.ceil((w.start - first) / s.delta));
        const to = Math.min(s.count, Math.ceil((w.end - first) / s.delta));
        inside = Math.max(0, to - from);
      }
      frames += inside;
      ticks += inside * s.delta;
    }
  }
  return { frames, ticks };
}

/** Walks `stts` and `ctts` together as stretches of constant delta and offset. */
function* sampleStretches(stts: Runs, ctts: Runs | undefined): Generator<Stretch> {
  let dts = 0;
  let c = 0;
  let cLeft = ctts?.counts[0] ?? Infinity;
  for (let i = 0; i < stts.counts.length; i += 1) {
    let left = stts.counts[i] ?? 0;
    const delta = stts.values[i] ?? 0;
    while (left > 0) {
      // Samples past the end of the ctts table have no offset.
      const offset = ctts === undefined || c >= ctts.counts.length ? 0 : (ctts.values[c] ?? 0);
      const n = Math.min(left, cLeft);
      yield { count: n, dts, delta, offset };
      dts += n * delta;
      left -= n;
      cLeft -= n;
      if (cLeft <= 0 && ctts !== undefined) {
        c += 1;
        cLeft = c < ctts.counts.length ? (ctts.counts[c] ?? 0) : Infinity;
      }
    }
  }
}

/**
 * Whether the decode deltas vary beyond timestamp rounding (one tick, as 33/34 ms at 30 fps in a
 * millisecond timescale): ffprobe then reports an r_frame_rate that differs from avg_frame_rate.
 * A last run of one sample is ignored, since muxers give the final frame an arbitrary duration.
 */
export function isVariableFrameRate(stts: Runs): boolean {
  const deltas: number[] = [];
  stts.counts.forEach((n, i) => {
    const lastSingle = i === stts.counts.length - 1 && n === 1 && i > 0;
    if (n > 0 && !lastSingle) deltas.push(stts.values[i] ?? 0);
  });
  const spread = deltas.reduce((range, d) => ({ min: Math.min(range.min, d), max: Math.max(range.max, d) }), {
    min: Infinity,
    max: -Infinity,
  });
  return spread.max - spread.min > 1;
}
