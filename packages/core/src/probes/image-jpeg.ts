import type { ByteSource } from "../bytes/byte-source";
import { readFirstIfdTags, TIFF_TAG } from "./image-tiff";
import { ProbeFailureError, readExactly } from "./probe-failure";

/** Stored size and EXIF orientation (1–8) of an image. */
export interface StoredSize {
  width: number;
  height: number;
  orientation?: number;
}

/** Segments before the frame header: real files have a dozen or so. */
const MAX_SEGMENTS = 1024;
const EXIF_SIGNATURE = "Exif\0\0";

/**
 * Reads a JPEG's frame size from its SOF segment and its orientation from the EXIF APP1 segment,
 * reading only segment headers and skipping payloads (ICC profiles, XMP, thumbnails) by ranged
 * reads. image-size needs every byte before the SOF in one buffer and assumes EXIF's first IFD
 * at offset 8, so this walker is both cheaper on large APP segments and exact.
 */
export async function measureJpeg(source: ByteSource): Promise<StoredSize> {
  let orientation: number | undefined;
  let pos = 2;
  for (let segments = 0; segments < MAX_SEGMENTS; segments++) {
    const header = await readExactly(source, pos, 4, "the JPEG ends before its frame header (SOF)");
    const [mark = 0, marker = 0, high = 0, low = 0] = header;
    if (mark !== 0xff) throw new ProbeFailureError("media-corrupt", `no JPEG marker at byte ${pos}`);
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) {
      throw new ProbeFailureError("media-corrupt", "the JPEG's scan starts before any frame header (SOF)");
    }
    const length = (high << 8) | low;
    if (length < 2) {
      throw new ProbeFailureError("media-corrupt", `a JPEG segment at byte ${pos} has length ${length}`);
    }
    if (isFrameHeader(marker)) {
      const frame = await readExactly(source, pos + 5, 4, "the JPEG ends inside its frame header (SOF)");
      const height = ((frame[0] ?? 0) << 8) | (frame[1] ?? 0);
      const width = ((frame[2] ?? 0) << 8) | (frame[3] ?? 0);
      if (width === 0 || height === 0) {
        throw new ProbeFailureError(
          "media-unsupported",
          "the JPEG frame header gives no size (a DNL segment would)",
        );
      }
      return orientation === undefined ? { width, height } : { width, height, orientation };
    }
    if (marker === 0xe1 && orientation === undefined && length >= 16) {
      orientation = await exifOrientation(source, pos + 4, pos + 2 + length);
    }
    pos += 2 + length;
  }
  throw new ProbeFailureError(
    "media-corrupt",
    `no JPEG frame header (SOF) in the first ${MAX_SEGMENTS} segments`,
  );
}

/** SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isFrameHeader(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The orientation in an APP1 segment's EXIF block; a damaged EXIF block is ignored, as viewers do. */
async function exifOrientation(source: ByteSource, start: number, end: number): Promise<number | undefined> {
  const signature = await readExactly(source, start, 6, "the JPEG ends inside an APP1 segment");
  if (String.fromCharCode(...signature) !== EXIF_SIGNATURE) return undefined;
  try {
    const tags = await readFirstIfdTags(source, start + 6, end, [TIFF_TAG.orientation]);
    return tags.get(TIFF_TAG.orientation);
  } catch (error) {
    if (error instanceof ProbeFailureError && error.code === "media-corrupt") return undefined;
    throw error;
  }
}
