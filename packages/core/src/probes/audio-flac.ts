import type { ByteSource } from "../bytes/byte-source";
import { issue } from "../issues";
import { crc8Flac, crc16Flac } from "./audio-crc";
import { type AudioFacts, type AudioInput, cutShort } from "./audio-facts";
import { trailingTagLength } from "./audio-tags";
import { parseFlacFrameHeader } from "./flac-frame";

/** Tail searched for the last frame when STREAMINFO does not record the largest frame size. */
const DEFAULT_TAIL = 64 * 1024;
const MAX_METADATA_BLOCKS = 128;

interface StreamInfo {
  maxBlockSize: number;
  maxFrameSize: number;
  sampleRate: number;
  totalSamples: number;
}

/**
 * Checks that a FLAC file ends with a whole last frame (its CRC-16 matches) that closes the sample
 * count of STREAMINFO: a cut upload keeps a valid header, so music-metadata alone would report
 * the full duration. Only the metadata block headers and the last frame are read.
 */
export async function measureFlac({ source, start }: AudioInput): Promise<AudioFacts> {
  const info = await readStreamInfo(source, start);
  if (info === undefined) return { error: issue("media-truncated", "the FLAC STREAMINFO block is cut") };
  if (info.sampleRate === 0) {
    return { error: issue("media-corrupt", "FLAC STREAMINFO gives a sample rate of 0") };
  }
  const audioStart = await skipMetadata(source, start);
  const end = source.size - (await trailingTagLength(source, audioStart));
  if (audioStart >= end) return { error: issue("media-truncated", "the FLAC file has no audio frames") };
  const window = info.maxFrameSize > 0 ? info.maxFrameSize + 32 : DEFAULT_TAIL;
  const from = Math.max(audioStart, end - window);
  const last = findLastFrame(await source.read(from, end - from), info);
  const { sampleRate, totalSamples } = info;
  if (last === undefined) {
    // Without a recorded largest frame the window may simply miss a big last frame: trust the header.
    if (info.maxFrameSize === 0 && totalSamples > 0)
      return { codec: "flac", duration: totalSamples / sampleRate };
    return cutShort({ codec: "flac" }, "the file ends inside the last FLAC frame");
  }
  if (totalSamples > 0 && last.endSample < totalSamples) {
    const message = `the audio ends at sample ${last.endSample} of the ${totalSamples} STREAMINFO declares`;
    return cutShort({ codec: "flac" }, message);
  }
  // A total of 0 means "unknown" (a streaming encoder); the last frame then gives the length.
  return { codec: "flac", duration: (totalSamples > 0 ? totalSamples : last.endSample) / sampleRate };
}

/** Searches backwards for a frame header whose frame runs, CRC-16 intact, to the end of `tail`. */
function findLastFrame(tail: Uint8Array, info: StreamInfo): { endSample: number } | undefined {
  for (let at = tail.lastIndexOf(0xff); at >= 0; at = at > 0 ? tail.lastIndexOf(0xff, at - 1) : -1) {
    const header = parseFlacFrameHeader(tail, at);
    if (
      header === undefined ||
      crc8Flac(tail.subarray(at, at + header.length - 1)) !== tail[at + header.length - 1]
    ) {
      continue;
    }
    const crc = ((tail[tail.byteLength - 2] ?? 0) << 8) | (tail[tail.byteLength - 1] ?? 0);
    if (crc16Flac(tail.subarray(at, tail.byteLength - 2)) !== crc) continue;
    // Fixed-blocksize streams number frames; variable ones number samples (RFC 9639 §9.1.5).
    const firstSample = header.variable ? header.number : header.number * info.maxBlockSize;
    return { endSample: firstSample + header.blockSize };
  }
  return undefined;
}

/** Reads STREAMINFO, which must be the first metadata block ("fLaC", block header, 34 bytes). */
async function readStreamInfo(source: ByteSource, start: number): Promise<StreamInfo | undefined> {
  const head = await source.read(start, 8 + 18);
  if (head.byteLength < 8 + 18 || ((head[4] ?? 0xff) & 0x7f) !== 0) return undefined;
  const view = new DataView(head.buffer, head.byteOffset + 8, 18);
  return {
    maxBlockSize: view.getUint16(2),
    maxFrameSize: view.getUint16(7) * 256 + view.getUint8(9),
    // 20 bits of sample rate, then 3 + 5 bits of channels and depth, then 36 bits of samples.
    sampleRate: view.getUint32(10) >>> 12,
    totalSamples: (view.getUint8(13) & 0x0f) * 2 ** 32 + view.getUint32(14),
  };
}

/** Offset of the first audio frame: after the last metadata block (headers read, bodies skipped). */
async function skipMetadata(source: ByteSource, start: number): Promise<number> {
  let at = start + 4;
  for (let n = 0; n < MAX_METADATA_BLOCKS && at + 4 <= source.size; n += 1) {
    const header = await source.read(at, 4);
    const [flags = 0x80, b1 = 0, b2 = 0, b3 = 0] = header;
    at += 4 + ((b1 << 16) | (b2 << 8) | b3);
    if ((flags & 0x80) !== 0) break;
  }
  return at;
}
