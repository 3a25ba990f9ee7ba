import { issue } from "../issues";
import { codecOfMatroska, isLossyAudio } from "./codec-names";
import { type ClusterRate, measureClusterRate } from "./matroska-frame-rate";
import { readMatroskaHeaders } from "./matroska-layout";
import { type MatroskaInfo, type MatroskaTrack, parseInfo, parseTracks } from "./matroska-tracks";
import { failedOutcome, ProbeFailureError } from "./probe-failure";
import { emptyOutcome, type MediaProbe, type ProbeOutcome, type ProbeSettings } from "./probe-types";

const NO_DURATION =
  "WebM/Matroska has no Duration (typical of browser recordings); Sluice does not read every cluster to measure it";
const NO_FRAME_RATE =
  "the WebM/Matroska video track has no DefaultDuration (no stored frame rate, typical of variable-frame-rate " +
  "recordings); Sluice does not read every cluster to count frames";
const NOT_TIMED: ClusterRate = { reason: NO_FRAME_RATE, variable: false };

// ffmpeg's Matroska demuxer turns 10⁹/DefaultDuration into a fraction with terms of at most 30000;
// doing the same gives ffprobe's exact avg_frame_rate (33366666 ns → 30000/1001, not 29.97002997).
const MAX_RATE_TERM = 30_000;

/**
 * Measures a Matroska or WebM file (video/webm, audio/webm, video/x-matroska, video/matroska,
 * audio/x-matroska, audio/matroska) from its EBML header, Segment Info and Tracks; only a video
 * track without DefaultDuration has its first Clusters read, to time its frames. The duration is
 * the Segment's, the timeline every track is presented on.
 */
export const probeMatroska: MediaProbe = async (source, settings) => {
  try {
    const headers = await readMatroskaHeaders(source);
    const info = parseInfo(headers.info);
    const tracks = parseTracks(headers.tracks);
    const video = tracks.find((track) => track.type === 1);
    // Without a Duration the block is omitted whatever the rate, so no Cluster is read for it.
    const timed =
      video !== undefined && video.defaultDuration === undefined && info.duration !== undefined
        ? await measureClusterRate(source, headers, info.timestampScale, video.codecId)
        : NOT_TIMED;
    return measure(info, tracks, timed, settings);
  } catch (error) {
    return failedOutcome(error, "Matroska/WebM");
  }
};

function measure(
  info: MatroskaInfo,
  tracks: MatroskaTrack[],
  timed: ClusterRate,
  settings: ProbeSettings,
): ProbeOutcome {
  const video = tracks.find((track) => track.type === 1);
  if (video !== undefined) return measureVideo(info, video, timed);
  const audio = tracks.find((track) => track.type === 2);
  if (audio !== undefined) return measureAudio(info, audio, settings);
  throw new ProbeFailureError("media-corrupt", "the Tracks element has no video or audio track");
}

// Matroska stores no per-stream duration outside the Clusters, and players show the first frame from
// 0 on the Segment's timeline: a video starting late (h264-mp3.mkv at 0.025 s) differs by under a frame.
function measureVideo(info: MatroskaInfo, track: MatroskaTrack, timed: ClusterRate): ProbeOutcome {
  const outcome = emptyOutcome();
  const { pixelWidth, pixelHeight } = track.video ?? { pixelWidth: 0, pixelHeight: 0 };
  if (pixelWidth <= 0 || pixelHeight <= 0) {
    throw new ProbeFailureError("media-corrupt", "the video track has no PixelWidth/PixelHeight");
  }
  // Width and height are as displayed (the Display size applied, matroska-display.ts); the coded
  // size is kept beside them when it differs.
  outcome.media = { ...track.display?.size, codec: codecOfMatroska(track.codecId, track.codecPrivate) };
  if (track.display?.reason) outcome.omitted.push({ block: "videoMetadata", reason: track.display.reason });
  const reasons: string[] = [];
  if (track.defaultDuration !== undefined) outcome.media.fps = frameRate(track.defaultDuration);
  else if ("fps" in timed) outcome.media.fps = timed.fps;
  else reasons.push(timed.reason);
  if ("variable" in timed && timed.variable) {
    outcome.warnings.push(
      issue("variable-frame-rate", "frame intervals vary in the first Clusters; fps is not sent"),
    );
  }
  if (info.duration === undefined) reasons.push(NO_DURATION);
  else outcome.media.duration = checkedDuration(info.duration);
  if (reasons.length > 0) outcome.omitted.push({ block: "videoMetadata", reason: reasons.join("; ") });
  return outcome;
}

