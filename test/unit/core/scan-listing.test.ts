import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../packages/core/src/byte-source";
import { ImportFileSchema } from "../../../packages/core/src/import-format";
import { type ObjectReader, scanListing } from "../../../packages/core/src/scan-listing";
import { DEFAULT_IMPORT_LIMITS } from "../../../packages/core/src/split-imports";
import { mediaBytes } from "../../helpers/media";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** An in-memory bucket; a key mapped to an Error fails to open, as an unreadable file does. */
function readerOf(objects: Record<string, Uint8Array | Error>): ObjectReader {
  return {
    async open(key) {
      const object = objects[key];
      if (object === undefined) throw new Error(`no such key ${key}`);
      if (object instanceof Error) throw object;
      return createMemoryByteSource(object);
    },
  };
}

function scan(objects: Record<string, Uint8Array | Error>) {
  return scanListing({
    bucket: "b",
    keys: Object.keys(objects),
    reader: readerOf(objects),
    objectUrlOf: (key) => `https://b.s3.eu-west-1.amazonaws.com/${key}`,
    suffixes: [".metadata.json"],
    schema: null,
    emitTextPdfMetadata: false,
    limits: DEFAULT_IMPORT_LIMITS,
    now: () => "2026-01-01T00:00:00.000Z",
  });
}

describe("scanListing", () => {
  it("records an unreadable object as invalid and still emits every other entry", async () => {
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });

    const result = await scan({
      "a.png": mediaBytes("image.png"),
      "b.png": denied,
      "c.wav": mediaBytes("audio.wav"),
    });

    expect(result.leftOut).toEqual([
      { key: "b.png", status: "invalid", reason: "object-unreadable: cannot read b.png: permission denied" },
    ]);
    const file = ImportFileSchema.parse(result.files[0]?.file);
    expect(file.images?.map((i) => i.title)).toEqual(["a.png"]);
    expect(file.audio?.map((i) => i.title)).toEqual(["c.wav"]);
  });

  it("records an unreadable sidecar on its data object's record", async () => {
    const denied = Object.assign(new Error("denied"), { code: "EPERM" });

    const result = await scan({ "a.png": mediaBytes("image.png"), "a.png.metadata.json": denied });

    expect(result.records[0]).toMatchObject({ key: "a.png", status: "invalid" });
    expect(result.records[0]?.errors[0]?.message).toBe("cannot read its metadata: permission denied");
    expect(result.files).toEqual([]);
  });

  it("notes sidecars without a data object and group manifests, and makes no record of them", async () => {
    const result = await scan({
      "gone.png.metadata.json": utf8("{}"),
      "seq/_group.json": utf8('{"type":"image_sequence"}'),
      "seq/0001.png": mediaBytes("image.png"),
    });

    expect(result.records.map((r) => r.key)).toEqual(["seq/0001.png"]);
    expect(result.notes).toEqual([
      "gone.png.metadata.json: sidecar without its data object; ignored",
      "seq/_group.json: group manifests are not assembled yet; its objects are scanned one by one",
    ]);
  });

  it("marks a record invalid with entry-too-large when its entry alone exceeds the byte limit", async () => {
    const big = utf8(JSON.stringify({ notes: "n".repeat(5_000) }));
    const result = await scanListing({
      bucket: "b",
      keys: ["a.png", "a.png.metadata.json", "b.png"],
      reader: readerOf({
        "a.png": mediaBytes("image.png"),
        "a.png.metadata.json": big,
        "b.png": mediaBytes("image.png"),
      }),
      objectUrlOf: (key) => `https://b.s3.eu-west-1.amazonaws.com/${key}`,
      suffixes: [".metadata.json"],
      schema: null,
      emitTextPdfMetadata: false,
      limits: { ...DEFAULT_IMPORT_LIMITS, maxBytes: 2_000 },
      now: () => "2026-01-01T00:00:00.000Z",
    });

    expect(result.records.find((r) => r.key === "a.png")).toMatchObject({
      status: "invalid",
      importEntry: null,
    });
    expect(result.leftOut[0]?.reason).toMatch(/^entry-too-large: /);
    expect(result.files.map((f) => f.keys)).toEqual([["b.png"]]);
  });
});
