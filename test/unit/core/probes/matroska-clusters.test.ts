import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { measureClusterRate } from "../../../../packages/core/src/probes/matroska-frame-rate";
import { readMatroskaHeaders } from "../../../../packages/core/src/probes/matroska-layout";

// A minimal EBML writer (sizes as 8-byte numbers, which EBML allows; -1 for an unknown size).
const bigEndian = (value: number, length: number) =>
  Array.from({ length }, (_, i) => Math.floor(value / 256 ** (length - 1 - i)) % 256);
const header = (id: number, size: number) =>
  Uint8Array.from([
    ...bigEndian(id, Math.ceil(Math.log2(id + 1) / 8)),
    ...(size < 0 ? [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] : [0x01, ...bigEndian(size, 7)]),
  ]);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};
const el = (id: number, ...children: Uint8Array[]) => {
  const data = concat(...children);
  return concat(header(id, data.byteLength), data);
};
const uint = (id: number, value: number) => el(id, Uint8Array.from(bigEndian(value, 8)));

const VIDEO = 1;
const AUDIO = 2;
const head = (clusters: Uint8Array) =>
  concat(
    el(0x1a45dfa3, el(0x4282, new TextEncoder().encode("webm"))),
    header(0x18538067, -1),
    el(0x1549a966, uint(0x2ad7b1, 1_000_000)),
    el(
      0x1654ae6b,
      el(0xae, uint(0xd7, AUDIO), uint(0x83, 2)),
      el(0xae, uint(0xd7, VIDEO), uint(0x83, 1), el(0xe0, uint(0xb0, 64), uint(0xba, 48))),
    ),
    clusters,
  );
/** A SimpleBlock (or, with `group`, a Block in a BlockGroup) of `payload` zero bytes. */
const block = (
  track: number,
  relative: number,
  options: { payload?: number; flags?: number; group?: boolean } = {},
) => {
  const body = concat(
    Uint8Array.from([0x80 | track, (relative >> 8) & 0xff, relative & 0xff, options.flags ?? 0x80]),
    new Uint8Array(options.payload ?? 8),
  );
  return options.group ? el(0xa0, el(0xfb, Uint8Array.of(0)), el(0xa1, body)) : el(0xa3, body);
};
const cluster = (timestamp: number, ...blocks: Uint8Array[]) =>
  el(0x1f43b675, uint(0xe7, timestamp), ...blocks);
/** Frame n of 30000/1001 fps in ms, as ffmpeg rounds it. */
const ntsc = (n: number) => Math.round((n * 1001) / 30);

async function measure(bytes: Uint8Array | ByteSource, codecId = "V_MPEG4/ISO/AVC") {
  const source = createCachingByteSource(bytes instanceof Uint8Array ? createMemoryByteSource(bytes) : bytes);
  const rate = await measureClusterRate(source, await readMatroskaHeaders(source), 1_000_000, codecId);
  return { rate, stats: source.stats };
}

/** `size` bytes: the head, then one unknown-size Cluster of 30000/1001 fps frames of `payload` bytes. */
function longFile(size: number, payload: number): ByteSource {
  const parts = [{ at: 0, bytes: head(concat(header(0x1f43b675, -1), uint(0xe7, 0))) }];
  let at = parts[0]?.bytes.byteLength ?? 0;
  for (let n = 0; n * payload < 4_000_000; n++) {
    const frame = block(VIDEO, ntsc(n), { payload });
    // Only the element and block headers are stored; the payload reads as zeros.
    parts.push({ at, bytes: frame.subarray(0, 13) });
    at += frame.byteLength;
  }
  return sparse(size, parts);
}

function sparse(size: number, parts: { at: number; bytes: Uint8Array }[]): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      const out = new Uint8Array(Math.max(0, Math.min(size, offset + length) - offset));
      for (const { at, bytes } of parts) {
        const from = Math.max(offset, at);
        const to = Math.min(offset + out.byteLength, at + bytes.byteLength);
        if (from < to) out.set(bytes.subarray(from - at, to - at), from - offset);
      }
      return out;
    },
  };
}

