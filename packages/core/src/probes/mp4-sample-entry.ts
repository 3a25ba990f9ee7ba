import { audioConfig } from "./mp4-audio-config";
import { type Box, type BoxReader, Mp4FormatError } from "./mp4-boxes";

/** A video sample entry: codec (ffprobe's codec_name), coded size and pixel shape. */
export interface VideoEntry {
  kind: "video";
  format: string;
  codec: string;
  width: number;
  height: number;
  /**
   * The `pasp` box's hSpacing:vSpacing; undefined without one, "unreadable" when the entry's child
   * boxes do not parse (so whether it has one is unknown).
   */
  pixelAspect: [number, number] | undefined | "unreadable";
}

/** An audio sample entry, with what its codec configuration says over the entry's own fields. */
export interface AudioEntry {
  kind: "audio";
  format: string;
  codec: string;
  sampleRate: number;
  channels: number;
  /** The stored depth of a lossless codec; undefined for lossy codecs, which store none. */
  bitDepth: number | undefined;
}

/** The first sample description of a track. */
export type SampleEntry = VideoEntry | AudioEntry;

// Sample entry formats as ffprobe names their codecs.
const VIDEO_CODECS: Record<string, string> = {
  avc1: "h264",
  avc3: "h264",
  dvav: "h264",
  dva1: "h264",
  hvc1: "hevc",
  hev1: "hevc",
  dvh1: "hevc",
  dvhe: "hevc",
  av01: "av1",
  vp09: "vp9",
  vp08: "vp8",
  mp4v: "mpeg4",
  jpeg: "mjpeg",
  mjpa: "mjpeg",
  mjpb: "mjpeg",
  apch: "prores",
  apcn: "prores",
  apcs: "prores",
  apco: "prores",
  ap4h: "prores",
  ap4x: "prores",
  s263: "h263",
  h263: "h263",
};

/** Parses the first entry of an `stsd` for a video (`vide`) or audio (`soun`) track. */
export function parseSampleEntry(r: BoxReader, stsd: Box, handler: string): SampleEntry | undefined {
  const entry = r.children(stsd.body + 8, stsd.end)[0];
  if (entry === undefined) return undefined;
  if (handler === "vide") return videoEntry(r, entry);
  if (handler === "soun") return audioEntry(r, entry, r.u32(stsd.body, stsd.end) >>> 24);
  return undefined;
}

/** The format an encrypted entry (`encv`, `enca`) stands for, from its `sinf/frma`. */
function originalFormat(r: BoxReader, entry: Box, childrenAt: number): string {
  if (entry.type !== "encv" && entry.type !== "enca") return entry.type;
  const sinf = r.children(childrenAt, entry.end).find((box) => box.type === "sinf");
  const frma = sinf && r.child(sinf, "frma");
  return frma ? r.type(frma.body, frma.end) : entry.type;
}

function videoEntry(r: BoxReader, entry: Box): VideoEntry {
  const format = originalFormat(r, entry, entry.start + 86);
  return {
    kind: "video",
    format,
    codec: VIDEO_CODECS[format] ?? format.trim(),
    width: r.u16(entry.start + 32, entry.end),
    height: r.u16(entry.start + 34, entry.end),
    pixelAspect: pixelAspect(r, entry),
  };
}

// The child boxes of a visual sample entry follow its 78 bytes of fields. A damaged child list
// leaves the pixel shape unknown rather than the file unreadable: ffmpeg still plays it.
function pixelAspect(r: BoxReader, entry: Box): VideoEntry["pixelAspect"] {
  try {
    const pasp = r.children(entry.start + 86, entry.end).find((box) => box.type === "pasp");
    return pasp && [r.u32(pasp.body, pasp.end), r.u32(pasp.body + 4, pasp.end)];
  } catch (error) {
    if (error instanceof Mp4FormatError) return "unreadable";
    throw error;
  }
}

/**
 * The audio sample entry's own fields (ISO, QuickTime version 1 and 2 layouts), refined by the
 * codec's configuration box: an AAC entry says 2 channels and 16 bits whatever the stream holds.
 */
function audioEntry(r: BoxReader, entry: Box, stsdVersion: number): AudioEntry {
  const version = r.u16(entry.start + 16, entry.end);
  // QuickTime version 1 adds 16 bytes and version 2 replaces the fields with 36 bytes of its own;
  // an ISO AudioSampleEntryV1 (stsd version 1) keeps the version 0 layout.
  const quickTimeV1 = version === 1 && stsdVersion === 0;
  const childrenAt = entry.start + (version === 2 ? 72 : quickTimeV1 ? 52 : 36);
  if (childrenAt > entry.end) {
    throw new Mp4FormatError("media-corrupt", `the audio sample entry ${entry.type} is too short`);
  }
  const v2 = version === 2;
  const sampleSize = v2 ? r.u32(entry.start + 56, entry.end) : r.u16(entry.start + 26, entry.end);
  const base = {
    format: originalFormat(r, entry, childrenAt),
    channels: v2 ? r.u32(entry.start + 48, entry.end) : r.u16(entry.start + 24, entry.end),
    sampleSize,
    sampleRate: v2
      ? Math.round(r.f64(entry.start + 40, entry.end))
      : r.u32(entry.start + 32, entry.end) >>> 16,
  };
  // QuickTime wraps the codec configuration of `mp4a` and `alac` in a `wave` box.
  const children = r.children(childrenAt, entry.end);
  const wave = children.find((box) => box.type === "wave");
  const all = wave ? [...children, ...r.children(wave.body, wave.end)] : children;
  const config = audioConfig(r, base, all);
  return { kind: "audio", format: base.format, ...config };
}
