/** An MPEG-1/2/2.5 audio frame header (Layer I, II or III). */
export interface MpegFrameHeader {
  /** 1, 2 or 2.5 (MPEG-2.5 is the unofficial low-rate extension). */
  version: number;
  layer: 1 | 2 | 3;
  /** Bits per second. */
  bitrate: number;
  sampleRate: number;
  channels: 1 | 2;
  samplesPerFrame: number;
  /** Bytes in this frame, header and padding included. */
  frameLength: number;
  /** Bytes of Layer III side information after the header: where a Xing/Info tag starts. */
  sideInfoLength: number;
}

// Kilobits per second by bitrate index; index 0 ("free format") and 15 are not measurable.
const BITRATES: Record<string, number[]> = {
  "1-1": [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = {
  1: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  2.5: [11025, 12000, 8000],
};
const VERSIONS = [2.5, undefined, 2, 1] as const;
const LAYERS = [undefined, 3, 2, 1] as const;

/** Parses the 4-byte frame header at `at`, or returns undefined when the bytes are not one. */
export function parseMpegFrameHeader(bytes: Uint8Array, at: number): MpegFrameHeader | undefined {
  const [b0, b1 = 0, b2 = 0, b3 = 0] = bytes.subarray(at, at + 4);
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0 || at + 4 > bytes.byteLength) return undefined;
  const version = VERSIONS[(b1 >> 3) & 3];
  const layer = LAYERS[(b1 >> 1) & 3];
  if (version === undefined || layer === undefined) return undefined;
  const kbps = BITRATES[`${version === 1 ? 1 : 2}-${version === 1 ? layer : Math.min(layer, 2)}`]?.[b2 >> 4];
  const sampleRate = SAMPLE_RATES[version]?.[(b2 >> 2) & 3];
  if (!kbps || sampleRate === undefined) return undefined;
  const bitrate = kbps * 1000;
  const padding = (b2 >> 1) & 1;
  const mono = b3 >> 6 === 3;
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  const frameLength =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samplesPerFrame / 8) * bitrate) / sampleRate) + padding;
  const sideInfoLength = layer !== 3 ? 0 : version === 1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  return {
    version,
    layer,
    bitrate,
    sampleRate,
    channels: mono ? 1 : 2,
    samplesPerFrame,
    frameLength,
    sideInfoLength,
  };
}

/**
 * Finds the first frame in `bytes` followed by a frame of the same stream (or, when `bytes` runs to
 * the end of the file, by that end): a lone 0xFFE sync pattern in junk is not taken for audio.
 */
export function findFirstMpegFrame(
  bytes: Uint8Array,
  endOfFile: boolean,
): { offset: number; header: MpegFrameHeader } | undefined {
  for (let offset = bytes.indexOf(0xff); offset !== -1; offset = bytes.indexOf(0xff, offset + 1)) {
    const header = parseMpegFrameHeader(bytes, offset);
    if (header === undefined) continue;
    const nextAt = offset + header.frameLength;
    if (nextAt + 4 > bytes.byteLength) {
      if (endOfFile && nextAt <= bytes.byteLength) return { offset, header };
      continue;
    }
    const next = parseMpegFrameHeader(bytes, nextAt);
    if (
      next &&
      next.version === header.version &&
      next.layer === header.layer &&
      next.sampleRate === header.sampleRate
    ) {
      return { offset, header };
    }
  }
  return undefined;
}
