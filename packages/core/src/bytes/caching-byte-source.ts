import type { ByteSource } from "./byte-source";
import { HEAD_BYTES } from "./head-bytes";

/** How many reads went to the underlying source, and how many bytes they fetched. */
export interface ReadStats {
  requests: number;
  bytes: number;
}

/** A ByteSource that remembers what it fetched and counts what it asked for. */
export interface CachingByteSource extends ByteSource {
  readonly stats: ReadStats;
}

export interface CachingOptions {
  /** Each fetch reads at least this many bytes (read-ahead), so nearby small reads share one request. */
  minFetch?: number;
}

interface Chunk {
  start: number;
  data: Uint8Array;
}

/**
 * Wraps a ByteSource (an S3 object read by ranged GETs) so that nearby reads coalesce into one
 * request through read-ahead, and no byte of the object is ever fetched twice: every read is
 * answered from cached chunks, and only the gaps between them are fetched.
 */
export function createCachingByteSource(inner: ByteSource, options: CachingOptions = {}): CachingByteSource {
  const minFetch = options.minFetch ?? HEAD_BYTES;
  const chunks: Chunk[] = [];
  const stats: ReadStats = { requests: 0, bytes: 0 };
  let queue: Promise<unknown> = Promise.resolve();

  const fetchGap = async (start: number, end: number) => {
    const next = chunks.find((c) => c.start >= end);
    const stop = Math.min(
      inner.size,
      Math.max(end, start + minFetch),
      next?.start ?? Number.POSITIVE_INFINITY,
    );
    const data = await inner.read(start, stop - start);
    stats.requests += 1;
    stats.bytes += data.byteLength;
    if (data.byteLength > 0) insert(chunks, { start, data });
    return data.byteLength;
  };

  const fill = async (start: number, end: number) => {
    let at = start;
    while (at < end) {
      const covering = chunks.find((c) => c.start <= at && at < c.start + c.data.byteLength);
      if (covering) {
        at = covering.start + covering.data.byteLength;
        continue;
      }
      const nextStart = chunks.find((c) => c.start > at)?.start ?? end;
      const got = await fetchGap(at, Math.min(end, nextStart));
      if (got === 0) break;
      at += got;
    }
  };

  return {
    size: inner.size,
    stats,
    async read(offset, length) {
      const start = Math.max(0, Math.min(offset, inner.size));
      const end = Math.min(inner.size, start + Math.max(0, length));
      // Fetches run one at a time so that two concurrent reads never fetch the same bytes.
      const filled = queue.then(() => fill(start, end));
      queue = filled.catch(() => undefined);
      await filled;
      return assemble(chunks, start, end);
    },
  };
}

function insert(chunks: Chunk[], chunk: Chunk): void {
  const index = chunks.findIndex((c) => c.start > chunk.start);
  if (index === -1) chunks.push(chunk);
  else chunks.splice(index, 0, chunk);
}

/** Copies [start, end) out of the cached chunks (a single chunk's view when it covers the range). */
function assemble(chunks: Chunk[], start: number, end: number): Uint8Array {
  const single = chunks.find((c) => c.start <= start && end <= c.start + c.data.byteLength);
  if (single) return single.data.subarray(start - single.start, end - single.start);
  const out = new Uint8Array(end - start);
  let filled = 0;
  for (const chunk of chunks) {
    const from = Math.max(start, chunk.start);
    const to = Math.min(end, chunk.start + chunk.data.byteLength);
    if (from >= to) continue;
    out.set(chunk.data.subarray(from - chunk.start, to - chunk.start), from - start);
    filled = Math.max(filled, to - start);
  }
  return out.subarray(0, filled);
}
