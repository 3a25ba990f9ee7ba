import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import {
  locateMoov,
  MAX_MOOV_BYTES,
  MAX_TOP_LEVEL_BOXES,
} from "../../../../packages/core/src/probes/mp4-top-level";

/** A box with a 32-bit size (or `size` as given, to lie about it) around `payload`. */
function box(
  type: string,
  payload: Uint8Array = new Uint8Array(0),
  size = 8 + payload.byteLength,
): Uint8Array {
  const out = new Uint8Array(8 + payload.byteLength);
  new DataView(out.buffer).setUint32(0, size);
  out.set(
    [...type].map((c) => c.charCodeAt(0)),
    4,
  );
  out.set(payload, 8);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

const ftyp = box("ftyp", new TextEncoder().encode("isom\0\0\0\0isom"));
const source = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));

describe("locateMoov", () => {
  it("returns the moov bytes when the moov follows the ftyp", async () => {
    const moov = box("moov", box("mvhd", new Uint8Array(100)));

    const found = await locateMoov(source(concat(ftyp, moov)));

    expect(found).toEqual({ bytes: moov, start: ftyp.byteLength, end: ftyp.byteLength + moov.byteLength });
  });

  it("skips an mdat declared with a 64-bit largesize", async () => {
    const mdat = new Uint8Array(16 + 40);
    const view = new DataView(mdat.buffer);
    view.setUint32(0, 1);
    mdat.set([0x6d, 0x64, 0x61, 0x74], 4);
    view.setBigUint64(8, BigInt(mdat.byteLength));
    const moov = box("moov");

    const found = await locateMoov(source(concat(ftyp, mdat, moov)));

    expect(found.start).toBe(ftyp.byteLength + mdat.byteLength);
  });

  it.each([
    ["a box size below its header", box("free", new Uint8Array(8), 4), /less than its header/],
    ["a box type that is not text", Uint8Array.from([0, 0, 0, 8, 0x89, 0x50, 0x4e, 0x47]), /no box header/],
  ])("fails as media-corrupt on %s, without looping", async (_, bad, message) => {
    const walk = locateMoov(source(concat(ftyp, bad, box("moov"))));

    await expect(walk).rejects.toMatchObject({
      code: "media-corrupt",
      message: expect.stringMatching(message),
    });
  });

  it("fails as media-corrupt when a 64-bit largesize is below the 16-byte header", async () => {
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setUint32(0, 1);
    bad.set([0x66, 0x72, 0x65, 0x65], 4);
    new DataView(bad.buffer).setBigUint64(8, 12n);

    await expect(locateMoov(source(concat(ftyp, bad)))).rejects.toMatchObject({ code: "media-corrupt" });
  });

  it("fails as media-truncated when an mdat of size 0 runs to the end with no moov", async () => {
    const walk = locateMoov(source(concat(ftyp, box("mdat", new Uint8Array(32), 0))));

    await expect(walk).rejects.toMatchObject({
      code: "media-truncated",
      message: expect.stringMatching(/no moov/),
    });
  });

  it("fails as media-corrupt when a movie fragment comes before the moov", async () => {
    await expect(locateMoov(source(concat(ftyp, box("moof"), box("moov"))))).rejects.toMatchObject({
      code: "media-corrupt",
    });
  });

  it("refuses a moov over the cap without reading it", async () => {
    const size = MAX_MOOV_BYTES + 1;
    const head = concat(ftyp, box("moov", new Uint8Array(0), size));
    const bytes: ByteSource = {
      size: head.byteLength + size,
      read: async (offset, length) => {
        const out = new Uint8Array(Math.min(length, head.byteLength + size - offset));
        out.set(
          head.subarray(
            Math.min(offset, head.byteLength),
            Math.min(offset + out.byteLength, head.byteLength),
          ),
        );
        return out;
      },
    };
    const cached = createCachingByteSource(bytes);

    await expect(locateMoov(cached)).rejects.toMatchObject({ code: "media-too-large" });
    expect(cached.stats.bytes).toBeLessThanOrEqual(16 * 1024);
  });

  it("gives up after the cap on top-level boxes", async () => {
    const frees = Array.from({ length: MAX_TOP_LEVEL_BOXES }, () => box("free"));

    const walk = locateMoov(source(concat(ftyp, ...frees, box("moov"))));

    await expect(walk).rejects.toMatchObject({ code: "media-corrupt" });
  });
});
