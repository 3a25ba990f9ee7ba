import { fileTypeFromBuffer } from "file-type";
import { measureAiff } from "./audio-aiff";
import type { AudioFacts, AudioInput } from "./audio-facts";
import { measureFlac } from "./audio-flac";
import { measureAdts, measureMpeg } from "./audio-mpeg";
import { measureOgg } from "./audio-ogg";
import { measureWav } from "./audio-wav";
import { findFirstMpegFrame } from "./mp3-frame";

/** A container the audio probe measures, and how. */
export interface AudioContainer {
  name: string;
  /** Given to music-metadata so it picks its parser from what we sniffed, not from its own guess. */
  mimeType: string;
  /** Lossless codecs store their bit depth; lossy ones get the configured `lossyBitDepth`. */
  lossless: boolean;
  /**
   * False for Ogg: music-metadata reads 13 whole pages before it stops (131 KiB of a 64 kb/s
   * Opus file, up to 12 s of audio) and still gives no duration, while the first page's
   * identification header holds every field it would give.
   */
  musicMetadata: boolean;
  measure: (input: AudioInput) => Promise<AudioFacts>;
}

const container = (
  name: string,
  mimeType: string,
  lossless: boolean,
  measure: AudioContainer["measure"],
  musicMetadata = true,
): AudioContainer => ({ name, mimeType, lossless, musicMetadata, measure });

const WAV = container("WAV", "audio/wav", true, measureWav);
// COMM holds every field in 18 bytes; see audio-aiff.ts for why not music-metadata's reader.
const AIFF = container("AIFF", "audio/aiff", true, measureAiff, false);
const FLAC = container("FLAC", "audio/flac", true, measureFlac);
const OGG = container("Ogg", "audio/ogg", false, measureOgg, false);
const MPEG = container("MPEG audio", "audio/mpeg", false, measureMpeg);
// music-metadata's MPEG parser also reads ADTS.
const ADTS = container("ADTS AAC", "audio/mpeg", false, measureAdts);

/**
 * Recognises the container from the bytes after any ID3v2 tag, not from the object's MIME type,
 * so a mislabelled file is measured as what it is (or reported as not audio).
 */
export function sniffAudioContainer(head: Uint8Array, endOfFile: boolean): AudioContainer | undefined {
  const tag = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  if (tag(0) === "RIFF" && tag(8) === "WAVE") return WAV;
  if (tag(0) === "FORM" && (tag(8) === "AIFF" || tag(8) === "AIFC")) return AIFF;
  if (tag(0) === "fLaC") return FLAC;
  if (tag(0) === "OggS") return OGG;
  // ADTS: a 12-bit sync then layer 00, which MPEG audio reserves.
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xf6) === 0xf0) return ADTS;
  if (findFirstMpegFrame(head, endOfFile) !== undefined) return MPEG;
  return undefined;
}

/** MIME types file-type gives for the containers above (it knows a file by less than we need). */
const MEASURED_TYPES = /^audio\/(mpeg|wav|x-wav|vnd\.wave|aiff|x-aiff|flac|x-flac|ogg|opus|aac|x-aac)$/;

/** What the bytes are when they are not a container we can measure, for the error or omission. */
export async function describeOtherContent(
  head: Uint8Array,
): Promise<{ kind: "measured-type" | "other-audio" | "not-audio"; type: string }> {
  const type = await fileTypeFromBuffer(head);
  if (type === undefined) return { kind: "not-audio", type: "unrecognised bytes" };
  if (MEASURED_TYPES.test(type.mime)) return { kind: "measured-type", type: type.mime };
  return { kind: /^(audio|video)\//.test(type.mime) ? "other-audio" : "not-audio", type: type.mime };
}
