import type { IFormat } from "music-metadata";
import type { ByteSource } from "../byte-source";
import type { Issue } from "../issues";

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
