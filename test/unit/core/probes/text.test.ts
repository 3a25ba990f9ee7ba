import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ByteSource, createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import { createCachingByteSource } from "../../../../packages/core/src/bytes/caching-byte-source";
import { DEFAULT_PROBE_SETTINGS } from "../../../../packages/core/src/probes/probe-types";
import { probeText, TEXT_SAMPLE_BYTES } from "../../../../packages/core/src/probes/text";
import { expectedText, probeMediaPath } from "../../../helpers/probe-truth";

const cached = (bytes: Uint8Array) => createCachingByteSource(createMemoryByteSource(bytes));
const fixture = (name: string) => cached(new Uint8Array(readFileSync(probeMediaPath(name))));
const ascii = (length: number) => new Uint8Array(length).fill(0x61);

describe("probeText", () => {
  it("names utf-8, as `file` does, when the text is valid UTF-8", async () => {
    const name = "text-utf8.txt";

    const outcome = await probeText(fixture(name), DEFAULT_PROBE_SETTINGS);

    expect(outcome).toEqual({
      media: { charset: expectedText(name).charset },
      errors: [],
      warnings: [],
      omitted: [],
    });
  });

  it("says unknown with a text-not-utf8 warning when the text is Latin-1", async () => {
    const name = "text-latin1.txt";

    const outcome = await probeText(fixture(name), DEFAULT_PROBE_SETTINGS);

    expect(expectedText(name).charset).not.toBe("utf-8");
    expect(outcome.media).toEqual({ charset: "unknown" });
    expect(outcome.warnings.map((w) => w.code)).toEqual(["text-not-utf8"]);
    expect(outcome.errors).toEqual([]);
  });

  it("names utf-8 when the text is plain ASCII", async () => {
    const outcome = await probeText(cached(new TextEncoder().encode('{"a": 1}\n')), DEFAULT_PROBE_SETTINGS);

    expect(outcome.media).toEqual({ charset: "utf-8" });
  });

  it.each([
    [[0xef, 0xbb, 0xbf, 0x61], "utf-8"],
    [[0xff, 0xfe, 0x61, 0x00], "utf-16le"],
    [[0xfe, 0xff, 0x00, 0x61], "utf-16be"],
    [[0xff, 0xfe, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00], "utf-32le"],
  ])("follows the byte-order mark %j to %s", async (bytes, charset) => {
    const outcome = await probeText(cached(Uint8Array.from(bytes)), DEFAULT_PROBE_SETTINGS);

    expect(outcome.media).toEqual({ charset });
    expect(outcome.warnings).toEqual([]);
  });

  it("says unknown when the text holds NUL bytes", async () => {
    const outcome = await probeText(
      cached(Uint8Array.from([0x61, 0x00, 0x62, 0x00])),
      DEFAULT_PROBE_SETTINGS,
    );

    expect(outcome.media).toEqual({ charset: "unknown" });
    expect(outcome.warnings.map((w) => w.code)).toEqual(["text-not-utf8"]);
  });

  it("reads one 64 KiB sample of a large file and judges by it alone", async () => {
    const bytes = ascii(10_000_000);
    bytes[TEXT_SAMPLE_BYTES + 10] = 0xe9; // Latin-1 "é", past the sample
    const source = cached(bytes);

    const outcome = await probeText(source, DEFAULT_PROBE_SETTINGS);

    expect(outcome.media).toEqual({ charset: "utf-8" });
    expect(source.stats).toEqual({ requests: 1, bytes: TEXT_SAMPLE_BYTES });
  });

  it("accepts a UTF-8 character cut by the sample's edge when the file goes on", async () => {
    const bytes = ascii(TEXT_SAMPLE_BYTES + 100);
    bytes.set([0xe2, 0x82, 0xac], TEXT_SAMPLE_BYTES - 1); // "€" straddling the edge

    const outcome = await probeText(cached(bytes), DEFAULT_PROBE_SETTINGS);

    expect(outcome.media).toEqual({ charset: "utf-8" });
  });

  it("says unknown when the whole file ends inside a UTF-8 character", async () => {
    const outcome = await probeText(cached(Uint8Array.from([0x61, 0xe2, 0x82])), DEFAULT_PROBE_SETTINGS);

    expect(outcome.media).toEqual({ charset: "unknown" });
  });

  it("reports media-read-failed instead of throwing when the read fails", async () => {
    const failing: ByteSource = { size: 10, read: () => Promise.reject(new Error("access denied")) };

    const outcome = await probeText(failing, DEFAULT_PROBE_SETTINGS);

    expect(outcome.errors).toEqual([
      { code: "media-read-failed", message: expect.stringMatching(/access denied/) },
    ]);
    expect(outcome.media).toEqual({});
  });
});
