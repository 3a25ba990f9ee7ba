import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { constants, gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { HEAD_BYTES } from "../../../../packages/core/src/bytes/head-bytes";
import { inferDataType } from "../../../../packages/core/src/typing/infer-type";
import { niftiMaskGz } from "../../../helpers/hostile-inputs";

const MEDIA = resolve(import.meta.dirname, "../../../fixtures/media");

/** The head of a fixture, as a caller reads it. */
function media(name: string): Uint8Array {
  return readFileSync(resolve(MEDIA, name)).subarray(0, HEAD_BYTES);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** An ISO-BMFF box; `declared` overrides the size field to describe a box cut off by the head. */
function box(type: string, payload: number[], declared?: number): number[] {
  return [...u32(declared ?? payload.length + 8), ...ascii(type), ...payload];
}

function hdlr(handler: string): number[] {
  return box("hdlr", [...u32(0), ...u32(0), ...ascii(handler), ...new Array(12).fill(0), 0]);
}

const FTYP_ISOM = box("ftyp", [...ascii("isom"), ...u32(512), ...ascii("isomiso2mp41")]);

function mp4WithTracks(...handlers: string[]): Uint8Array {
  const traks = handlers.flatMap((h) => box("trak", box("mdia", hdlr(h))));
  return Uint8Array.from([...FTYP_ISOM, ...box("moov", traks), ...box("mdat", [1, 2, 3, 4])]);
}

/** An EBML element with a one- or two-byte size. */
function ebml(id: number[], payload: number[]): number[] {
  const size =
    payload.length < 0x7f ? [0x80 | payload.length] : [0x40 | (payload.length >> 8), payload.length & 0xff];
  return [...id, ...size, ...payload];
}

function webmWithTrackTypes(...types: number[]): Uint8Array {
  const header = ebml(
    [0x1a, 0x45, 0xdf, 0xa3],
    [...ebml([0x42, 0x86], [1]), ...ebml([0x42, 0x82], ascii("webm"))],
  );
  const entries = types.flatMap((type, i) =>
    ebml(
      [0xae],
      [
        ...ebml([0xd7], [i + 1]),
        ...ebml([0x83], [type]),
        ...ebml([0x86], ascii(type === 1 ? "V_VP9" : "A_OPUS")),
      ],
    ),
  );
  const tracks = ebml([0x16, 0x54, 0xae, 0x6b], entries);
  // A Segment of unknown size, as live recorders (MediaRecorder) write it.
  const segment = [0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...tracks];
  return Uint8Array.from([...header, ...segment]);
}

/** Bytes that match no signature and hold NULs, so that they can be neither media nor text. */
const BINARY = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256);

/** A NIfTI-1 header followed by `voxels` bytes of noise that does not compress. */
function niftiWithNoise(voxels: number): Uint8Array {
  const bytes = new Uint8Array(352 + voxels);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 348, true);
  bytes.set(ascii("n+1\0"), 344);
  let seed = 12345;
  for (let i = 352; i < bytes.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bytes[i] = seed >>> 24;
  }
  return bytes;
}

