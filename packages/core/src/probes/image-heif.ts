import type { ByteSource } from "../bytes/byte-source";
import type { StoredSize } from "./image-jpeg";
import { ProbeFailureError, readExactly } from "./probe-failure";

/** Brands of HEIF images (HEIC, AVIF and plain HEIF) in an `ftyp` box (ISO/IEC 23008-12). */
export const HEIF_BRANDS = new Set([
  "mif1",
  "msf1",
  "heic",
  "heix",
  "hevc",
  "hevx",
  "heim",
  "heis",
  "avif",
  "avis",
]);

const MAX_TOP_LEVEL_BOXES = 64;
const MAX_META_BYTES = 4 * 1024 * 1024;

interface Box {
  type: string;
  /** Offset of the payload (after the header). */
  start: number;
  end: number;
}

/**
 * Reads the displayed size of a HEIF/AVIF file's primary item: its `ispe`, cropped by `clap` and
 * turned by `irot`. image-size reports the largest `ispe` in the file, which for a grid image (as
 * phones and ImageMagick write) is a tile's, not the picture's, and ignores `irot`.
 */
export async function measureHeif(source: ByteSource): Promise<StoredSize> {
  const meta = await readMetaBox(source);
  const children = [...boxes(meta, 4, meta.length)];
  const pitm = children.find((b) => b.type === "pitm");
  const iprp = children.find((b) => b.type === "iprp");
  if (pitm === undefined || iprp === undefined) throw corrupt("the HEIF meta box has no pitm or iprp");
  const primary = meta[pitm.start] === 0 ? u16(meta, pitm.start + 4) : u32(meta, pitm.start + 4);
  const iprpChildren = [...boxes(meta, iprp.start, iprp.end)];
  const ipco = iprpChildren.find((b) => b.type === "ipco");
  if (ipco === undefined) throw corrupt("the HEIF iprp box has no ipco");
  const properties = [...boxes(meta, ipco.start, ipco.end)];
  const associated = iprpChildren
    .filter((b) => b.type === "ipma")
    .flatMap((b) => associations(meta, b, primary))
    .map((index) => properties[index - 1])
    .filter((b): b is Box => b !== undefined);
  const ispe = associated.find((b) => b.type === "ispe");
  if (ispe === undefined) throw corrupt("the primary HEIF item has no ispe (size) property");
  let width = u32(meta, ispe.start + 4);
  let height = u32(meta, ispe.start + 8);
  const clap = associated.find((b) => b.type === "clap");
  if (clap !== undefined) {
    width = ratio(meta, clap.start) ?? width;
    height = ratio(meta, clap.start + 8) ?? height;
  }
  const irot = associated.find((b) => b.type === "irot");
  // irot turns anticlockwise by 90° × angle; an odd angle swaps the sides.
  if (irot !== undefined && ((meta[irot.start] ?? 0) & 1) === 1) [width, height] = [height, width];
  return { width, height };
}

async function readMetaBox(source: ByteSource): Promise<Uint8Array> {
  let pos = 0;
  for (let count = 0; count < MAX_TOP_LEVEL_BOXES && pos < source.size; count++) {
    const header = await readExactly(source, pos, Math.min(16, source.size - pos), "a HEIF box header");
    if (header.length < 8) break;
    const size32 = u32(header, 0);
    const type = String.fromCharCode(...header.subarray(4, 8));
    const headerLength = size32 === 1 ? 16 : 8;
    const size =
      size32 === 1 ? u32(header, 8) * 2 ** 32 + u32(header, 12) : size32 === 0 ? source.size - pos : size32;
    if (size < headerLength) throw corrupt(`the HEIF box "${type}" at byte ${pos} has size ${size}`);
    if (type === "meta") {
      if (size > MAX_META_BYTES) {
        throw new ProbeFailureError("media-unsupported", `the HEIF meta box is ${size} bytes`);
      }
      return readExactly(source, pos + headerLength, size - headerLength, "the HEIF meta box");
    }
    pos += size;
  }
  throw new ProbeFailureError(pos >= source.size ? "media-truncated" : "media-corrupt", "no HEIF meta box");
}

/** The boxes in `bytes[start, end)`, stopping at the first one that does not fit. */
function* boxes(bytes: Uint8Array, start: number, end: number): Generator<Box> {
  for (let pos = start; pos + 8 <= end; ) {
    const size = u32(bytes, pos);
    if (size < 8 || pos + size > end) throw corrupt(`a HEIF box at meta offset ${pos} has size ${size}`);
    yield { type: String.fromCharCode(...bytes.subarray(pos + 4, pos + 8)), start: pos + 8, end: pos + size };
    pos += size;
  }
}

/** The 1-based property indices an `ipma` box associates with item `item`. */
function associations(bytes: Uint8Array, ipma: Box, item: number): number[] {
  const version = bytes[ipma.start] ?? 0;
  const wide = ((bytes[ipma.start + 3] ?? 0) & 1) === 1;
  let pos = ipma.start + 8;
  for (let entry = u32(bytes, ipma.start + 4); entry > 0 && pos < ipma.end; entry--) {
    const id = version < 1 ? u16(bytes, pos) : u32(bytes, pos);
    pos += version < 1 ? 2 : 4;
    const count = bytes[pos] ?? 0;
    pos += 1;
    const indices: number[] = [];
    for (let i = 0; i < count; i++, pos += wide ? 2 : 1) {
      indices.push(wide ? u16(bytes, pos) & 0x7fff : (bytes[pos] ?? 0) & 0x7f);
    }
    if (id === item) return indices;
  }
  return [];
}

/** A clean-aperture numerator/denominator pair rounded to whole pixels, or undefined when D is 0. */
function ratio(bytes: Uint8Array, at: number): number | undefined {
  const denominator = u32(bytes, at + 4);
  return denominator === 0 ? undefined : Math.round(u32(bytes, at) / denominator);
}

function u16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

function u32(bytes: Uint8Array, at: number): number {
  return u16(bytes, at) * 65536 + u16(bytes, at + 2);
}

function corrupt(message: string): ProbeFailureError {
  return new ProbeFailureError("media-corrupt", message);
}
