import type { ByteSource } from "../bytes/byte-source";
import { ProbeFailureError, readExactly } from "./probe-failure";

/** TIFF tags this probe reads (TIFF 6.0; EXIF uses the same structure). */
export const TIFF_TAG = { width: 256, height: 257, orientation: 274 } as const;

/** A first IFD longer than this is not a real image's. */
const MAX_IFD_ENTRIES = 4096;

/**
 * Reads single-valued SHORT, LONG or LONG8 tags from the first IFD of the TIFF structure at
 * `base` and ending before `end`: a TIFF file, or the EXIF block inside a JPEG. The IFD can sit
 * anywhere (often after the pixel data), so it is read at its offset rather than from a head.
 */
export async function readFirstIfdTags(
  source: ByteSource,
  base: number,
  end: number,
  tags: readonly number[],
): Promise<Map<number, number>> {
  const read = async (offset: number, length: number, what: string) => {
    if (base + offset + length > end) {
      const code = end >= source.size ? "media-truncated" : "media-corrupt";
      throw new ProbeFailureError(code, `${what} lies past the end of the TIFF data`);
    }
    return view(await readExactly(source, base + offset, length, what));
  };
  const header = await read(0, 8, "the TIFF header");
  const order = header.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) {
    throw new ProbeFailureError("media-corrupt", "the TIFF byte order is neither II nor MM");
  }
  const little = order === 0x4949;
  const magic = header.getUint16(2, little);
  if (magic !== 42 && magic !== 43) {
    throw new ProbeFailureError("media-corrupt", `the TIFF magic number is ${magic}`);
  }
  const big = magic === 43;
  const ifd = big ? uint64(await read(8, 8, "the BigTIFF header"), 0, little) : header.getUint32(4, little);
  const countBytes = await read(ifd, big ? 8 : 2, "the first IFD");
  const count = big ? uint64(countBytes, 0, little) : countBytes.getUint16(0, little);
  if (count > MAX_IFD_ENTRIES) {
    throw new ProbeFailureError("media-corrupt", `the first IFD claims ${count} entries`);
  }
  const entrySize = big ? 20 : 12;
  const entries = await read(ifd + (big ? 8 : 2), count * entrySize, "the first IFD's entries");
  const found = new Map<number, number>();
  for (let at = 0; at < count * entrySize; at += entrySize) {
    const tag = entries.getUint16(at, little);
    const type = entries.getUint16(at + 2, little);
    const values = big ? uint64(entries, at + 4, little) : entries.getUint32(at + 4, little);
    if (!tags.includes(tag) || values !== 1 || found.has(tag)) continue;
    const valueAt = at + (big ? 12 : 8);
    if (type === 3) found.set(tag, entries.getUint16(valueAt, little));
    else if (type === 4) found.set(tag, entries.getUint32(valueAt, little));
    else if (type === 16 && big) found.set(tag, uint64(entries, valueAt, little));
  }
  return found;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function uint64(data: DataView, at: number, little: boolean): number {
  const value = data.getBigUint64(at, little);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ProbeFailureError("media-corrupt", "a BigTIFF offset is out of range");
  }
  return Number(value);
}
