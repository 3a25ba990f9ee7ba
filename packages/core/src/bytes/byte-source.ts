/**
 * Random access to the bytes of one object: a local file or an S3 object read with ranged GETs.
 * Probes read through this port so that the same code serves both.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Reads `length` bytes from `offset`; returns fewer only at the end of the object. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A ByteSource over bytes already in memory (tests, small objects). */
export function createMemoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.byteLength, offset + length)),
  };
}
