import { imageSize } from "image-size";
import type { ByteSource } from "../bytes/byte-source";
import { HEIF_BRANDS, measureHeif } from "./image-heif";
import { measureJpeg, type StoredSize } from "./image-jpeg";
import { readFirstIfdTags, TIFF_TAG } from "./image-tiff";
import { failedOutcome, ProbeFailureError } from "./probe-failure";
import { emptyOutcome, type MediaProbe } from "./probe-types";

/** image-size parses a head of the file: first this long, then once longer. */
const HEAD_BYTES = [16 * 1024, 64 * 1024];

/**
 * Measures an image's displayed width and height (EXIF orientation applied) for image/jpeg,
 * png, webp, tiff, gif, bmp, avif, heic and heif, detecting the format from its bytes so that a
 * wrong extension does not matter. JPEG, TIFF and HEIF are read by their own small readers
 * (see each); the others by image-size on the first bytes.
 */
export const probeImage: MediaProbe = async (source) => {
  try {
    const stored = await measureStored(source);
    if (!(stored.width > 0 && stored.height > 0)) {
      throw new ProbeFailureError(
        "media-corrupt",
        `the header gives a size of ${stored.width}×${stored.height}`,
      );
    }
    // Orientations 5–8 turn the picture a quarter: the displayed sides are swapped.
    const quarterTurn =
      stored.orientation !== undefined && stored.orientation >= 5 && stored.orientation <= 8;
    const outcome = emptyOutcome();
    outcome.media.width = quarterTurn ? stored.height : stored.width;
    outcome.media.height = quarterTurn ? stored.width : stored.height;
    return outcome;
  } catch (error) {
    return failedOutcome(error, "image");
  }
};

async function measureStored(source: ByteSource): Promise<StoredSize> {
  if (source.size === 0) throw new ProbeFailureError("media-truncated", "the file is empty");
  const magic = await source.read(0, Math.min(source.size, 64));
  if (magic[0] === 0xff && magic[1] === 0xd8 && magic[2] === 0xff) return measureJpeg(source);
  if (isTiff(magic)) return measureTiff(source);
  if (isHeif(magic)) return measureHeif(source);
  return measureWithImageSize(source);
}

async function measureTiff(source: ByteSource): Promise<StoredSize> {
  const tags = await readFirstIfdTags(source, 0, source.size, Object.values(TIFF_TAG));
  const width = tags.get(TIFF_TAG.width);
  const height = tags.get(TIFF_TAG.height);
  if (width === undefined || height === undefined) {
    throw new ProbeFailureError("media-corrupt", "the TIFF's first IFD has no ImageWidth or ImageLength");
  }
  const orientation = tags.get(TIFF_TAG.orientation);
  return orientation === undefined ? { width, height } : { width, height, orientation };
}

/**
 * The formats left to image-size (PNG, GIF, BMP, WebP, …) keep their size in the first bytes: the
 * read-ahead's first 16 KiB nearly always hold it, and 64 KiB is the second and last try.
 */
async function measureWithImageSize(source: ByteSource): Promise<StoredSize> {
  for (const length of HEAD_BYTES) {
    // A copy: image-size reads through DataViews on the whole underlying buffer, past a view's end.
    const head = (await source.read(0, length)).slice();
    const whole = head.byteLength >= source.size;
    try {
      const { width, height } = imageSize(head);
      return { width, height };
    } catch (error) {
      if (!whole && length !== HEAD_BYTES[HEAD_BYTES.length - 1]) continue;
      const known = error instanceof Error && !error.message.startsWith("unsupported file type");
      const message = known
        ? `the image header cannot be read (${error.message})`
        : "not an image format this probe reads";
      // Reading past the end of a whole file means the header was cut.
      const cut = error instanceof RangeError && whole;
      throw new ProbeFailureError(cut ? "media-truncated" : "media-corrupt", message, { cause: error });
    }
  }
  throw new ProbeFailureError("media-corrupt", "not an image format this probe reads");
}

function isTiff(bytes: Uint8Array): boolean {
  const signature = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
  return ["49492a00", "4d4d002a", "49492b00", "4d4d002b"].includes(signature);
}

/** An `ftyp` box whose major or a compatible brand is a HEIF image brand. */
function isHeif(bytes: Uint8Array): boolean {
  if (String.fromCharCode(...bytes.subarray(4, 8)) !== "ftyp") return false;
  const declared =
    (bytes[0] ?? 0) * 2 ** 24 + (((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0));
  const size = Math.min(bytes.length, declared);
  for (let at = 8; at + 4 <= size; at += 4) {
    // Bytes 12–15 hold the minor version, not a brand.
    if (at !== 12 && HEIF_BRANDS.has(String.fromCharCode(...bytes.subarray(at, at + 4)))) return true;
  }
  return false;
}
