import type { Box, BoxReader } from "./mp4-boxes";

/** What an `esds` says: the codec (from objectTypeIndication) and, for AAC, the real rate and channels. */
export interface EsdsInfo {
  codec: string;
  sampleRate: number | undefined;
  channels: number | undefined;
}

// MPEG-4 objectTypeIndication values as ffprobe names the codecs.
const OBJECT_TYPES: Record<number, string> = {
  64: "aac",
  102: "aac",
  103: "aac",
  104: "aac",
  105: "mp3",
  107: "mp3",
  165: "ac3",
  166: "eac3",
  221: "vorbis",
};

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
// channelConfiguration → channel count; 0 means a program config element, which is not read here.
const AAC_CHANNELS = [0, 1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 7, 8, 24, 8];

/**
 * Parses an `esds` (ES_Descriptor → DecoderConfigDescriptor → DecoderSpecificInfo): the sample
 * entry of an AAC track always says 2 channels and often the wrong rate, the AudioSpecificConfig
 * does not.
 */
export function parseEsds(r: BoxReader, esds: Box): EsdsInfo | undefined {
  let at = esds.body + 4;
  const descriptor = (): { tag: number; body: number; end: number } => {
    const tag = r.u8(at, esds.end);
    let size = 0;
    let i = 1;
    // Sizes are 1 to 4 bytes of 7 bits, the top bit meaning "more".
    for (; i <= 4; i += 1) {
      const byte = r.u8(at + i, esds.end);
      size = (size << 7) | (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
    const body = at + Math.min(i, 4) + 1;
    return { tag, body, end: Math.min(esds.end, body + size) };
  };
  const es = descriptor();
  if (es.tag !== 0x03) return undefined;
  const flags = r.u8(es.body + 2, es.end);
  at = es.body + 3;
  if (flags & 0x80) at += 2;
  if (flags & 0x40) at += 1 + r.u8(at, es.end);
  if (flags & 0x20) at += 2;
  const config = descriptor();
  if (config.tag !== 0x04) return undefined;
  const objectType = r.u8(config.body, config.end);
  const codec = OBJECT_TYPES[objectType] ?? "aac";
  at = config.body + 13;
  if (codec !== "aac" || at >= config.end) return { codec, sampleRate: undefined, channels: undefined };
  const specific = descriptor();
  if (specific.tag !== 0x05) return { codec, sampleRate: undefined, channels: undefined };
  return { codec, ...audioSpecificConfig(new BitReader(r, specific.body, specific.end)) };
}

/** AudioSpecificConfig (ISO 14496-3 1.6.2.1) up to the SBR/PS extension that changes the output. */
function audioSpecificConfig(bits: BitReader): {
  sampleRate: number | undefined;
  channels: number | undefined;
} {
  const objectType = (): number => {
    const type = bits.read(5);
    return type === 31 ? 32 + bits.read(6) : type;
  };
  const rate = (): number | undefined => {
    const index = bits.read(4);
    return index === 15 ? bits.read(24) : AAC_RATES[index];
  };
  const type = objectType();
  let sampleRate = rate();
  const config = bits.read(4);
  let channels = AAC_CHANNELS[config] || undefined;
  // Explicit HE-AAC (SBR, 5) and HE-AAC v2 (PS, 29) decode at the extension rate; PS makes mono stereo.
  if (type === 5 || type === 29) {
    sampleRate = rate();
    if (type === 29 && channels === 1) channels = 2;
  }
  return { sampleRate, channels };
}

class BitReader {
  private bit = 0;
  constructor(
    private readonly r: BoxReader,
    private readonly start: number,
    private readonly end: number,
  ) {}

  read(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i += 1) {
      const byte = this.r.u8(this.start + (this.bit >>> 3), this.end);
      value = value * 2 + ((byte >>> (7 - (this.bit & 7))) & 1);
      this.bit += 1;
    }
    return value;
  }
}