describe("inferDataType", () => {
  it.each([
    ["video.mp4", "video", "video/mp4"],
    ["video.webm", "video", "video/webm"],
    ["audio.mp3", "audio", "audio/mpeg"],
    ["audio.wav", "audio", "audio/wav"],
    ["image.png", "image", "image/png"],
    ["image.jpg", "image", "image/jpeg"],
    ["document.pdf", "pdf", "application/pdf"],
    ["image.dcm", "dicom", "application/dicom"],
    ["volume.nii", "nifti", "application/x-nifti"],
    ["volume.nii.gz", "nifti", "application/gzip"],
    ["note.txt", "text", "text/plain"],
    ["readme.md", "text", "text/markdown"],
  ])("types %s as %s by its content when the extension agrees", async (name, dataType, mimeType) => {
    // Prepare
    const head = media(name);

    // Act
    const result = await inferDataType({ head, key: `data/${name}` });

    // Assert
    expect(result).toEqual({ ok: true, dataType, mimeType, source: "content", warnings: [] });
  });

  it.each([
    ["video.mp4", "video"],
    ["audio.mp3", "audio"],
    ["image.png", "image"],
    ["document.pdf", "pdf"],
    ["image.dcm", "dicom"],
    ["volume.nii", "nifti"],
    ["volume.nii.gz", "nifti"],
  ])("types %s by its content when the key has no extension", async (name, dataType) => {
    const result = await inferDataType({ head: media(name), key: "scans/IM0001" });

    expect(result).toMatchObject({ ok: true, dataType, source: "content", warnings: [] });
  });

  it("records no warning when a PNG is named .jpg, since both are images", async () => {
    const result = await inferDataType({ head: media("image.png"), key: "photo.jpg" });

    expect(result).toEqual({
      ok: true,
      dataType: "image",
      mimeType: "image/png",
      source: "content",
      warnings: [],
    });
  });

  it("keeps the content type and warns of the mismatch when a PNG is named .mp4", async () => {
    const result = await inferDataType({ head: media("image.png"), key: "clip.mp4" });

    expect(result).toMatchObject({ ok: true, dataType: "image", source: "content" });
    expect(result.ok && result.warnings).toEqual([
      {
        code: "type-mismatch",
        message: expect.stringMatching(/image \(image\/png\).*extension \.mp4 says video/),
      },
    ]);
  });

  it("warns once per disagreeing source when extension and Content-Type both disagree with the content", async () => {
    const result = await inferDataType({
      head: media("document.pdf"),
      key: "a.mp3",
      contentType: "video/mp4",
    });

    expect(result).toMatchObject({ ok: true, dataType: "pdf", source: "content" });
    const messages = result.ok ? result.warnings.map((w) => `${w.code}: ${w.message}`) : [];
    expect(messages).toEqual([
      expect.stringMatching(/^type-mismatch: .*extension \.mp3 says audio/),
      expect.stringMatching(/^type-mismatch: .*Content-Type video\/mp4 says video/),
    ]);
  });

  it("types by extension when the content matches no signature", async () => {
    const result = await inferDataType({ head: BINARY, key: "raw/capture.MKV" });

    expect(result).toEqual({
      ok: true,
      dataType: "video",
      mimeType: "video/matroska",
      source: "extension",
      warnings: [],
    });
  });

  it("falls back to the Content-Type, without its parameters, when content and extension say nothing", async () => {
    const result = await inferDataType({
      head: BINARY,
      key: "blobs/0001",
      contentType: "Audio/MPEG; charset=binary",
    });

    expect(result).toEqual({
      ok: true,
      dataType: "audio",
      mimeType: "audio/mpeg",
      source: "content-type",
      warnings: [],
    });
  });

  it("prefers the extension to the Content-Type and warns when they disagree", async () => {
    const result = await inferDataType({ head: BINARY, key: "a.mp4", contentType: "audio/mpeg" });

    expect(result).toMatchObject({ ok: true, dataType: "video", source: "extension" });
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(["type-mismatch"]);
  });

  it("types text by content when unrecognised UTF-8 bytes are named .txt", async () => {
    const head = new TextEncoder().encode("id,score\n1,0.5\n");

    const result = await inferDataType({ head, key: "notes/scores.txt" });

    expect(result).toEqual({
      ok: true,
      dataType: "text",
      mimeType: "text/plain",
      source: "content",
      warnings: [],
    });
  });

  it("types UTF-8 as text when there is no other evidence", async () => {
    const head = new TextEncoder().encode("Read me first.\r\n\tThanks.");

    const result = await inferDataType({ head, key: "README", contentType: "application/octet-stream" });

    expect(result).toEqual({
      ok: true,
      dataType: "text",
      mimeType: "text/plain",
      source: "content",
      warnings: [],
    });
  });

  it("takes the text MIME type from the Content-Type when the key has no extension", async () => {
    const result = await inferDataType({
      head: media("readme.md"),
      key: "README",
      contentType: "text/markdown",
    });

    expect(result).toMatchObject({
      ok: true,
      dataType: "text",
      mimeType: "text/markdown",
      source: "content",
    });
  });

  it.each(["utf16le", "utf16be"])(
    "types %s text with a byte-order mark as text, not as MPEG audio",
    async (charset) => {
      // file-type alone reads the little-endian mark FF FE as an MPEG Layer I frame.
      const units = Buffer.from(`\ufeff${"Hello, world.\n".repeat(20)}`, "utf16le");
      const head = new Uint8Array(charset === "utf16be" ? units.swap16() : units);

      const result = await inferDataType({ head, key: "hello.txt" });

      expect(result).toEqual({
        ok: true,
        dataType: "text",
        mimeType: "text/plain",
        source: "content",
        warnings: [],
      });
    },
  );

  it("keeps a media extension over UTF-8 content and says the content looks like text", async () => {
    const head = new TextEncoder().encode("this is not a video");

    const result = await inferDataType({ head, key: "clip.mp4" });

    expect(result).toMatchObject({ ok: true, dataType: "video", source: "extension" });
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(["content-looks-like-text"]);
  });

  it("types non-UTF-8 text named .txt as text with a text-not-utf8 warning", async () => {
    const head = Uint8Array.from([...ascii("caf"), 0xe9, ...ascii(" au lait\n")]);

    const result = await inferDataType({ head, key: "menu.txt" });

    expect(result).toMatchObject({ ok: true, dataType: "text", mimeType: "text/plain", source: "extension" });
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(["text-not-utf8"]);
  });

  it("refuses to type binary bytes as text even when named .txt", async () => {
    const result = await inferDataType({ head: BINARY, key: "dump.txt", contentType: "text/plain" });

    expect(result).toEqual({
      ok: false,
      code: "unknown-type",
      reason: expect.stringContaining("cannot be text"),
    });
    expect(!result.ok && result.reason).toContain("extension .txt says text");
  });

  it("reports empty-object when the object has no bytes", async () => {
    const result = await inferDataType({ head: new Uint8Array(0), key: "a.mp4", contentType: "video/mp4" });

    expect(result).toEqual({ ok: false, code: "empty-object", reason: expect.stringContaining("0 bytes") });
  });

  it("reports unknown-type naming the content, extension and Content-Type it looked at", async () => {
    const result = await inferDataType({ head: BINARY, key: "a/b.xyz", contentType: "application/x-foo" });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe("unknown-type");
    const reason = result.ok ? "" : result.reason;
    expect(reason).toContain("no known signature");
    expect(reason).toContain("extension .xyz is not a known type");
    expect(reason).toContain("Content-Type application/x-foo is not a known type");
  });

  it("reports unknown-type when the content is a format Sluice does not import, whatever the name", async () => {
    const head = gzipSync(new TextEncoder().encode("not a NIfTI volume"));

    const result = await inferDataType({ head, key: "brain.nii.gz" });

    expect(result).toMatchObject({ ok: false, code: "unknown-type" });
    expect(!result.ok && result.reason).toContain("application/gzip");
  });

  it("finds the NIfTI magic in a gzip head cut off mid-stream", async () => {
    const compressed = gzipSync(niftiWithNoise(100_000));
    const head = compressed.subarray(0, HEAD_BYTES);

    const result = await inferDataType({ head, key: "mr/brain.nii.gz" });

    expect(compressed.byteLength).toBeGreaterThan(HEAD_BYTES);
    expect(result).toEqual({
      ok: true,
      dataType: "nifti",
      mimeType: "application/gzip",
      source: "content",
      warnings: [],
    });
  });

  it.each([6, 9])(
    "types a 256³ segmentation mask gzipped at level %i as NIfTI from its head, whose 16 KB inflate past 8 MB (issue 14)",
    async (level) => {
      const compressed = niftiMaskGz(level, 256);
      const head = compressed.subarray(0, HEAD_BYTES);

      const result = await inferDataType({ head, key: "masks/liver.nii.gz" });

      expect(gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).byteLength).toBeGreaterThan(
        8 * 1024 * 1024,
      );
      expect(result).toEqual({
        ok: true,
        dataType: "nifti",
        mimeType: "application/gzip",
        source: "content",
        warnings: [],
      });
    },
  );

  it("types an uncompressed NIfTI by its magic when its name says otherwise, with a warning", async () => {
    const result = await inferDataType({ head: media("volume.nii"), key: "volume.png" });

    expect(result).toMatchObject({ ok: true, dataType: "nifti", source: "content" });
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(["type-mismatch"]);
  });

  it("types an MP4 whose only track is sound as audio", async () => {
    const result = await inferDataType({ head: mp4WithTracks("soun"), key: "talk.m4a" });

    expect(result).toEqual({
      ok: true,
      dataType: "audio",
      mimeType: "audio/mp4",
      source: "content",
      warnings: [],
    });
  });

  it("types a sound-only MP4 named .mp4 as audio and warns of the mismatch", async () => {
    const result = await inferDataType({ head: mp4WithTracks("soun"), key: "talk.mp4" });

    expect(result).toMatchObject({ ok: true, dataType: "audio", mimeType: "audio/mp4" });
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(["type-mismatch"]);
  });

  it("types an MP4 with video and sound tracks as video even when named .m4a", async () => {
    const result = await inferDataType({ head: mp4WithTracks("soun", "vide"), key: "clip.m4a" });

    expect(result).toMatchObject({ ok: true, dataType: "video", mimeType: "video/mp4" });
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(["type-mismatch"]);
  });

  it.each([
    ["talk.m4a", "audio"],
    ["clip.mp4", "video"],
    ["clip", "video"],
  ])("lets the name decide a generic MP4 whose moov lies past the head (%s → %s)", async (key, dataType) => {
    const head = Uint8Array.from([...FTYP_ISOM, ...box("mdat", [0, 0, 0, 0], 5_000_000)]);

    const result = await inferDataType({ head, key });

    expect(result).toMatchObject({ ok: true, dataType, source: "content", warnings: [] });
  });

  it("types a WebM whose only track is audio as audio", async () => {
    const result = await inferDataType({ head: webmWithTrackTypes(2), key: "voice.webm" });

    expect(result).toMatchObject({ ok: true, dataType: "audio", mimeType: "audio/webm", source: "content" });
  });

  it("types a WebM with video and audio tracks as video", async () => {
    const result = await inferDataType({ head: webmWithTrackTypes(2, 1), key: "voice.webm" });

    expect(result).toEqual({
      ok: true,
      dataType: "video",
      mimeType: "video/webm",
      source: "content",
      warnings: [],
    });
  });
});