describe("measureClusterRate", () => {
  it("gives 30000/1001 from the video track's blocks when audio blocks interleave", async () => {
    const blocks = (from: number, to: number, clusterAt: number) =>
      Array.from({ length: to - from }, (_, i) => [
        block(VIDEO, ntsc(from + i) - clusterAt),
        block(AUDIO, (from + i) * 21 + 5 - clusterAt),
      ]).flat();

    const { rate } = await measure(
      head(concat(cluster(0, ...blocks(0, 30, 0)), cluster(1001, ...blocks(30, 60, 1001)))),
    );

    expect(rate).toEqual({ fps: 30000 / 1001 });
  });

  it("sorts the timestamps when B-frames store blocks in decode order inside BlockGroups", async () => {
    const decode = Array.from({ length: 60 }, (_, i) => i + (i % 3 === 1 ? 1 : i % 3 === 2 ? -1 : 0));
    const blocks = decode.map((n) => block(VIDEO, ntsc(n), { group: true }));

    const { rate } = await measure(head(cluster(0, ...blocks)));

    expect(rate).toEqual({ fps: 30000 / 1001 });
  });

  it("settles in one 64 KiB read after the headers when frames are small", async () => {
    const { rate, stats } = await measure(longFile(10_000_000_000, 200));

    expect(rate).toEqual({ fps: 30000 / 1001 });
    expect(stats.requests).toBe(2);
    expect(stats.bytes).toBeLessThanOrEqual(16 * 1024 + 64 * 1024);
  });

  it("reads the same bytes, at most 2 MiB of Clusters, for a 10 GB file as for a 100 MB one", async () => {
    const small = await measure(longFile(100_000_000, 100_000));
    const huge = await measure(longFile(10_000_000_000, 100_000));

    expect(huge).toEqual(small);
    expect(huge.stats.requests).toBe(3);
    expect(huge.stats.bytes).toBeLessThanOrEqual(2 * 1024 * 1024 + 16 * 1024);
    expect(huge.rate).toMatchObject({ variable: false });
    expect("reason" in huge.rate && huge.rate.reason).toContain("too few to time within the");
  });

  it("uses every frame read when VP9 Blocks come in presentation order, but not H.264's last 16", async () => {
    const vp9 = await measure(longFile(10_000_000_000, 80_000), "V_VP9");
    const h264 = await measure(longFile(10_000_000_000, 80_000), "V_MPEG4/ISO/AVC");

    expect(vp9.rate).toEqual({ fps: 30000 / 1001 });
    expect("reason" in h264.rate && h264.rate.reason).toContain(
      "its first 11 frames fit several frame rates",
    );
  });

  it("omits the rate naming both candidates when the whole file is too short to tell them apart", async () => {
    const blocks = Array.from({ length: 15 }, (_, n) => block(VIDEO, ntsc(n)));

    const { rate } = await measure(head(cluster(0, ...blocks)));

    expect("reason" in rate && rate.reason).toContain(
      "its first 15 frames fit several frame rates (30.000, 29.970 fps)",
    );
  });

  it("omits the rate with a reason when video blocks are laced", async () => {
    const blocks = Array.from({ length: 30 }, (_, n) => block(VIDEO, ntsc(n), { flags: 0x82 }));

    const { rate } = await measure(head(cluster(0, ...blocks)));

    expect(rate).toMatchObject({ variable: false });
    expect("reason" in rate && rate.reason).toContain("several frames share a timestamp");
  });

  it("omits the rate with a reason, never throws, when a Cluster is corrupt", async () => {
    const blocks = Array.from({ length: 30 }, (_, n) => block(VIDEO, ntsc(n)));
    const corrupt = concat(cluster(0, ...blocks.slice(0, 5)), Uint8Array.of(0, 0, 0, 0));

    const { rate } = await measure(head(corrupt));

    expect("reason" in rate && rate.reason).toContain("first Cluster could not be read (invalid EBML number");
  });

  it("omits the rate with a reason when no Cluster follows the Tracks", async () => {
    const { rate } = await measure(head(new Uint8Array()));

    expect("reason" in rate && rate.reason).toContain("no Cluster");
  });
});
