// Sluice reads MP4/MOV itself rather than through a general-purpose probe because it can do
// measurably better: it hops over box headers, skips `mdat` unread and fetches the `moov` in one
// ranged read, so bytes read depend on the `moov` alone, never on the file size.
import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { Mp4FormatError } from "./mp4-boxes";
import { mp4DisplaySize } from "./mp4-display";
import { measureFragments } from "./mp4-fragments";
import type { AudioEntry, VideoEntry } from "./mp4-sample-entry";
import { isVariableFrameRate, presentTrack } from "./mp4-timing";
import { locateMoov } from "./mp4-top-level";
import { type Movie, parseMovie, type Track } from "./mp4-tracks";
import {
  emptyOutcome,
  type MeasuredFields,
  type MediaProbe,
  type ProbeOutcome,
  type ProbeSettings,
} from "./probe-types";

type Picked<E> = { track: Track; entry: E };

/**
 * Measures an MP4, MOV or M4A: the video fields of its first video track, or, when it has none
 * (an M4A, or audio typed as video), the audio fields of its first audio track.
 */
export const probeMp4: MediaProbe = (source, settings) => probe(source, settings, "video");

/** Measures the audio fields of the first audio track of an MP4, MOV or M4A, whatever else it holds. */
export const probeMp4Audio: MediaProbe = (source, settings) => probe(source, settings, "audio");

async function probe(
  source: ByteSource,
  settings: ProbeSettings,
  prefer: "video" | "audio",
): Promise<ProbeOutcome> {
  try {
    const moov = await locateMoov(source);
    const movie = parseMovie(moov.bytes);
    const video = pick(movie, (t) => (t.entry?.kind === "video" ? { track: t, entry: t.entry } : undefined));
    const audio = pick(movie, (t) => (t.entry?.kind === "audio" ? { track: t, entry: t.entry } : undefined));
    const outcome =
      prefer === "video" && video
        ? await measureVideo(source, movie, video, moov.end)
        : audio
          ? await measureAudio(source, movie, audio, moov.end, settings)
          : undefined;
    if (outcome) {
      if (moov.damage) outcome.warnings.push(issue("media-corrupt", moov.damage));
      return outcome;
    }
    throw new Mp4FormatError(
      "media-no-tracks",
      `the file has no ${prefer === "video" ? "video or " : ""}audio track`,
    );
  } catch (error) {
    const outcome = emptyOutcome();
    outcome.errors.push(
      error instanceof Mp4FormatError
        ? issue(error.code, error.message)
        : // Not a fault in the file (a failed read of the source): kept apart so it can be retried.
          issue(
            "probe-failed",
            `MP4 could not be read: ${error instanceof Error ? error.message : String(error)}`,
          ),
    );
    return outcome;
  }
}

function pick<E>(movie: Movie, match: (track: Track) => Picked<E> | undefined): Picked<E> | undefined {
  for (const track of movie.tracks) {
    const picked = match(track);
    if (picked) return picked;
  }
  return undefined;
}

/** Timing of a track: the edit-list presentation, or what the fragments tell without reading them all. */
async function timing(source: ByteSource, movie: Movie, track: Track, moovEnd: number) {
  // ffmpeg opens such a file (it assumes a timescale of 1 and reports nonsense): no timing is measured.
  if (track.timescale === 0) return { duration: undefined, fps: undefined, reason: zeroTimescale(track) };
  if (movie.fragmented) return measureFragments(source, movie, track, moovEnd);
  const shown = presentTrack(track, movie.timescale);
  if (shown.frames === 0 || shown.ticks === 0) {
    throw new Mp4FormatError("media-corrupt", `track ${track.id} presents no samples`);
  }
  return { duration: shown.duration, fps: (shown.frames * track.timescale) / shown.ticks, reason: undefined };
}

async function measureVideo(
  source: ByteSource,
  movie: Movie,
  { track, entry }: Picked<VideoEntry>,
  moovEnd: number,
): Promise<ProbeOutcome> {
  const outcome = emptyOutcome();
  const { duration, fps, reason } = await timing(source, movie, track, moovEnd);
  // Width and height are as displayed: the pixel shape and rotation applied, the coded size kept.
  const shown = mp4DisplaySize(entry, track);
  const media: MeasuredFields = { codec: entry.codec, rotation: track.rotation, ...shown.size };
  if (duration !== undefined) media.duration = duration;
  if (fps !== undefined) media.fps = fps;
  outcome.media = media;
  for (const why of [reason, shown.reason]) {
    if (why) outcome.omitted.push({ block: "videoMetadata", reason: why });
  }
  timingWarnings(outcome, track);
  if (!movie.fragmented && track.timescale > 0 && isVariableFrameRate(track.stts)) {
    outcome.warnings.push(
      issue(
        "variable-frame-rate",
        `frame durations vary; fps ${fps?.toFixed(3)} is the average over the presented frames`,
      ),
    );
  }
  return outcome;
}

async function measureAudio(
  source: ByteSource,
  movie: Movie,
  { track, entry }: Picked<AudioEntry>,
  moovEnd: number,
  settings: ProbeSettings,
): Promise<ProbeOutcome> {
  const outcome = emptyOutcome();
  const { duration, reason } = await timing(source, movie, track, moovEnd);
  const media: MeasuredFields = { codec: entry.codec };
  // A rate over 65535 does not fit the entry's 16.16 field; the media timescale then holds it.
  const sampleRate = entry.sampleRate > 0 ? entry.sampleRate : track.timescale;
  if (isCount(sampleRate)) media.sampleRate = sampleRate;
  if (isCount(entry.channels)) media.numChannels = entry.channels;
  const bitDepth = entry.bitDepth ?? settings.lossyBitDepth;
  if (isCount(bitDepth)) media.bitDepth = bitDepth;
  if (duration !== undefined) media.duration = duration;
  outcome.media = media;
  if (duration === undefined && reason) outcome.omitted.push({ block: "audioMetadata", reason });
  timingWarnings(outcome, track);
  return outcome;
}

function zeroTimescale(track: Track): string {
  return `track ${track.id} has a timescale of 0, so its timing cannot be measured`;
}

/** A damage warning for a track whose timing fields are broken though the file plays. */
function timingWarnings(outcome: ProbeOutcome, track: Track): void {
  if (track.timescale === 0) outcome.warnings.push(issue("media-corrupt", zeroTimescale(track)));
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}
