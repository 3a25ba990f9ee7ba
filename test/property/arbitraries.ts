import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import fc from "fast-check";
import type { ByteSource } from "../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../packages/core/src/bytes/caching-byte-source";

const FIXTURE_DIRS = ["../fixtures/probe/media", "../fixtures/media"].map((d) =>
  resolve(import.meta.dirname, d),
);

/** Every small real media file the probes are tested on, by file name. */
export const REAL_FILES: { name: string; bytes: Uint8Array }[] = FIXTURE_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => !name.endsWith(".json") && !name.endsWith(".txt.truth") && !name.startsWith("."))
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }))
    .filter((f) => f.bytes.byteLength > 0 && f.bytes.byteLength <= 128 * 1024),
);

/** One edit of a file: a bit flip, a cut, inserted bytes, or a 32-bit field overwritten with an extreme value. */
const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({
    kind: fc.constant("word" as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 7, 8, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff),
    littleEndian: fc.boolean(),
  }),
);

type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const m of mutations) {
    if (out.byteLength === 0) break;
    const at = m.at % out.byteLength;
    if (m.kind === "flip") out[at] = (out[at] ?? 0) ^ m.mask;
    else if (m.kind === "truncate") out = out.slice(0, at);
    else if (m.kind === "insert") {
      const next = new Uint8Array(out.byteLength + m.bytes.byteLength);
      next.set(out.subarray(0, at));
      next.set(m.bytes, at);
      next.set(out.subarray(at), at + m.bytes.byteLength);
      out = next;
    } else if (out.byteLength >= 4) {
      const word = Math.min(at, Math.max(0, out.byteLength - 4));
      new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(word, m.value, m.littleEndian);
    }
  }
  return out;
}

/** Arbitrary bytes: mostly real files with a few edits, sometimes pure noise up to 4 KB. */
export const bytesArb: fc.Arbitrary<{ origin: string; bytes: Uint8Array }> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...REAL_FILES), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
      .map(([file, mutations]) => ({ origin: file.name, bytes: mutate(file.bytes, mutations) })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ origin: "noise", bytes })) },
);

/** Reads past which the counting source fails, so that a probe stuck in a read loop ends the run instead of hanging it. */
export const READ_CALL_LIMIT = 10_000;

/** What a probe asked of its source: calls to read, and bytes handed back. */
export interface ReadCount {
  calls: number;
  bytes: number;
}

/** A memory source that counts every read, behind the caching layer the pipeline puts in front of S3. */
export function countingSource(
  bytes: Uint8Array,
  size = bytes.byteLength,
): { source: ByteSource; count: ReadCount; requests: () => number } {
  const count: ReadCount = { calls: 0, bytes: 0 };
  // Past the real bytes the object reads as zeros up to `size`, as a huge upload with a broken header would.
  const inner: ByteSource = {
    size,
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      if (end <= bytes.byteLength) return bytes.subarray(offset, end);
      const out = new Uint8Array(Math.max(0, end - offset));
      if (offset < bytes.byteLength) out.set(bytes.subarray(offset));
      return out;
    },
  };
  const caching = createCachingByteSource(inner);
  const source: ByteSource = {
    size: caching.size,
    async read(offset, length) {
      count.calls += 1;
      if (count.calls > READ_CALL_LIMIT) throw new Error(`more than ${READ_CALL_LIMIT} reads`);
      const out = await caching.read(offset, length);
      count.bytes += out.byteLength;
      return out;
    },
  };
  return { source, count, requests: () => caching.stats.requests };
}
