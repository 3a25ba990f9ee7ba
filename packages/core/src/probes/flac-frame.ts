/** The fields of a FLAC frame header that place the frame in the stream (RFC 9639 §9.1). */
export interface FlacFrameHeader {
  /** Variable-blocksize streams code the first sample's number, fixed ones the frame's. */
  variable: boolean;
  number: number;
  blockSize: number;
  /** Header bytes including the trailing CRC-8. */
  length: number;
}

/**
 * Parses a frame header at `at` (sync 0xFFF8/0xFFF9), or returns undefined when reserved values
 * or a cut show that these bytes are not one. The caller checks the CRC-8.
 */
export function parseFlacFrameHeader(bytes: Uint8Array, at: number): FlacFrameHeader | undefined {
  const [b0, b1 = 0, b2 = 0, b3 = 0] = bytes.subarray(at, at + 4);
  if (b0 !== 0xff || (b1 & 0xfe) !== 0xf8 || at + 5 > bytes.byteLength) return undefined;
  const blockCode = b2 >> 4;
  const rateCode = b2 & 0x0f;
  // Block size 0, rate 15, channel assignments 11-15, sample size 3 and the last bit are reserved.
  if (blockCode === 0 || rateCode === 15 || b3 >> 4 >= 11 || ((b3 >> 1) & 7) === 3 || (b3 & 1) !== 0) {
    return undefined;
  }
  const coded = readCodedNumber(bytes, at + 4);
  if (coded === undefined) return undefined;
  let next = coded.next;
  let blockSize = fixedBlockSize(blockCode);
  if (blockCode === 6 || blockCode === 7) {
    const width = blockCode === 6 ? 1 : 2;
    if (next + width > bytes.byteLength) return undefined;
    blockSize = (width === 1 ? (bytes[next] ?? 0) : ((bytes[next] ?? 0) << 8) | (bytes[next + 1] ?? 0)) + 1;
    next += width;
  }
  next += rateCode === 12 ? 1 : rateCode === 13 || rateCode === 14 ? 2 : 0;
  if (next + 1 > bytes.byteLength) return undefined;
  return { variable: (b1 & 1) === 1, number: coded.value, blockSize, length: next + 1 - at };
}

function fixedBlockSize(code: number): number {
  if (code === 1) return 192;
  if (code >= 2 && code <= 5) return 576 * 2 ** (code - 2);
  return 256 * 2 ** (code - 8);
}

/** Reads the UTF-8-like coded frame or sample number (1 to 7 bytes, up to 36 bits). */
function readCodedNumber(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
  const first = bytes[at];
  if (first === undefined || first === 0xff || (first & 0xc0) === 0x80) return undefined;
  let extra = 0;
  while (extra < 7 && (first & (0x80 >> extra)) !== 0) extra += 1;
  // 0xxxxxxx is one byte; 110xxxxx one more; ...; 11111110 six more.
  const more = extra === 0 ? 0 : extra - 1;
  if (at + 1 + more > bytes.byteLength) return undefined;
  let value = extra === 0 ? first : first & (0xff >> (extra + 1));
  for (let i = 1; i <= more; i += 1) {
    const byte = bytes[at + i] ?? 0;
    if ((byte & 0xc0) !== 0x80) return undefined;
    value = value * 64 + (byte & 0x3f);
  }
  return { value, next: at + 1 + more };
}
