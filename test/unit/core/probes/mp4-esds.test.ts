import { describe, expect, it } from "vitest";
import { BoxReader } from "../../../../packages/core/src/probes/mp4-boxes";
import { parseEsds } from "../../../../packages/core/src/probes/mp4-esds";

/** Packs [value, bit count] fields most significant bit first, padding the last byte with zeros. */
function bits(...fields: [number, number][]): number[] {
  const flat = fields.flatMap(([value, count]) =>
    Array.from({ length: count }, (_, i) => Math.floor(value / 2 ** (count - 1 - i)) % 2),
  );
  return Array.from({ length: Math.ceil(flat.length / 8) }, (_, i) =>
    flat.slice(i * 8, i * 8 + 8).reduce((byte, bit, j) => byte | (bit << (7 - j)), 0),
  );
}

const descriptor = (tag: number, body: number[]) => [tag, body.length, ...body];

/** An esds box whose DecoderConfigDescriptor has `objectType` and, if given, an AudioSpecificConfig. */
function esds(objectType: number, config?: number[]): BoxReader {
  const decoderConfig = [objectType, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const specific = config === undefined ? [] : descriptor(0x05, config);
  const es = descriptor(0x03, [0, 1, 0, ...descriptor(0x04, [...decoderConfig, ...specific])]);
  const payload = [0, 0, 0, 0, ...es];
  const size = 8 + payload.length;
  return new BoxReader(Uint8Array.from([0, 0, 0, size, 0x65, 0x73, 0x64, 0x73, ...payload]));
}
const box = (reader: BoxReader) => ({ type: "esds", start: 0, body: 8, end: reader.bytes.byteLength });

describe("parseEsds", () => {
  it("reads the rate and channels of AAC-LC from the AudioSpecificConfig", () => {
    const reader = esds(0x40, bits([2, 5], [4, 4], [2, 4]));

    expect(parseEsds(reader, box(reader))).toEqual({ codec: "aac", sampleRate: 44100, channels: 2 });
  });

  it("reports the extension rate when explicit HE-AAC signals SBR", () => {
    const reader = esds(0x40, bits([5, 5], [6, 4], [2, 4], [3, 4], [2, 5]));

    expect(parseEsds(reader, box(reader))).toEqual({ codec: "aac", sampleRate: 48000, channels: 2 });
  });

  it("reports stereo when HE-AAC v2 turns a mono core into stereo with PS", () => {
    const reader = esds(0x40, bits([29, 5], [6, 4], [1, 4], [3, 4], [2, 5]));

    expect(parseEsds(reader, box(reader))).toEqual({ codec: "aac", sampleRate: 48000, channels: 2 });
  });

  it("reads an explicit 24-bit sampling frequency when the index is 15", () => {
    const reader = esds(0x40, bits([2, 5], [15, 4], [50000, 24], [1, 4]));

    expect(parseEsds(reader, box(reader))).toEqual({ codec: "aac", sampleRate: 50000, channels: 1 });
  });

  it("names MP3 in MP4 from its object type, with nothing more to read", () => {
    const reader = esds(0x6b);

    expect(parseEsds(reader, box(reader))).toEqual({
      codec: "mp3",
      sampleRate: undefined,
      channels: undefined,
    });
  });
});
