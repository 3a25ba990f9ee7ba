/** What the first frames' timestamps say about a video track's frame rate. */
export type RateVerdict =
  | { kind: "rate"; fps: number; frames: number }
  | { kind: "variable"; frames: number; minInterval: number; maxInterval: number }
  | { kind: "non-standard"; frames: number }
  | { kind: "ambiguous"; frames: number; candidates: number[] }
  | { kind: "few"; frames: number };

// Fewer frames show too few intervals to call a rate constant, whatever rates they fit.
const MIN_FRAMES = 10;
// Two rates of a family (30 and 30000/1001) are 0.1 % apart, so the candidates nearest the mean suffice.
const NEIGHBOURS = 2;

/**
 * Reads a constant frame rate from the first frames' timestamps, in ticks of `tickNs` nanoseconds
 * that the muxer rounded (or truncated) to a whole tick. Candidates are the rates cameras,
 * broadcast and film use: a multiple of 1/2 fps, or one slowed by 1000/1001 (NTSC); a rate is
 * accepted when it is the only candidate that places every frame within its tick, as
 * `round(offset + n × period)` does. Blocks come in decode order: frames past the read may still
 * be presented before the last `reorderDepth` frames read, so those are left out.
 */
export function frameRateOf(timestamps: number[], tickNs: number, reorderDepth: number): RateVerdict {
  const sorted = [...timestamps].sort((a, b) => a - b);
  const shown = sorted.slice(0, Math.max(0, sorted.length - reorderDepth));
  const frames = shown.length;
  const first = shown[0];
  const last = shown[frames - 1];
  if (frames < MIN_FRAMES || first === undefined || last === undefined || last === first) {
    return { kind: "few", frames };
  }
  const mean = (last - first) / (frames - 1);
  const intervals = shown.slice(1).map((t, i) => t - (shown[i] ?? t));
  const minInterval = Math.min(...intervals);
  const maxInterval = Math.max(...intervals);
  // A constant rate rounded to ticks gives intervals of floor(period) or ceil(period) only.
  if (maxInterval - mean > 1 || mean - minInterval > 1) {
    return { kind: "variable", frames, minInterval, maxInterval };
  }
  const fits = candidatesNear(1e9 / (mean * tickNs)).filter((fps) =>
    placesEveryFrame(shown, 1e9 / (fps * tickNs)),
  );
  const [only, ...others] = fits;
  if (only === undefined) return { kind: "non-standard", frames };
  if (others.length === 0) return { kind: "rate", fps: only, frames };
  return { kind: "ambiguous", frames, candidates: fits };
}

/** Multiples of 1/2 fps and their NTSC (× 1000/1001) twins around `fps`. */
function candidatesNear(fps: number): number[] {
  const rates: number[] = [];
  const halves = Math.round(fps * 2);
  const ntscHalves = Math.round((fps * 2 * 1001) / 1000);
  for (let d = -NEIGHBOURS; d <= NEIGHBOURS; d++) {
    if (halves + d > 0) rates.push((halves + d) / 2);
    // k × 500 / 1001 is an exact integer over 1001: 60 × 500 / 1001 is the same double as 30000 / 1001.
    if (ntscHalves + d > 0) rates.push(((ntscHalves + d) * 500) / 1001);
  }
  return rates;
}

/** True when one offset puts every timestamp within a tick of `offset + n × period` (n its rank). */
function placesEveryFrame(shown: number[], period: number): boolean {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  shown.forEach((t, n) => {
    const residual = t - n * period;
    low = Math.min(low, residual);
    high = Math.max(high, residual);
  });
  // Rounding to the nearest tick, or truncating, leaves residuals spread over less than one tick.
  return high - low <= 1 + 1e-9;
}
