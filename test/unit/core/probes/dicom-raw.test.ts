import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isRawDicom } from "../../../../packages/core/src/probes/dicom-raw";
import { probeMediaPath } from "../../../helpers/probe-truth";

/** An Implicit VR Little Endian element header with `length`, then `value` (zeros when not given). */
function element(group: number, number: number, length: number, value?: number[]): number[] {
  const bytes = new DataView(new ArrayBuffer(8));
  bytes.setUint16(0, group, true);
  bytes.setUint16(2, number, true);
  bytes.setUint32(4, length, true);
  const body = value ?? (length === 0xffffffff ? [] : new Array<number>(length).fill(0x31));
  return [...new Uint8Array(bytes.buffer), ...body];
}

const raw = (...elements: number[][]) => Uint8Array.from(elements.flat());

describe("isRawDicom", () => {
  it("accepts a data set that dcmconv wrote without meta header in Implicit VR Little Endian", () => {
    expect(isRawDicom(new Uint8Array(readFileSync(probeMediaPath("dicom-raw-series-c-1.dcm"))))).toBe(true);
  });

  it("accepts two whole group 0008 elements when the next one runs past the bytes read", () => {
    const bytes = raw(element(8, 0x16, 4), element(8, 0x18, 4), element(8, 0x20, 4096, []));

    expect(isRawDicom(bytes)).toBe(true);
  });

  it("accepts group 0008 elements followed by a sequence of undefined length", () => {
    const bytes = raw(element(8, 0x16, 4), element(8, 0x18, 4), element(8, 0x1110, 0xffffffff));

    expect(isRawDicom(bytes)).toBe(true);
  });

  it.each([
    ["a Part 10 file (its preamble)", readFileSync(probeMediaPath("dicom-series-a-1.dcm"))],
    ["a PNG", readFileSync(probeMediaPath("png-40x30.png"))],
    ["a meta header without preamble (group 0002 first)", raw(element(2, 0, 4), element(8, 0x16, 4))],
    ["one group 0008 element only", raw(element(8, 0x16, 4), element(0x10, 0x10, 4))],
    ["an odd length", raw(element(8, 0x16, 3), element(8, 0x18, 4))],
    ["a repeated tag", raw(element(8, 0x16, 4), element(8, 0x16, 4), element(0x10, 0x10, 0))],
    ["a lower next group", raw(element(8, 0x16, 4), element(8, 0x18, 4), element(6, 0x10, 0))],
    ["the first element cut by the end of the bytes", raw(element(8, 0x16, 64, [0x31]))],
    ["an Explicit VR data set", Uint8Array.from([8, 0, 0x16, 0, 0x55, 0x49, 4, 0, 0x31, 0x2e, 0x32, 0])],
    ["nothing", new Uint8Array(0)],
  ])("refuses %s", (_, bytes) => {
    expect(isRawDicom(new Uint8Array(bytes))).toBe(false);
  });

  it("refuses pseudo-random bytes, even when they start with a group 0008 tag", () => {
    let state = 2026;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state >> 16;
    };
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: 256 }, () => next() & 0xff);
      bytes.set([8, 0], 0);
      expect(isRawDicom(bytes)).toBe(false);
    }
  });
});
