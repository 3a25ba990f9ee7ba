import type { ByteSource } from "../../packages/core/src/bytes/byte-source";

/** A run of bytes, or a run of zeros that is never allocated. */
export type Part = Uint8Array | { zeros: number };

/** A source made of byte parts and runs of zeros that are never allocated. */
export function spliced(parts: Part[]): ByteSource {
  const sizeOf = (part: Part) => (part instanceof Uint8Array ? part.length : part.zeros);
  const size = parts.reduce((sum, part) => sum + sizeOf(part), 0);
  return {
    size,
    async read(offset, length) {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let start = 0;
      for (const part of parts) {
        const from = Math.max(offset, start);
        const to = Math.min(offset + out.length, start + sizeOf(part));
        if (from < to && part instanceof Uint8Array)
          out.set(part.subarray(from - start, to - start), from - offset);
        start += sizeOf(part);
      }
      return out;
    },
  };
}
