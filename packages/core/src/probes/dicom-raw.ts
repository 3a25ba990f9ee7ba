/** Implicit VR Little Endian, the default transfer syntax and the only one a raw data set can assume. */
export const IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";

/** Group 0008 (identifying information) opens every image data set that has no meta header. */
const IDENTIFYING_GROUP = 0x0008;
/**
 * Whole group 0008 elements needed: a real data set opens with several (SOPClassUID, SOPInstanceUID,
 * dates, Modality...), and each one more makes a chance match ~2^-48 rarer (tag, order, length).
 */
const MIN_ELEMENTS = 2;
const UNDEFINED_LENGTH = 0xffffffff;

/**
 * Tells whether bytes start as a legacy "raw" DICOM data set (no preamble, no `DICM`, no meta
 * header): Implicit VR Little Endian elements of group 0008 from byte 0, at least two of them read
 * whole, tags strictly ascending (into the next group too), every length even (PS3.5 7.1.1).
 */
export function isRawDicom(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let previous = -1;
  let count = 0;
  // Each element: group and element (2 bytes each), then a 4-byte length and the value.
  while (at + 8 <= bytes.byteLength) {
    const group = view.getUint16(at, true);
    const tag = group * 0x10000 + view.getUint16(at + 2, true);
    if (tag <= previous) return false;
    const length = view.getUint32(at + 4, true);
    // The next group, or a sequence of undefined length, ends what can be checked cheaply.
    if (group !== IDENTIFYING_GROUP || length === UNDEFINED_LENGTH) break;
    if (length % 2 !== 0) return false;
    // A value past the bytes at hand cannot be checked; the elements before it decide.
    if (at + 8 + length > bytes.byteLength) break;
    previous = tag;
    count++;
    at += 8 + length;
  }
  return count >= MIN_ELEMENTS;
}
