import type { ByteSource } from "../bytes/byte-source";
import { ProbeFailureError, readExactly } from "./probe-failure";

/** An EBML element header read from the source: its ID, where its data starts, and its data size. */
export interface EbmlElement {
  id: number;
  offset: number;
  dataOffset: number;
  /** Undefined when the size is "unknown" (all value bits set), as in live recordings. */
  size: number | undefined;
}

/** A child element inside a master element's data, with its own data as a view. */
export interface EbmlChild {
  id: number;
  data: Uint8Array;
}

// An ID has at most 4 bytes and a size at most 8, so 12 bytes always hold a header.
const MAX_HEADER_LENGTH = 12;

interface Vint {
  value: number;
  length: number;
  unknown: boolean;
}

/** Decodes a variable-length integer at `at`; undefined when the bytes end inside it. */
function readVint(bytes: Uint8Array, at: number, maxLength: number, keepMarker: boolean): Vint | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  const length = Math.clz32(first) - 23;
  if (first === 0 || length > maxLength) {
    throw new ProbeFailureError("media-corrupt", `invalid EBML number (byte 0x${first.toString(16)})`);
  }
  if (at + length > bytes.byteLength) return undefined;
  const marker = 0x80 >> (length - 1);
  let value = keepMarker ? first : first & (marker - 1);
  let allOnes = (first & (marker - 1)) === marker - 1;
  for (let i = 1; i < length; i++) {
    const byte = bytes[at + i] ?? 0;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

/** Parses an element header at `at` of a buffer; undefined when the buffer ends inside it. */
function parseHeader(bytes: Uint8Array, at: number) {
  const id = readVint(bytes, at, 4, true);
  if (id === undefined) return undefined;
  const size = readVint(bytes, at + id.length, 8, false);
  if (size === undefined) return undefined;
  return { id: id.value, headerLength: id.length + size.length, size: size.unknown ? undefined : size.value };
}

/** Reads the header of the element that starts at `offset` of the source. */
export async function readElementHeader(source: ByteSource, offset: number): Promise<EbmlElement> {
  const bytes = await source.read(offset, MAX_HEADER_LENGTH);
  const header = parseHeader(bytes, 0);
  if (header === undefined) {
    throw new ProbeFailureError(
      "media-truncated",
      `the file ends inside an element header (at byte ${offset})`,
    );
  }
  return { id: header.id, offset, dataOffset: offset + header.headerLength, size: header.size };
}

/** Reads an element's data whole, refusing unknown sizes and anything larger than `cap` bytes. */
export async function readElementData(
  source: ByteSource,
  element: EbmlElement,
  cap: number,
  what: string,
): Promise<Uint8Array> {
  if (element.size === undefined)
    throw new ProbeFailureError("media-corrupt", `the ${what} has an unknown size`);
  if (element.size > cap) {
    throw new ProbeFailureError(
      "media-unsupported",
      `the ${what} is ${element.size} bytes, over the ${cap} read`,
    );
  }
  return readExactly(source, element.dataOffset, element.size, what);
}

/** Lists the children of a master element's data; a child that overruns its parent is corrupt. */
export function childrenOf(data: Uint8Array): EbmlChild[] {
  const children: EbmlChild[] = [];
  let at = 0;
  while (at < data.byteLength) {
    const header = parseHeader(data, at);
    const start = at + (header?.headerLength ?? 0);
    if (header?.size === undefined || start + header.size > data.byteLength) {
      throw new ProbeFailureError("media-corrupt", "an element overruns the element that contains it");
    }
    children.push({ id: header.id, data: data.subarray(start, start + header.size) });
    at = start + header.size;
  }
  return children;
}

/** Decodes an unsigned integer element (up to 8 bytes; beyond 2^53 it loses precision, not order). */
export function readUint(data: Uint8Array): number {
  if (data.byteLength > 8) throw new ProbeFailureError("media-corrupt", "an integer element is over 8 bytes");
  return data.reduce((value, byte) => value * 256 + byte, 0);
}

/** Decodes a float element: 0, 4 or 8 bytes, big-endian. */
export function readFloat(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength === 0) return 0;
  if (data.byteLength === 4) return view.getFloat32(0);
  if (data.byteLength === 8) return view.getFloat64(0);
  throw new ProbeFailureError("media-corrupt", `a float element is ${data.byteLength} bytes`);
}

/** Decodes a string element, which may be padded with trailing zero bytes. */
export function readString(data: Uint8Array): string {
  return new TextDecoder().decode(data).replace(/\0+$/, "");
}

/** Parses an element header inside a buffer, as the Cluster scan needs; undefined when the buffer ends first. */
export function parseElementHeader(
  bytes: Uint8Array,
  at: number,
): { id: number; headerLength: number; size: number | undefined } | undefined {
  return parseHeader(bytes, at);
}

/** Decodes a variable-length unsigned number (a Block's track number); undefined when the buffer ends first. */
export function readVarUint(bytes: Uint8Array, at: number): { value: number; length: number } | undefined {
  const vint = readVint(bytes, at, 8, false);
  return vint === undefined ? undefined : { value: vint.value, length: vint.length };
}
