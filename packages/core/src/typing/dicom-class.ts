/** Media Storage Directory Storage (PS3.4 Annex F): the SOP class of a DICOMDIR, the index of a file set. */
export const MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10";

/** Why a DICOMDIR is left out of the import: the note its record carries. */
export const DICOM_DIRECTORY_REASON =
  "a DICOMDIR (Media Storage SOP Class 1.2.840.10008.1.3.10): the index of a DICOM file set, not an image; " +
  "the files it lists are imported on their own, grouped into series";

/** The preamble (128 bytes) and `DICM`, after which the meta header's elements start. */
const META_START = 132;
const META_GROUP = 0x0002;
const SOP_CLASS_ELEMENT = 0x0002;
/** Explicit VRs whose length takes 4 bytes after 2 reserved ones (PS3.5 7.1.2). */
const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]);

const ascii = (bytes: Uint8Array, from: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(from, from + length));

/**
 * Reads Media Storage SOP Class UID (0002,0002) from a Part 10 meta header, which is always
 * Explicit VR Little Endian and comes first; undefined when the head holds no such element.
 */
export function mediaStorageSopClass(head: Uint8Array): string | undefined {
  if (head.byteLength < META_START || ascii(head, 128, 4) !== "DICM") return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let at = META_START;
  while (at + 8 <= head.byteLength && view.getUint16(at, true) === META_GROUP) {
    const element = view.getUint16(at + 2, true);
    // Tags ascend: past (0002,0002) it can no longer come.
    if (element > SOP_CLASS_ELEMENT) return undefined;
    const long = LONG_VRS.has(ascii(head, at + 4, 2));
    if (long && at + 12 > head.byteLength) return undefined;
    const length = long ? view.getUint32(at + 8, true) : view.getUint16(at + 6, true);
    const start = at + (long ? 12 : 8);
    if (element === SOP_CLASS_ELEMENT) {
      // A UI value is padded to even length with NUL (some writers use a space).
      return start + length <= head.byteLength
        ? ascii(head, start, length).replace(/[\0 ]+$/, "")
        : undefined;
    }
    at = start + length;
  }
  return undefined;
}

/**
 * Tells whether a head is a DICOMDIR by its content, the Media Storage SOP Class in its meta header:
 * PS3.10 requires it of every DICOMDIR, while the file name `DICOMDIR` is lost to renames and case.
 */
export function isDicomDirectory(head: Uint8Array): boolean {
  return mediaStorageSopClass(head) === MEDIA_STORAGE_DIRECTORY;
}
