import { describe, expect, it } from "vitest";
import type { ByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";

/** A source whose byte at i is i mod 251, recording every range asked of it. */
function patterned(size: number) {
  const asked: [number, number][] = [];
  const source: ByteSource = {
    size,
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      asked.push([offset, end]);
      return Uint8Array.from({ length: Math.max(0, end - offset) }, (_, i) => (offset + i) % 251);
    },
  };
  return { source, asked };
}

const expected = (offset: number, length: number) =>
  Uint8Array.from({ length }, (_, i) => (offset + i) % 251);

describe("createCachingByteSource", () => {
  it("answers nearby small reads from one read-ahead request", async () => {
    const { source, asked } = patterned(1_000_000);
    const cached = createCachingByteSource(source, { minFetch: 4096 });

    expect(await cached.read(0, 8)).toEqual(expected(0, 8));
    expect(await cached.read(100, 16)).toEqual(expected(100, 16));
    expect(await cached.read(4000, 96)).toEqual(expected(4000, 96));

    expect(asked).toEqual([[0, 4096]]);
    expect(cached.stats).toEqual({ requests: 1, bytes: 4096 });
  });

  it("never fetches a byte twice when reads overlap what is cached", async () => {
    const { source, asked } = patterned(100_000);
    const cached = createCachingByteSource(source, { minFetch: 10 });

    await cached.read(100, 50);
    await cached.read(300, 50);
    expect(await cached.read(50, 400)).toEqual(expected(50, 400));

    const fetched = asked.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
    expect(new Set(fetched).size).toBe(fetched.length);
    expect(asked).toEqual([
      [100, 150],
      [300, 350],
      [50, 100],
      [150, 300],
      [350, 450],
    ]);
  });

  it("does not fetch the same bytes for concurrent reads", async () => {
    const { source, asked } = patterned(100_000);
    const cached = createCachingByteSource(source, { minFetch: 1000 });

    const [a, b] = await Promise.all([cached.read(0, 500), cached.read(200, 500)]);

    expect(a).toEqual(expected(0, 500));
    expect(b).toEqual(expected(200, 500));
    expect(asked).toEqual([[0, 1000]]);
  });

  it("stops at the end of the object", async () => {
    const { source } = patterned(10);
    const cached = createCachingByteSource(source);

    expect(await cached.read(6, 100)).toEqual(expected(6, 4));
    expect(await cached.read(20, 5)).toEqual(new Uint8Array());
    expect(cached.stats.bytes).toBe(4);
  });
});
