import { type Box, BoxReader, Mp4FormatError } from "./mp4-boxes";
import { parseSampleEntry, type SampleEntry } from "./mp4-sample-entry";

/** One `elst` entry: a segment of the movie timeline showing media from `mediaTime` (-1: empty). */
export interface Edit {
  segmentDuration: number;
  mediaTime: number;
  rate: number;
}

/** A run-length table (`stts` deltas, `ctts` offsets): `counts[i]` samples carry `values[i]`. */
export interface Runs {
  counts: Uint32Array;
  values: Int32Array;
}

/** What the probe needs of one `trak`. */
export interface Track {
  id: number;
  handler: string;
  /** `tkhd` presentation size, before rotation. */
  width: number;
  height: number;
  /** Degrees, as ffprobe reports the display matrix (counter-clockwise positive). */
  rotation: number;
  timescale: number;
  mediaDuration: number;
  edits: Edit[] | undefined;
  entry: SampleEntry | undefined;
  stts: Runs;
  ctts: Runs | undefined;
}

/** What the probe needs of the `moov`. */
export interface Movie {
  timescale: number;
  duration: number;
  /** True when an `mvex` announces movie fragments (`moof`) after the `moov`. */
  fragmented: boolean;
  /** `mehd` fragment_duration in the movie timescale, when the writer knew it. */
  fragmentDuration: number | undefined;
  /** `trex` default_sample_duration per track id. */
  defaultSampleDurations: Map<number, number>;
  tracks: Track[];
}

/** Parses the boxes of a `moov` (header included) that the probe measures from. */
export function parseMovie(moovBytes: Uint8Array): Movie {
  const r = new BoxReader(moovBytes);
  const moov: Box = { type: "moov", start: 0, body: 8, end: moovBytes.byteLength };
  const mvhd = r.child(moov, "mvhd");
  if (mvhd === undefined) throw new Mp4FormatError("media-corrupt", "the moov box has no mvhd");
  const v1 = r.u8(mvhd.body) === 1;
  const timescale = r.u32(mvhd.body + (v1 ? 20 : 12), mvhd.end);
  if (timescale === 0) throw new Mp4FormatError("media-corrupt", "the mvhd timescale is 0");
  const duration = v1 ? r.u64(mvhd.body + 24, mvhd.end) : r.u32(mvhd.body + 16, mvhd.end);
  const mvex = r.child(moov, "mvex");
  const mehd = mvex && r.child(mvex, "mehd");
  const defaultSampleDurations = new Map<number, number>();
  for (const trex of mvex ? r.children(mvex.body, mvex.end).filter((b) => b.type === "trex") : []) {
    defaultSampleDurations.set(r.u32(trex.body + 4, trex.end), r.u32(trex.body + 12, trex.end));
  }
  const tracks = r
    .children(moov.body, moov.end)
    .filter((box) => box.type === "trak")
    .map((trak) => parseTrack(r, trak));
  return {
    timescale,
    duration: known(duration, v1),
    fragmented: mvex !== undefined,
    fragmentDuration: mehd && (r.u8(mehd.body) === 1 ? r.u64(mehd.body + 4) : r.u32(mehd.body + 4)),
    defaultSampleDurations,
    tracks,
  };
}

// A duration of all ones means "unknown" (ISO 14496-12).
function known(duration: number, v1: boolean): number {
  return duration === (v1 ? 2 ** 64 - 1 : 0xffffffff) ? 0 : duration;
}

function parseTrack(r: BoxReader, trak: Box): Track {
  const tkhd = r.child(trak, "tkhd");
  const mdhd = r.find(trak, "mdia", "mdhd");
  const stbl = r.find(trak, "mdia", "minf", "stbl");
  if (tkhd === undefined || mdhd === undefined) {
    throw new Mp4FormatError("media-corrupt", "a trak has no tkhd or mdhd");
  }
  const tv1 = r.u8(tkhd.body) === 1;
  const matrix = tkhd.body + (tv1 ? 52 : 40);
  const a = r.i32(matrix, tkhd.end) / 65536;
  const b = r.i32(matrix + 4, tkhd.end) / 65536;
  const mv1 = r.u8(mdhd.body) === 1;
  const hdlr = r.find(trak, "mdia", "hdlr");
  const stsd = stbl && r.child(stbl, "stsd");
  const stts = stbl && r.child(stbl, "stts");
  const ctts = stbl && r.child(stbl, "ctts");
  const elst = r.find(trak, "edts", "elst");
  const handler = hdlr ? r.type(hdlr.body + 8, hdlr.end) : "";
  return {
    id: r.u32(tkhd.body + (tv1 ? 20 : 12), tkhd.end),
    handler,
    width: Math.round(r.u32(matrix + 36, tkhd.end) / 65536),
    height: Math.round(r.u32(matrix + 40, tkhd.end) / 65536),
    rotation: normalizeDegrees(-Math.round((Math.atan2(b, a) * 180) / Math.PI)),
    timescale: r.u32(mdhd.body + (mv1 ? 20 : 12), mdhd.end),
    mediaDuration: known(mv1 ? r.u64(mdhd.body + 24, mdhd.end) : r.u32(mdhd.body + 16, mdhd.end), mv1),
    edits: elst && parseEdits(r, elst),
    entry: stsd && parseSampleEntry(r, stsd, handler),
    stts: stts ? parseRuns(r, stts) : { counts: new Uint32Array(0), values: new Int32Array(0) },
    ctts: ctts && parseRuns(r, ctts),
  };
}

/** Degrees in [-180, 180), the range of ffprobe's `-atan2`, so a half turn reads -180 as there. */
function normalizeDegrees(degrees: number): number {
  const turned = ((degrees % 360) + 360) % 360;
  return turned >= 180 ? turned - 360 : turned;
}

function parseEdits(r: BoxReader, elst: Box): Edit[] {
  const v1 = r.u8(elst.body) === 1;
  const count = entryCount(r, elst, v1 ? 20 : 12);
  return Array.from({ length: count }, (_, i) => {
    const at = elst.body + 8 + i * (v1 ? 20 : 12);
    return v1
      ? { segmentDuration: r.u64(at), mediaTime: r.i64(at + 8), rate: r.u16(at + 16) }
      : { segmentDuration: r.u32(at), mediaTime: r.i32(at + 4), rate: r.u16(at + 8) };
  });
}

// `ctts` offsets are read signed in both versions, as ffmpeg does: some writers put negative
// offsets in version 0.
function parseRuns(r: BoxReader, box: Box): Runs {
  const count = entryCount(r, box, 8);
  const counts = new Uint32Array(count);
  const values = new Int32Array(count);
  for (let i = 0; i < count; i += 1) {
    counts[i] = r.u32(box.body + 8 + i * 8);
    values[i] = r.i32(box.body + 12 + i * 8);
  }
  return { counts, values };
}

/** The entry count of a full box, checked against its size before anything is allocated. */
function entryCount(r: BoxReader, box: Box, entrySize: number): number {
  const count = r.u32(box.body + 4, box.end);
  if (box.body + 8 + count * entrySize > box.end) {
    throw new Mp4FormatError("media-corrupt", `the ${box.type} box lists more entries than it holds`);
  }
  return count;
}
