import { describe, expect, it } from "vitest";
import { createMemoryByteSource } from "../../../../packages/core/src/bytes/byte-source";
import type { ObjectReader } from "../../../../packages/core/src/bytes/opened-object";
import { ImportFileSchema } from "../../../../packages/core/src/imports/format";
import { DEFAULT_IMPORT_LIMITS } from "../../../../packages/core/src/imports/split";
import { scanListing } from "../../../../packages/core/src/scan/scan-listing";
import { mediaBytes } from "../../../helpers/media";

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

  it("notes sidecars without a data object and makes no record of them", async () => {
    const result = await scan({
      "gone.png.metadata.json": utf8("{}"),
      "a.png": mediaBytes("image.png"),
    });

    expect(result.records.map((r) => r.key)).toEqual(["a.png"]);
    expect(result.notes).toEqual(["gone.png.metadata.json: sidecar without its data object; ignored"]);
  });

  it("assembles a group manifest's folder into one group record and holds its members", async () => {
    const result = await scan({
      "_defaults.json": utf8('{"site":"A"}'),
      "seq/_group.json": utf8('{"type":"image_sequence","clientMetadata":{"run":3}}'),
      "seq/frame10.png": mediaBytes("image.png"),
      "seq/frame2.png": mediaBytes("image.png"),
      "seq/sub/other.png": mediaBytes("image.png"),
    });

    expect(result.records.map((r) => [r.key, r.dataType, r.export.state])).toEqual([
      ["seq/", "image_sequence", "pending"],
      ["seq/frame10.png", "image", "held"],
      ["seq/frame2.png", "image", "held"],
      ["seq/sub/other.png", "image", "pending"],
    ]);
    const file = ImportFileSchema.parse(result.files[0]?.file);
    expect(file.images?.map((i) => i.title)).toEqual(["seq/sub/other.png"]);
    expect(file.image_groups).toEqual([
      {
        title: "seq",
        createVideo: true,
        objectUrl_0: "https://b.s3.eu-west-1.amazonaws.com/seq/frame2.png",
        objectUrl_1: "https://b.s3.eu-west-1.amazonaws.com/seq/frame10.png",
        clientMetadata: { run: 3, site: "A" },
      },
    ]);
    expect(result.records[0]?.provenance).toEqual({ run: "seq/_group.json", site: "_defaults.json" });
    expect(result.leftOut).toEqual([]);
  });

  it("leaves out an incomplete group and never emits its members alone", async () => {
    const result = await scan({
      "g/_group.json": utf8('{"type":"image_group","members":["a.png","b.png"]}'),
      "g/a.png": mediaBytes("image.png"),
    });

    expect(result.files).toEqual([]);
    expect(result.leftOut).toEqual([
      { key: "g/", status: "incomplete", reason: "group-incomplete: 1 of 2 members missing: b.png" },
    ]);
  });

  it("makes the group invalid and holds its members when the manifest is not JSON", async () => {
    const result = await scan({ "g/_group.json": utf8("{oops"), "g/a.png": mediaBytes("image.png") });

    expect(result.files).toEqual([]);
    expect(result.leftOut.map((l) => [l.key, l.status])).toEqual([["g/", "invalid"]]);
    expect(result.leftOut[0]?.reason).toMatch(/^group-manifest-not-json: /);
  });

  it("notes a group's warnings on the group key", async () => {
    const result = await scan({
      "g/_group.json": utf8('{"type":"image_group"}'),
      "g/a.png": mediaBytes("image.png"),
      "g/b.wav": mediaBytes("audio.wav"),
    });

    expect(result.notes).toEqual([
      "g/: group-non-image-member: g/b.wav is not an image (audio); it is left out of the group",
    ]);
    const file = ImportFileSchema.parse(result.files[0]?.file);
    expect(file.audio?.map((a) => a.title)).toEqual(["g/b.wav"]);
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
