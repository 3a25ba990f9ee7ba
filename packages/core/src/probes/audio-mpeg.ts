import { issue } from "../issues";
import type { AudioFacts, AudioInput } from "./audio-facts";
import { trailingTagLength } from "./audio-tags";
import { findFirstMpegFrame } from "./mp3-frame";
import { readMp3StreamHeader } from "./mp3-vbri";

/** Bytes searched for the first frame after the ID3v2 tag: two of the largest frames and some junk. */
const SEARCH_WINDOW = 4 * 1024;

const LAYER_CODECS = { 1: "mp1", 2: "mp2", 3: "mp3" } as const;

/**
 * Duration of an MPEG audio stream from its first frame only, so the bytes read do not grow with
 * the file: Xing/Info or VBRI frame count × samples per frame ÷ rate; for CBR without either,
 * stream bytes × 8 ÷ bitrate, as ffprobe does. This replaces music-metadata's duration, which knows
 * no VBRI and for CBR rounds the byte size to a count of one sampled frame's length (off by about
 * 0.2 % at 44.1 kHz, where frames alternate between two lengths).
 */
export async function measureMpeg({ source, start, format }: AudioInput): Promise<AudioFacts> {
  const window = await source.read(start, SEARCH_WINDOW);
  const first = findFirstMpegFrame(window, start + window.byteLength >= source.size);
  if (first === undefined) {
    return { error: issue("media-corrupt", "no MPEG audio frame follows the ID3v2 tag") };
  }
  const { header } = first;
  const codec = LAYER_CODECS[header.layer];
  const frameStart = start + first.offset;
  const info = readMp3StreamHeader(window.subarray(first.offset), header);
  // ffmpeg and current LAME count the bytes from the info frame on, older LAME the whole file, tags
  // included: only a file shorter than the count is certainly cut.
  if (info?.bytes !== undefined && info.bytes > source.size) {
    const tag = info.kind === "vbri" ? "VBRI" : "Xing/Info";
    const message = `the ${tag} header declares ${info.bytes} bytes of audio, the file has ${source.size}`;
    return { codec, error: issue("media-truncated", message) };
  }
  if (info?.frames !== undefined && info.frames > 0) {
    return { codec, duration: (info.frames * header.samplesPerFrame) / header.sampleRate };
  }
  // music-metadata calls the stream CBR when its first frames share one bitrate.
  if (format.codecProfile === "CBR") {
    const streamBytes = source.size - frameStart - (await trailingTagLength(source, frameStart));
    return { codec, duration: (streamBytes * 8) / header.bitrate };
  }
  return {
    codec,
    omitted: "VBR MPEG audio without a Xing or VBRI header: its duration needs every frame read",
  };
}

/**
 * ADTS AAC has no duration in any header and varies its frame sizes, so a bounded read cannot
 * measure it: the block is omitted rather than estimated.
 */
export async function measureAdts(): Promise<AudioFacts> {
  return { codec: "aac", omitted: "ADTS AAC stores no duration; measuring it needs every frame read" };
}
