/** A CRC function: MSB-first, initial value 0, no final XOR (the variant Ogg and FLAC use). */
export type Crc = (bytes: Uint8Array) => number;

function createCrc(width: 8 | 16 | 32, polynomial: number): Crc {
  const shift = width - 8;
  const top = 1 << (width - 1);
  // `>>> 0` keeps 32-bit values unsigned; narrower CRCs are masked to their width.
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  const table = Array.from({ length: 256 }, (_, byte) => {
    let crc = (byte << shift) >>> 0;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = ((crc & top ? (crc << 1) ^ polynomial : crc << 1) & mask) >>> 0;
    }
    return crc;
  });
  return (bytes) => {
    let crc = 0;
    for (const byte of bytes) {
      crc = (((crc << 8) ^ (table[((crc >>> shift) ^ byte) & 0xff] ?? 0)) & mask) >>> 0;
    }
    return crc;
  };
}

/** Ogg page checksum (polynomial 0x04C11DB7). */
export const crc32Ogg = createCrc(32, 0x04c11db7);
/** FLAC frame-header checksum (polynomial 0x07). */
export const crc8Flac = createCrc(8, 0x07);
/** FLAC whole-frame checksum (polynomial 0x8005). */
export const crc16Flac = createCrc(16, 0x8005);