function measureAudio(info: MatroskaInfo, track: MatroskaTrack, settings: ProbeSettings): ProbeOutcome {
  const outcome = emptyOutcome();
  const { samplingFrequency, channels, bitDepth } = track.audio ?? { samplingFrequency: 8000, channels: 1 };
  if (!(samplingFrequency >= 1) || !Number.isFinite(samplingFrequency) || channels < 1) {
    throw new ProbeFailureError(
      "media-corrupt",
      "the audio track has no valid sampling frequency or channel count",
    );
  }
  const codec = codecOfMatroska(track.codecId, track.codecPrivate);
  const depth = isLossyAudio(codec) ? settings.lossyBitDepth : (bitDepth ?? flacBitDepth(track));
  outcome.media = { codec, sampleRate: Math.round(samplingFrequency), numChannels: channels };
  if (depth !== undefined && depth > 0) outcome.media.bitDepth = depth;
  if (info.duration === undefined) outcome.omitted.push({ block: "audioMetadata", reason: NO_DURATION });
  else outcome.media.duration = checkedDuration(info.duration);
  return outcome;
}

function checkedDuration(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new ProbeFailureError("media-corrupt", `the Segment Duration ${seconds} is not a length of time`);
  }
  return seconds;
}

/** Bits per sample from a FLAC track's STREAMINFO ("fLaC", a 4-byte block header, then 34 bytes). */
function flacBitDepth(track: MatroskaTrack): number | undefined {
  const info = track.codecId === "A_FLAC" ? track.codecPrivate?.subarray(8) : undefined;
  const high = info?.[12];
  const low = info?.[13];
  return high === undefined || low === undefined ? undefined : (((high & 1) << 4) | (low >> 4)) + 1;
}

/** The best fraction with numerator and denominator ≤ 30000 for 10⁹/ns (libavutil's av_reduce). */
function frameRate(nanoseconds: number): number {
  let num = 1e9;
  let den = nanoseconds;
  const divisor = gcd(num, den);
  num /= divisor;
  den /= divisor;
  if (num <= MAX_RATE_TERM && den <= MAX_RATE_TERM) return num / den;
  let [n0, d0, n1, d1] = [0, 1, 1, 0];
  while (den > 0) {
    const x = Math.floor(num / den);
    const [n2, d2] = [x * n1 + n0, x * d1 + d0];
    if (n2 > MAX_RATE_TERM || d2 > MAX_RATE_TERM) {
      // The last partial quotient, shrunk to fit, when it is closer than the previous convergent.
      let y = n1 > 0 ? Math.floor((MAX_RATE_TERM - n0) / n1) : x;
      if (d1 > 0) y = Math.min(y, Math.floor((MAX_RATE_TERM - d0) / d1));
      if (den * (2 * y * d1 + d0) > num * d1) [n1, d1] = [y * n1 + n0, y * d1 + d0];
      break;
    }
    [n0, d0, n1, d1] = [n1, d1, n2, d2];
    [num, den] = [den, num - den * x];
  }
  // A frame lasting over 30000 s reduces to 0/1: no rate a video can have.
  if (n1 === 0) {
    throw new ProbeFailureError("media-corrupt", `DefaultDuration ${nanoseconds} ns is not a frame rate`);
  }
  return n1 / d1;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