describe("inferDataType on DICOM", () => {
  const PROBE_MEDIA = resolve(import.meta.dirname, "../../../fixtures/probe/media");
  const probeHead = (name: string) => readFileSync(resolve(PROBE_MEDIA, name)).subarray(0, HEAD_BYTES);

  it("types a raw DICOM data set by its content when it has no preamble, meta header or extension", async () => {
    const result = await inferDataType({
      head: probeHead("dicom-raw-series-c-1.dcm"),
      key: "archive/IM0001",
    });

    expect(result).toEqual({
      ok: true,
      dataType: "dicom",
      mimeType: "application/dicom",
      source: "content",
      warnings: [],
    });
  });

  it.each(["study/DICOMDIR", "study/index.dcm", "study/dicomdir"])(
    "skips a DICOMDIR with a dicom-directory reason when its key is %s",
    async (key) => {
      const result = await inferDataType({ head: probeHead("skip-dicomdir-series-a"), key });

      expect(result).toMatchObject({ ok: false, code: "dicom-directory" });
      expect(result.ok ? "" : result.reason).toContain("1.2.840.10008.1.3.10");
    },
  );

  it("types an image named DICOMDIR as DICOM when its content is not a directory", async () => {
    const result = await inferDataType({ head: probeHead("dicom-series-a-1.dcm"), key: "study/DICOMDIR" });

    expect(result).toMatchObject({ ok: true, dataType: "dicom", source: "content" });
  });

  it("types no other probe fixture as DICOM when the key has no extension", async () => {
    const others = readdirSync(PROBE_MEDIA).filter(
      (name) => !name.includes("dicom") && !name.startsWith("broken-"),
    );

    const typed = await Promise.all(
      others.map(
        async (name) => [name, await inferDataType({ head: probeHead(name), key: "blob" })] as const,
      ),
    );

    expect(others.length).toBeGreaterThan(40);
    expect(typed.filter(([, t]) => t.ok && t.dataType === "dicom").map(([name]) => name)).toEqual([]);
  });

  it.each([
    ["one element, then another group", [8, 0, 0x16, 0, 2, 0, 0, 0, 0x31, 0, 0x10, 0, 0x10, 0, 0, 0, 0, 0]],
    ["an odd length", [8, 0, 0x16, 0, 3, 0, 0, 0, 0x31, 0x32, 0x33, 8, 0, 0x18, 0, 0, 0, 0, 0]],
    ["tags out of order", [8, 0, 0x18, 0, 0, 0, 0, 0, 8, 0, 0x16, 0, 0, 0, 0, 0, 0x10, 0, 0x10, 0]],
  ])("leaves bytes untyped when they open with group 0008 but have %s", async (_, bytes) => {
    const head = Uint8Array.from([...bytes, ...new Array<number>(64).fill(0x7f)]);

    const result = await inferDataType({ head, key: "blob" });

    expect(result).toMatchObject({ ok: false, code: "unknown-type" });
  });
});
