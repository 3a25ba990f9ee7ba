import type { ByteSource } from "../../packages/core/src/bytes/byte-source";

/** An MPEG-1 Layer III stream to synthesise: one bit rate per frame, stereo, no CRC. */
export interface SyntheticMp3 {
  sampleRate: 32_000 | 44_100 | 48_000;
  /** Bit rate of each frame in kb/s (one of MPEG-1 Layer III's 14). */
  kbps: readonly number[];
  /**
   * "grid": the padding an encoder uses to hold the bit rate exactly (a running remainder, as LAME
   * does); otherwise one flag per frame, cycled.
   */
  padding?: "grid" | readonly boolean[];
  /** Bytes before the first frame (an ID3v2 tag of that total size when ≥ 10). */
  leading?: number;
  /** Bytes after the last frame: "TAG" and zeros, as an ID3v1 tag (128) would be. */
  trailing?: number;
  /** Object size: the bytes after the stream and its tags read as zeros up to it. */
  size?: number;
}

const KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const RATES = [44_100, 48_000, 32_000];
const TAG = [0x54, 0x41, 0x47];

/** Samples in one MPEG-1 Layer III frame. */
export const SAMPLES_PER_FRAME = 1152;

/**
 * A ByteSource of a synthetic MP3 of any length, made on demand (only the frame start offsets are
 * kept), whose frame bodies are a byte pattern that holds 0xFF bytes, as real audio data does.
 */
export function syntheticMp3(stream: SyntheticMp3): ByteSource & { streamEnd: number } {
  const { sampleRate, kbps, padding = "grid", leading = 0, trailing = 0 } = stream;
  const starts = new Float64Array(kbps.length + 1);
  const third = new Uint8Array(kbps.length);
  starts[0] = leading;
  let remainder = 0;
  kbps.forEach((rate, i) => {
    const exact = (144 * rate * 1000) / sampleRate;
    let pad = false;
    if (padding === "grid") {
      remainder += exact - Math.floor(exact);
      pad = remainder >= 1 - 1e-9;
      if (pad) remainder -= 1;
    } else pad = padding.length > 0 && padding[i % padding.length] === true;
    const length = Math.floor(exact) + (pad ? 1 : 0);
    starts[i + 1] = (starts[i] ?? 0) + length;
    third[i] = (KBPS.indexOf(rate) << 4) | (RATES.indexOf(sampleRate) << 2) | (pad ? 2 : 0);
  });
  const streamEnd = starts[kbps.length] ?? leading;
  const size = stream.size ?? streamEnd + trailing;
  const tag = id3v2(leading);
  const byteAt = (p: number, frame: number): number => {
    const at = p - (starts[frame] ?? 0);
    if (at === 0) return 0xff;
    if (at === 1) return 0xfb;
    if (at === 2) return third[frame] ?? 0;
    if (at === 3) return 0x00;
    return (at * 73 + frame * 31) & 0xff;
  };
  return {
    size,
    streamEnd,
    read: async (offset, length) => {
      const end = Math.max(offset, Math.min(size, offset + length));
      const out = new Uint8Array(end - offset);
      let frame = frameAt(starts, offset);
      for (let p = offset; p < end; p += 1) {
        if (p < leading) out[p - offset] = tag[p] ?? 0;
        else if (p >= streamEnd) out[p - offset] = p < streamEnd + trailing ? (TAG[p - streamEnd] ?? 0) : 0;
        else {
          while ((starts[frame + 1] ?? Number.POSITIVE_INFINITY) <= p) frame += 1;
          out[p - offset] = byteAt(p, frame);
        }
      }
      return out;
    },
  };
}

/** The expected duration: whole frames × samples per frame ÷ rate. */
export function mp3Duration(stream: SyntheticMp3): number {
  return (stream.kbps.length * SAMPLES_PER_FRAME) / stream.sampleRate;
}

/** Index of the frame holding byte `p` (0 before the first frame), by binary search. */
function frameAt(starts: Float64Array, p: number): number {
  let low = 0;
  let high = starts.length - 2;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((starts[mid] ?? 0) <= p) low = mid;
    else high = mid - 1;
  }
  return Math.max(0, low);
}

/** An ID3v2.4 tag of `length` bytes in all (header and zero padding), or nothing when too short. */
function id3v2(length: number): Uint8Array {
  const tag = new Uint8Array(length);
  if (length < 10) return tag;
  const body = length - 10;
  tag.set([
    0x49,
    0x44,
    0x33,
    4,
    0,
    0,
    (body >> 21) & 0x7f,
    (body >> 14) & 0x7f,
    (body >> 7) & 0x7f,
    body & 0x7f,
  ]);
  return tag;
}
