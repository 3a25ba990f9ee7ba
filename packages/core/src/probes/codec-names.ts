// Codec names follow ffprobe's `codec_name` (the ground truth), except that every PCM variant is
// "pcm", the name Encord's audio examples use.

const MATROSKA_CODECS: Record<string, string> = {
  V_VP8: "vp8",
  V_VP9: "vp9",
  V_AV1: "av1",
  "V_MPEG4/ISO/AVC": "h264",
  "V_MPEGH/ISO/HEVC": "hevc",
  V_MPEG1: "mpeg1video",
  V_MPEG2: "mpeg2video",
  V_MJPEG: "mjpeg",
  V_THEORA: "theora",
  V_PRORES: "prores",
  V_FFV1: "ffv1",
  V_UNCOMPRESSED: "rawvideo",
  A_OPUS: "opus",
  A_VORBIS: "vorbis",
  "A_MPEG/L3": "mp3",
  "A_MPEG/L2": "mp2",
  "A_MPEG/L1": "mp1",
  A_FLAC: "flac",
  A_AC3: "ac3",
  A_EAC3: "eac3",
  A_DTS: "dts",
  A_ALAC: "alac",
  A_TRUEHD: "truehd",
  A_WAVPACK4: "wavpack",
  A_TTA1: "tta",
};

const MATROSKA_PREFIXES: [string, string][] = [
  ["A_AAC", "aac"],
  ["A_PCM/", "pcm"],
  ["V_MPEG4/ISO/", "mpeg4"],
];

const FOURCCS: Record<string, string> = {
  MJPG: "mjpeg",
  H264: "h264",
  X264: "h264",
  AVC1: "h264",
  HEVC: "hevc",
  H265: "hevc",
  HVC1: "hevc",
  XVID: "mpeg4",
  DIVX: "mpeg4",
  DX50: "mpeg4",
  FMP4: "mpeg4",
  MP4V: "mpeg4",
  DIV3: "msmpeg4v3",
  MP43: "msmpeg4v3",
  MP42: "msmpeg4v2",
  MPG1: "mpeg1video",
  MPG2: "mpeg2video",
  VP80: "vp8",
  VP90: "vp9",
  AV01: "av1",
  WMV1: "wmv1",
  WMV2: "wmv2",
  WMV3: "wmv3",
  WVC1: "vc1",
  HFYU: "huffyuv",
  FFV1: "ffv1",
  CVID: "cinepak",
  MSVC: "msvideo1",
  CRAM: "msvideo1",
  DVSD: "dvvideo",
};

const WAVE_FORMATS: Record<number, string> = {
  1: "pcm",
  3: "pcm",
  2: "adpcm_ms",
  6: "pcm_alaw",
  7: "pcm_mulaw",
  17: "adpcm_ima_wav",
  80: "mp2",
  85: "mp3",
  255: "aac",
  5648: "aac",
  352: "wmav1",
  353: "wmav2",
  8192: "ac3",
  8193: "dts",
  61868: "flac",
};

// Lossy codecs store no bit depth; the probes report the configured decoder depth for them.
const LOSSY_AUDIO = new Set([
  "mp1",
  "mp2",
  "mp3",
  "aac",
  "opus",
  "vorbis",
  "ac3",
  "eac3",
  "dts",
  "wmav1",
  "wmav2",
]);

/** The codec name of a Matroska CodecID; VfW and ACM tracks name it in their private data. */
export function codecOfMatroska(codecId: string, codecPrivate: Uint8Array | undefined): string {
  const known =
    MATROSKA_CODECS[codecId] ?? MATROSKA_PREFIXES.find(([prefix]) => codecId.startsWith(prefix))?.[1];
  if (known !== undefined) return known;
  // V_MS/VFW/FOURCC carries a BITMAPINFOHEADER, A_MS/ACM a WAVEFORMATEX.
  if (codecId === "V_MS/VFW/FOURCC" && codecPrivate !== undefined && codecPrivate.byteLength >= 20) {
    return codecOfFourcc(codecPrivate.subarray(16, 20));
  }
  if (codecId === "A_MS/ACM" && codecPrivate !== undefined && codecPrivate.byteLength >= 2) {
    return codecOfWaveFormat(codecPrivate);
  }
  return codecId.replace(/^[VAS]_/, "").toLowerCase();
}

/** The codec name of an AVI/VfW compression FourCC (a BITMAPINFOHEADER's biCompression). */
export function codecOfFourcc(fourcc: Uint8Array): string {
  if (fourcc.every((byte) => byte === 0)) return "rawvideo";
  const text = String.fromCharCode(...fourcc);
  return FOURCCS[text.toUpperCase()] ?? text.trim().toLowerCase();
}

/** The codec name of a WAVEFORMATEX (wFormatTag, or the sub-format of WAVE_FORMAT_EXTENSIBLE). */
export function codecOfWaveFormat(format: Uint8Array): string {
  const view = new DataView(format.buffer, format.byteOffset, format.byteLength);
  const tag = format.byteLength >= 2 ? view.getUint16(0, true) : 0;
  // WAVE_FORMAT_EXTENSIBLE keeps the real tag in the first two bytes of its sub-format GUID.
  const real = tag === 0xfffe && format.byteLength >= 26 ? view.getUint16(24, true) : tag;
  return WAVE_FORMATS[real] ?? `wave-0x${real.toString(16).padStart(4, "0")}`;
}

/** Tells whether an audio codec is lossy, so that it has no stored bit depth. */
export function isLossyAudio(codec: string): boolean {
  return LOSSY_AUDIO.has(codec);
}
