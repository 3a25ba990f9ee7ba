import type { Box, BoxReader } from "./mp4-boxes";
import { parseEsds } from "./mp4-esds";

/** The fields of an audio sample entry before its codec configuration is consulted. */
export interface EntryFields {
  format: string;
  channels: number;
  sampleSize: number;
  sampleRate: number;
}

/** Codec name (ffprobe's), sample rate, channel count and stored depth (lossless only). */
export interface AudioConfig {
  codec: string;
  sampleRate: number;
  channels: number;
  bitDepth: number | undefined;
}

// Uncompressed formats are all "pcm", as the other probes name them (Encord's audio examples do);
// the value is the stored depth when the format fixes it, else the entry's sample size decides.
const PCM_BITS: Record<string, number | undefined> = {
  sowt: undefined,
  twos: undefined,
  lpcm: undefined,
  in24: 24,
  in32: 32,
  fl32: 32,
  fl64: 64,
  "raw ": 8,
};

const LOSSY: Record<string, string> = {
  ".mp3": "mp3",
  "ms\u0000U": "mp3",
  samr: "amr_nb",
  sawb: "amr_wb",
  ulaw: "pcm_mulaw",
  alaw: "pcm_alaw",
};

/** Reads the codec configuration boxes that hold an audio stream's real rate, channels and depth. */
export function audioConfig(r: BoxReader, entry: EntryFields, boxes: Box[]): AudioConfig {
  const box = (type: string) => boxes.find((b) => b.type === type);
  const lossy = (codec: string, over: Partial<AudioConfig> = {}): AudioConfig => ({
    codec,
    sampleRate: entry.sampleRate,
    channels: entry.channels,
    bitDepth: undefined,
    ...over,
  });
  const lossless = (codec: string, bitDepth: number, over: Partial<AudioConfig> = {}): AudioConfig => ({
    ...lossy(codec, over),
    bitDepth,
  });
  const format = entry.format;

  if (format === "mp4a") {
    const esds = box("esds");
    const parsed = esds && parseEsds(r, esds);
    return lossy(parsed?.codec ?? "aac", {
      sampleRate: parsed?.sampleRate ?? entry.sampleRate,
      channels: parsed?.channels ?? entry.channels,
    });
  }
  if (format === "Opus") {
    const dOps = box("dOps");
    // Opus always decodes at 48 kHz, whatever input rate dOps records.
    return lossy("opus", {
      sampleRate: 48000,
      channels: dOps ? r.u8(dOps.body + 1, dOps.end) : entry.channels,
    });
  }
  if (format === "ac-3" || format === "ec-3") {
    const channels = dolbyChannels(r, box(format === "ac-3" ? "dac3" : "dec3"), format);
    return lossy(format === "ac-3" ? "ac3" : "eac3", { channels: channels ?? entry.channels });
  }
  if (format === "alac") {
    // ALACSpecificConfig, a full box: bit depth at +9, channels at +13, sample rate at +24.
    const alac = box("alac");
    if (alac === undefined) return lossless("alac", entry.sampleSize);
    return lossless("alac", r.u8(alac.body + 9, alac.end), {
      channels: r.u8(alac.body + 13, alac.end),
      sampleRate: r.u32(alac.body + 24, alac.end),
    });
  }
  if (format === "fLaC") {
    // dfLa holds the FLAC STREAMINFO block: 20 bits of rate, 3 of channels - 1, 5 of depth - 1.
    const dfLa = box("dfLa");
    if (dfLa === undefined) return lossless("flac", entry.sampleSize);
    const bits = r.u32(dfLa.body + 8 + 10, dfLa.end);
    const depth = ((bits >>> 4) & 0x1f) + 1;
    return lossless("flac", depth, { sampleRate: bits >>> 12, channels: ((bits >>> 9) & 0x7) + 1 });
  }
  if (format === "ipcm" || format === "fpcm") {
    // pcmC: format_flags (1 byte), then PCM_sample_size.
    const pcmC = box("pcmC");
    return lossless("pcm", pcmC ? r.u8(pcmC.body + 5, pcmC.end) : entry.sampleSize);
  }
  if (Object.hasOwn(PCM_BITS, format)) return lossless("pcm", PCM_BITS[format] ?? entry.sampleSize);
  return lossy(LOSSY[format] ?? format.trim());
}

// acmod → full-range channels (ATSC A/52 table 5.8); the LFE flag adds one.
const ACMOD_CHANNELS = [2, 1, 2, 3, 3, 4, 4, 5];

/**
 * Channels of an AC-3 (`dac3`) or E-AC-3 (`dec3`, first independent substream and the channel
 * locations of its dependent substreams) stream, whose sample entry always says 2.
 */
function dolbyChannels(r: BoxReader, config: Box | undefined, format: string): number | undefined {
  if (config === undefined) return undefined;
  if (format === "ac-3") {
    // fscod(2) bsid(5) bsmod(3) acmod(3) lfeon(1) ...
    const bits = (r.u8(config.body + 1, config.end) << 8) | r.u8(config.body + 2, config.end);
    return (ACMOD_CHANNELS[(bits >> 11) & 7] ?? 0) + ((bits >> 10) & 1);
  }
  // data_rate(13) num_ind_sub(3), then fscod(2) bsid(5) reserved(1) asvc(1) bsmod(3) acmod(3)
  // lfeon(1) reserved(3) num_dep_sub(4) and, when dependent substreams exist, chan_loc(9).
  const at = config.body + 2;
  const acmod = (r.u8(at + 1, config.end) >> 1) & 7;
  const lfe = r.u8(at + 1, config.end) & 1;
  const dependents = (r.u8(at + 2, config.end) >> 1) & 0xf;
  let channels = (ACMOD_CHANNELS[acmod] ?? 0) + lfe;
  if (dependents > 0) {
    const location = ((r.u8(at + 2, config.end) & 1) << 8) | r.u8(at + 3, config.end);
    // Lc/Rc, Lrs/Rrs, Cs, Ts, Lsd/Rsd, Lw/Rw, Vhl/Vhr, Vhc, LFE2: pairs count two.
    [2, 2, 1, 1, 2, 2, 2, 1, 1].forEach((n, i) => {
      if (location & (1 << (8 - i))) channels += n;
    });
  }
  return channels;
}
