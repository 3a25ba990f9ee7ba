import { inflatePrefix } from "../bytes/inflate-prefix";

const ascii = (bytes: Uint8Array, from: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(from, from + length));

function int32At(bytes: Uint8Array, at: number, littleEndian: boolean): number | undefined {
  if (at + 4 > bytes.byteLength) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(at, littleEndian);
}

function sizeofHeaderIs(bytes: Uint8Array, size: number): boolean {
  return int32At(bytes, 0, true) === size || int32At(bytes, 0, false) === size;
}

/**
 * Tells whether bytes start with a NIfTI header: NIfTI-1 (`sizeof_hdr` 348, magic `n+1\0` or
 * `ni1\0` at offset 344) or NIfTI-2 (`sizeof_hdr` 540, magic `n+2\0` or `ni2\0` at offset 4).
 */
export function hasNiftiMagic(bytes: Uint8Array): boolean {
  if (bytes.byteLength >= 348 && sizeofHeaderIs(bytes, 348)) {
    const magic = ascii(bytes, 344, 4);
    if (magic === "n+1\0" || magic === "ni1\0") return true;
  }
  if (bytes.byteLength >= 540 && sizeofHeaderIs(bytes, 540)) {
    const magic = ascii(bytes, 4, 4);
    if (magic === "n+2\0" || magic === "ni2\0") return true;
  }
  return false;
}

/** Tells whether bytes start with the gzip signature. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** NIfTI-2's header, the longer of the two: all that typing a `.nii.gz` needs to see. */
const NIFTI_HEADER_BYTES = 540;

/**
 * Inflates the start of a gzip stream that may be cut anywhere, stopping once a NIfTI header is out:
 * a segmentation mask's first 16 KB can inflate to 16 MB and more, which a whole-head inflate capped
 * at 8 MB refused, leaving real masks untyped (issue 14). Undefined when nothing inflates.
 */
export async function inflateHead(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  const { bytes: inflated } = await inflatePrefix(bytes, "gzip", NIFTI_HEADER_BYTES);
  return inflated.byteLength > 0 ? inflated : undefined;
}

/** What the bytes of a head look like as text. */
export type TextSniff =
  | { kind: "text"; charset: "utf-8" | "utf-16le" | "utf-16be" }
  /** No binary control bytes, but not UTF-8: text in a legacy 8-bit charset (Latin-1, Windows-1252). */
  | { kind: "legacy-text" }
  | { kind: "binary" };

// Tab, line feed, vertical tab, form feed, carriage return, backspace and escape (ANSI colours)
// appear in real text files; the other C0 controls and DEL do not.
const TEXT_CONTROLS = new Set([0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b]);

/** Share of stray control bytes a text file may hold before it counts as binary. */
const MAX_CONTROL_SHARE = 0.01;

/** Classifies a head as UTF-8 or UTF-16 text, legacy 8-bit text, or binary. */
export function sniffText(bytes: Uint8Array): TextSniff {
  const utf16 = utf16Charset(bytes);
  if (utf16) {
    const text = decode(utf16, bytes.subarray(2));
    return text !== undefined && isTextual(text, (c) => c.charCodeAt(0))
      ? { kind: "text", charset: utf16 }
      : { kind: "binary" };
  }
  if (!isTextual(bytes, (b) => b)) return { kind: "binary" };
  return decode("utf-8", bytes) === undefined ? { kind: "legacy-text" } : { kind: "text", charset: "utf-8" };
}

/**
 * Tells whether a head is UTF-16 text with a byte-order mark. It is checked before file-type,
 * which reads the little-endian mark FF FE as an MPEG Layer I frame header.
 */
export function isUtf16Text(bytes: Uint8Array): boolean {
  return utf16Charset(bytes) !== undefined && sniffText(bytes).kind === "text";
}

function utf16Charset(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

function decode(charset: string, bytes: Uint8Array): string | undefined {
  try {
    // `stream: true` accepts a character cut in two at the end of the head.
    return new TextDecoder(charset, { fatal: true, ignoreBOM: true }).decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
}

/** No NUL, and stray control characters (or bytes) in at most 1 % of the units. */
function isTextual<T>(units: Iterable<T>, codeOf: (unit: T) => number): boolean {
  let count = 0;
  let controls = 0;
  for (const unit of units) {
    const code = codeOf(unit);
    count++;
    if (code === 0) return false;
    if ((code < 0x20 && !TEXT_CONTROLS.has(code)) || code === 0x7f) controls++;
  }
  return controls <= count * MAX_CONTROL_SHARE;
}
