/** What one generated DICOM instance says about itself. */
export interface DicomFileOptions {
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  instanceNumber: number;
  seriesDescription?: string;
  rows?: number;
  columns?: number;
  modality?: string;
}

const SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
const EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
// A UUID-derived (2.25) root, so it can never clash with a real implementation's UID.
const IMPLEMENTATION_CLASS_UID = "2.25.161316893212489735106390478216203386913";
/** VRs whose explicit-VR header has two reserved bytes and a 32-bit length (PS3.5 7.1.2). */
const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT"]);
const UID = /^[0-9]+(\.[0-9]+)*$/;

/**
 * Builds a minimal Part 10 file (Secondary Capture, Explicit VR Little Endian, 8-bit MONOCHROME2)
 * with the identity fields the DICOM probe reads, so tests can make series of any size on the fly.
 */
export function dicomFile(options: DicomFileOptions): Uint8Array {
  const rows = options.rows ?? 4;
  const columns = options.columns ?? 4;
  for (const [name, value] of [
    ["rows", rows],
    ["columns", columns],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 0xffff) {
      throw new RangeError(`${name} must be an integer in 1..65535, got ${value}`);
    }
  }
  for (const uid of [options.studyUid, options.seriesUid, options.sopInstanceUid]) {
    if (!UID.test(uid) || uid.length > 64) throw new RangeError(`${uid} is not a DICOM UID`);
  }
  const meta = concat([
    element(0x0002, 0x0001, "OB", Uint8Array.of(0, 1)),
    uid(0x0002, 0x0002, SECONDARY_CAPTURE),
    uid(0x0002, 0x0003, options.sopInstanceUid),
    uid(0x0002, 0x0010, EXPLICIT_VR_LITTLE_ENDIAN),
    uid(0x0002, 0x0012, IMPLEMENTATION_CLASS_UID),
  ]);
  const dataSet = concat([
    uid(0x0008, 0x0016, SECONDARY_CAPTURE),
    uid(0x0008, 0x0018, options.sopInstanceUid),
    text(0x0008, 0x0020, "DA", ""),
    text(0x0008, 0x0060, "CS", options.modality ?? "OT"),
    ...(options.seriesDescription === undefined
      ? []
      : [text(0x0008, 0x103e, "LO", options.seriesDescription)]),
    text(0x0010, 0x0010, "PN", "Sluice^Test"),
    text(0x0010, 0x0020, "LO", "SLUICE-TEST"),
    uid(0x0020, 0x000d, options.studyUid),
    uid(0x0020, 0x000e, options.seriesUid),
    text(0x0020, 0x0013, "IS", String(options.instanceNumber)),
    us(0x0028, 0x0002, 1),
    text(0x0028, 0x0004, "CS", "MONOCHROME2"),
    us(0x0028, 0x0010, rows),
    us(0x0028, 0x0011, columns),
    us(0x0028, 0x0100, 8),
    us(0x0028, 0x0101, 8),
    us(0x0028, 0x0102, 7),
    us(0x0028, 0x0103, 0),
    element(0x7fe0, 0x0010, "OB", pixels(rows * columns)),
  ]);
  const preamble = new Uint8Array(132);
  preamble.set(ascii("DICM"), 128);
  return concat([preamble, ul(0x0002, 0x0000, meta.byteLength), meta, dataSet]);
}

/** One Explicit VR Little Endian element; `value` must already be of even length. */
export function element(group: number, tag: number, vr: string, value: Uint8Array): Uint8Array {
  const long = LONG_VRS.has(vr);
  const header = long ? 12 : 8;
  const out = new Uint8Array(header + value.byteLength);
  const view = new DataView(out.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, tag, true);
  out.set(ascii(vr), 4);
  if (long) view.setUint32(8, value.byteLength, true);
  else view.setUint16(6, value.byteLength, true);
  out.set(value, header);
  return out;
}

/** A UID, padded to even length with a NUL (PS3.5 9.1). */
export function uid(group: number, tag: number, value: string): Uint8Array {
  return element(group, tag, "UI", padded(ascii(value), 0));
}

/** A text value, padded to even length with a space (PS3.5 6.2). */
export function text(group: number, tag: number, vr: string, value: string): Uint8Array {
  return element(group, tag, vr, padded(ascii(value), 0x20));
}

/** An unsigned 16-bit value (Rows, Columns). */
export function us(group: number, tag: number, value: number): Uint8Array {
  return element(group, tag, "US", Uint8Array.of(value & 0xff, value >> 8));
}

/** An unsigned 32-bit value (a group length). */
export function ul(group: number, tag: number, value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return element(group, tag, "UL", bytes);
}

/** A gradient rather than zeros, so that a viewer shows something; OB pads with a NUL. */
function pixels(count: number): Uint8Array {
  return padded(
    Uint8Array.from({ length: count }, (_, i) => (i * 16) & 0xff),
    0,
  );
}

function padded(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.byteLength % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.byteLength + 1);
  out.set(bytes);
  out[bytes.byteLength] = pad;
  return out;
}

function ascii(value: string): Uint8Array {
  return Uint8Array.from(value, (c) => c.charCodeAt(0) & 0x7f);
}

/** The parts one after another. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
