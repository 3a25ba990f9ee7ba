import type { IFormat } from "music-metadata";
import type { ByteSource } from "../bytes/byte-source";
import { type Issue, issue } from "../issues";

/**
 * What a container-specific reader adds to music-metadata's `format`: values it cannot give (a
 * VBRI duration, a WAVE_FORMAT_EXTENSIBLE codec), or why the stream is unusable or not measurable.
 */
export interface AudioFacts {
  /** Short codec family name: "mp3", "pcm", "flac", "vorbis", "opus", "aac". */
  codec?: string;
  duration?: number;
  /** Set by readers that know better than music-metadata (Opus always decodes at 48 kHz). */
  sampleRate?: number;
  numChannels?: number;
  /** Stored bits per sample, for lossless codecs only. */
  bitDepth?: number;
  /** The bytes are not a complete file of the type: the record gets an error and no block. */
  error?: Issue;
  /** The file is fine but its block cannot be measured from a bounded read (no error). */
  omitted?: string;
  /** The file plays but is damaged (cut short): kept, with this on the record. */
  warning?: Issue;
}

/**
 * Facts of a file whose headers are whole but whose audio is cut short: it plays up to the cut
 * (ffprobe opens it), so it is kept, with a `media-truncated` warning and no duration, since the
 * header's count describes audio the file no longer holds.
 */
export function cutShort(facts: AudioFacts, message: string): AudioFacts {
  const { duration: _, ...kept } = facts;
  return {
    ...kept,
    omitted: `${message}: the file was cut, so its duration is not measured`,
    warning: issue("media-truncated", message),
  };
}

/** The parts of music-metadata's `format` the probe uses. */
export type AudioFormat = Pick<
  IFormat,
  "sampleRate" | "numberOfChannels" | "bitsPerSample" | "duration" | "codecProfile"
>;

/** The source, where the audio starts (after any ID3v2 tag), and music-metadata's reading of it. */
export interface AudioInput {
  source: ByteSource;
  start: number;
  /** Empty for containers read without music-metadata (Ogg). */
  format: AudioFormat;
}
