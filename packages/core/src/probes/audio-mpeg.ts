import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { type AudioFacts, type AudioInput, cutShort } from "./audio-facts";
import { trailingTagLength } from "./audio-tags";
import { type CbrCount, countCbrFrames } from "./mp3-cbr";
import { findFirstMpegFrame } from "./mp3-frame";
import { readMp3StreamHeader } from "./mp3-vbri";
import { countMpegFrames, type MpegFrame } from "./mp3-walk";

/** Bytes searched for the first frame after the ID3v2 tag: two of the largest frames and some junk. */
const SEARCH_WINDOW = 4 * 1024;
/**
 * A stream without a frame count in a header is counted frame by frame when it fits in one ranged
 * read of this size (about 2 minutes at 128 kb/s); a longer one is counted only when sampled
 * frames prove it constant-bit-rate (mp3-cbr.ts).
 */
export const MPEG_WALK_LIMIT = 2 * 1024 * 1024;

const LAYER_CODECS = { 1: "mp1", 2: "mp2", 3: "mp3" } as const;

/**
 * Duration of an MPEG audio stream as whole frames × samples per frame ÷ rate, never estimated:
 * the frame count comes from a Xing/Info or VBRI header, else from walking every frame of a short
 * stream, else from a constant bit rate that frames sampled across the stream prove; otherwise
 * the block is omitted. music-metadata's duration is not used: it knows no VBRI and extrapolates
 * CBR from its first frames, as ffprobe does.
 */
export async function measureMpeg({ source, start }: AudioInput): Promise<AudioFacts> {
  const window = await source.read(start, SEARCH_WINDOW);
  const found = findFirstMpegFrame(window, start + window.byteLength >= source.size);
  if (found === undefined) {
    return { error: issue("media-corrupt", "no MPEG audio frame follows the ID3v2 tag") };
  }
  const { header } = found;
  const codec = LAYER_CODECS[header.layer];
  const first = { offset: start + found.offset, header };
  const info = readMp3StreamHeader(window.subarray(found.offset), header);
  // ffmpeg and current LAME count the bytes from the info frame on, older LAME the whole file, tags
  // included: only a file shorter than the count is certainly cut. A cut MP3 still plays (ffprobe
  // opens it), so it is kept; its header's frame count is no longer its duration.
  if (info?.bytes !== undefined && info.bytes > source.size) {
    const tag = info.kind === "vbri" ? "VBRI" : "Xing/Info";
    const message = `the ${tag} header declares ${info.bytes} bytes of audio, the file has ${source.size}`;
    return cutShort({ codec }, message);
  }
  if (info?.frames !== undefined && info.frames > 0) {
    return { codec, duration: (info.frames * header.samplesPerFrame) / header.sampleRate };
  }
  const counted = await countFrames(source, first);
  if ("omitted" in counted) return { codec, omitted: counted.omitted };
  // An info frame without a count is silence the encoder wrote for its header, not audio.
  const frames = counted.frames - (info === undefined ? 0 : 1);
  return { codec, duration: (Math.max(0, frames) * header.samplesPerFrame) / header.sampleRate };
}

/** Counts the frames from the first on: all of them when the rest of the file fits one read. */
async function countFrames(source: ByteSource, first: MpegFrame): Promise<CbrCount> {
  if (source.size - first.offset <= MPEG_WALK_LIMIT) {
    const bytes = await source.read(first.offset, source.size - first.offset);
    return { frames: countMpegFrames(bytes, 0, first.header) };
  }
  const streamEnd = source.size - (await trailingTagLength(source, first.offset));
  const counted = await countCbrFrames(source, first, streamEnd);
  if ("frames" in counted) return counted;
  const limit = `${MPEG_WALK_LIMIT / 1024 / 1024} MiB`;
  return {
    omitted: `MPEG audio without a Xing or VBRI header and over ${limit}: counting its frames needs every frame read, and sampled frames do not prove a constant bit rate (${counted.omitted})`,
  };
}

/**
 * ADTS AAC has no duration in any header and varies its frame sizes, so a bounded read cannot
 * measure it: the block is omitted rather than estimated.
 */
export async function measureAdts(): Promise<AudioFacts> {
  return { codec: "aac", omitted: "ADTS AAC stores no duration; measuring it needs every frame read" };
}
