/**
 * The kinds of track seen in a container's first bytes; `complete` when the whole track list
 * was inside them, so that "audio and no video" can be trusted.
 */
export interface TrackPeek {
  video: boolean;
  audio: boolean;
  complete: boolean;
}

const NOTHING: TrackPeek = { video: false, audio: false, complete: false };

interface Box {
  type: string;
  start: number;
  end: number;
}

// Written by hand rather than with a general probe: the handler boxes sit in the first few KB of
// a fast-start file, and a probe would read far more to report the same two flags.
function* boxes(bytes: Uint8Array, from: number, to: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = from;
  while (at + 8 <= Math.min(to, bytes.byteLength)) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > bytes.byteLength) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      // Size 0: the box runs to the end of the file, which a head cannot show.
      size = Number.POSITIVE_INFINITY;
    }
    if (size < header) return;
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

function child(bytes: Uint8Array, parent: Box, type: string): Box[] {
  return [...boxes(bytes, parent.start, parent.end)].filter((b) => b.type === type);
}

/** Reads the handler types (`vide`, `soun`) of the tracks of an ISO-BMFF file (MP4, MOV, 3GP). */
export function peekIsoBmffTracks(bytes: Uint8Array): TrackPeek {
  const moov = [...boxes(bytes, 0, bytes.byteLength)].find((b) => b.type === "moov");
  if (!moov) return NOTHING;
  const peek: TrackPeek = { video: false, audio: false, complete: moov.end <= bytes.byteLength };
  for (const trak of child(bytes, moov, "trak")) {
    for (const mdia of child(bytes, trak, "mdia")) {
      for (const hdlr of child(bytes, mdia, "hdlr")) {
        if (hdlr.start + 12 > bytes.byteLength) continue;
        const handler = String.fromCharCode(...bytes.subarray(hdlr.start + 8, hdlr.start + 12));
        if (handler === "vide") peek.video = true;
        if (handler === "soun") peek.audio = true;
      }
    }
  }
  return peek;
}

interface Element {
  id: number;
  start: number;
  end: number;
  sizeKnown: boolean;
}

/** Reads an EBML variable-length integer; `keepMarker` keeps the length bits, as element IDs do. */
function readVint(
  bytes: Uint8Array,
  at: number,
  keepMarker: boolean,
): { value: number; length: number; allOnes: boolean } | undefined {
  const first = bytes[at];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.byteLength) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i] ?? 0;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, allOnes };
}

function* elements(bytes: Uint8Array, from: number, to: number): Generator<Element> {
  let at = from;
  while (at < Math.min(to, bytes.byteLength)) {
    const id = readVint(bytes, at, true);
    const size = id && readVint(bytes, at + id.length, false);
    if (!id || !size) return;
    const start = at + id.length + size.length;
    const end = size.allOnes ? to : start + size.value;
    yield { id: id.value, start, end, sizeKnown: !size.allOnes };
    // An element of unknown size (a live-streamed Segment or Cluster) runs to its parent's end.
    if (size.allOnes) return;
    at = end;
  }
}

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const TRACK_TYPE = 0x83;
const CLUSTER = 0x1f43b675;

/** Reads the TrackType of every track of a Matroska or WebM file (1 video, 2 audio). */
export function peekMatroskaTracks(bytes: Uint8Array): TrackPeek {
  const top = [...elements(bytes, 0, Number.MAX_SAFE_INTEGER)];
  const segment = top.find((e) => e.id === SEGMENT);
  if (!top.some((e) => e.id === EBML_HEADER) || !segment) return NOTHING;
  for (const element of elements(bytes, segment.start, segment.end)) {
    if (element.id === CLUSTER) return NOTHING;
    if (element.id !== TRACKS) continue;
    const peek: TrackPeek = { video: false, audio: false, complete: element.end <= bytes.byteLength };
    for (const entry of elements(bytes, element.start, element.end)) {
      if (entry.id !== TRACK_ENTRY) continue;
      for (const field of elements(bytes, entry.start, entry.end)) {
        if (field.id !== TRACK_TYPE || field.end > bytes.byteLength) continue;
        const kind = bytes.subarray(field.start, field.end).reduce((n, byte) => n * 256 + byte, 0);
        if (kind === 1) peek.video = true;
        if (kind === 2) peek.audio = true;
      }
    }
    return peek;
  }
  return NOTHING;
}
