import { describe, expect, it } from "vitest";
import { buildImportEntry, type SingleImportUnit } from "../../../../packages/core/src/imports/entry";
import { ImportEntrySchema } from "../../../../packages/core/src/imports/format";
import type { MediaMetadata } from "../../../../packages/core/src/records/media-metadata";

const url = (path: string): string => `https://b.s3.eu-west-1.amazonaws.com/${path}`;
const on = { emitTextPdfMetadata: true };
const off = { emitTextPdfMetadata: false };

const video: MediaMetadata = {
  fileSize: 48211934,
  mimeType: "video/mp4",
  fps: 25,
  duration: 61.2,
  width: 1920,
  height: 1080,
};

function single(
  unitType: SingleImportUnit["unitType"],
  media: MediaMetadata | null,
  path = "a",
): SingleImportUnit {
  return { unitType, title: path, clientMetadata: {}, objectUrl: url(path), media };
}

describe("buildImportEntry", () => {
  it("emits videoMetadata in snake_case with fixed key order when every field was measured", () => {
    // Prepare
    const unit = { ...single("video", video, "run.mp4"), clientMetadata: { site: "plant-7" } };

    // Act
    const built = buildImportEntry(unit, off);

    // Assert
    expect(built.importKey).toBe("videos");
    expect(built.omitted).toEqual([]);
    expect(JSON.stringify(built.entry)).toBe(
      JSON.stringify({
        objectUrl: url("run.mp4"),
        title: "run.mp4",
        videoMetadata: {
          fps: 25,
          duration: 61.2,
          width: 1920,
          height: 1080,
          file_size: 48211934,
          mime_type: "video/mp4",
        },
        clientMetadata: { site: "plant-7" },
      }),
    );
  });

  it("omits videoMetadata and names the missing fields when fps was not measured", () => {
    // Prepare
    const { fps: _fps, ...noFps } = video;

    // Act
    const built = buildImportEntry(single("video", noFps), off);

    // Assert
    expect(built.entry).toEqual({ objectUrl: url("a"), title: "a" });
    expect(built.omitted).toEqual([{ block: "videoMetadata", reason: "not measured: fps" }]);
  });

  it("omits the block and names every field when no media metadata exists", () => {
    // Act
    const built = buildImportEntry(single("image", null), off);

    // Assert
    expect(built.omitted).toEqual([
      { block: "imageMetadata", reason: "not measured: width, height, fileSize, mimeType" },
    ]);
  });

  it("omits the block without repeating it when the probe already left it out", () => {
    // Prepare
    const media: MediaMetadata = {
      ...video,
      omitted: [{ block: "videoMetadata", reason: "variable frame rate" }],
    };

    // Act
    const built = buildImportEntry(single("video", media), off);

    // Assert
    expect(built.entry).toEqual({ objectUrl: url("a"), title: "a" });
    expect(built.omitted).toEqual([]);
  });

  it("emits audioMetadata in snake_case when every field was measured", () => {
    // Prepare
    const media: MediaMetadata = {
      fileSize: 100,
      mimeType: "audio/mpeg",
      duration: 3.5,
      sampleRate: 44100,
      bitDepth: 16,
      codec: "mp3",
      numChannels: 2,
    };

    // Act
    const built = buildImportEntry(single("audio", media), off);

    // Assert
    expect(built).toEqual({
      importKey: "audio",
      entry: {
        objectUrl: url("a"),
        title: "a",
        audioMetadata: {
          duration: 3.5,
          file_size: 100,
          mime_type: "audio/mpeg",
          sample_rate: 44100,
          bit_depth: 16,
          codec: "mp3",
          num_channels: 2,
        },
      },
      omitted: [],
    });
  });

  it("emits imageMetadata in camelCase when every field was measured", () => {
    // Act
    const built = buildImportEntry(
      single("image", { fileSize: 9, mimeType: "image/png", width: 4, height: 3 }),
      off,
    );

    // Assert
    expect(built.entry).toEqual({
      objectUrl: url("a"),
      title: "a",
      imageMetadata: { mimeType: "image/png", fileSize: 9, width: 4, height: 3 },
    });
  });

  it("leaves text and PDF blocks out silently when emitTextPdfMetadata is off", () => {
    // Act
    const text = buildImportEntry(single("text", { fileSize: 5, mimeType: "text/plain" }), off);
    const pdf = buildImportEntry(single("pdf", { fileSize: 5, numPages: 2 }), off);

    // Assert
    expect([text.importKey, pdf.importKey]).toEqual(["text", "pdfs"]);
    expect([text.entry, pdf.entry]).toEqual([
      { objectUrl: url("a"), title: "a" },
      { objectUrl: url("a"), title: "a" },
    ]);
    expect([...text.omitted, ...pdf.omitted]).toEqual([]);
  });

  it("emits text and PDF blocks when emitTextPdfMetadata is on", () => {
    // Act
    const text = buildImportEntry(single("text", { fileSize: 5, mimeType: "text/plain" }), on);
    const pdf = buildImportEntry(single("pdf", { fileSize: 5, numPages: 2 }), on);

    // Assert
    expect(text.entry).toMatchObject({ textMetadata: { fileSize: 5, mimeType: "text/plain" } });
    expect(pdf.entry).toMatchObject({ pdfMetadata: { fileSize: 5, numPages: 2 } });
  });

  it("omits the PDF block with a reason when emitTextPdfMetadata is on and pages were not counted", () => {
    // Act
    const built = buildImportEntry(single("pdf", { fileSize: 5 }), on);

    // Assert
    expect(built.omitted).toEqual([{ block: "pdfMetadata", reason: "not measured: numPages" }]);
  });

  it("emits no block when the unit is NIfTI", () => {
    // Act
    const built = buildImportEntry(single("nifti", { fileSize: 5 }), on);

    // Assert
    expect(built).toEqual({ importKey: "nifti", entry: { objectUrl: url("a"), title: "a" }, omitted: [] });
  });

  it("builds an image sequence with createVideo true and numbered URLs in order", () => {
    // Prepare
    const unit = {
      unitType: "image_sequence" as const,
      title: "tl/0001",
      clientMetadata: { batch: "B-22" },
      objectUrls: [url("tl/000.jpg"), url("tl/001.jpg")],
    };

    // Act
    const built = buildImportEntry(unit, off);

    // Assert
    expect(built.importKey).toBe("image_groups");
    expect(Object.keys(built.entry)).toEqual([
      "title",
      "createVideo",
      "objectUrl_0",
      "objectUrl_1",
      "clientMetadata",
    ]);
    expect(built.entry).toEqual({
      title: "tl/0001",
      createVideo: true,
      objectUrl_0: url("tl/000.jpg"),
      objectUrl_1: url("tl/001.jpg"),
      clientMetadata: { batch: "B-22" },
    });
  });

  it("builds an image group with createVideo false when the unit is an image group", () => {
    // Act
    const built = buildImportEntry(
      { unitType: "image_group", title: "g", clientMetadata: {}, objectUrls: [url("x")] },
      off,
    );

    // Assert
    expect(built.entry).toEqual({ title: "g", createVideo: false, objectUrl_0: url("x") });
  });

  it("builds a DICOM series without createVideo when the unit is a series", () => {
    // Prepare
    const unit = {
      unitType: "dicom_series" as const,
      title: "ct/CT1",
      clientMetadata: {},
      objectUrls: [url("1"), url("2")],
    };

    // Act
    const built = buildImportEntry(unit, off);

    // Assert
    expect(built).toEqual({
      importKey: "dicom_series",
      entry: { title: "ct/CT1", objectUrl_0: url("1"), objectUrl_1: url("2") },
      omitted: [],
    });
  });

  it("builds a one-file series when a single DICOM object is given", () => {
    // Act
    const built = buildImportEntry(single("dicom_series", { fileSize: 10 }, "ct/IM1"), off);

    // Assert
    expect(built).toEqual({
      importKey: "dicom_series",
      entry: { title: "ct/IM1", objectUrl_0: url("ct/IM1") },
      omitted: [],
    });
  });

  it("produces entries that pass ImportEntrySchema when units are well formed", () => {
    // Prepare
    const units = [
      single("video", video),
      single("audio", null),
      single("image", null),
      single("text", { fileSize: 1, mimeType: "text/plain" }),
      single("pdf", { fileSize: 1, numPages: 1 }),
      single("nifti", null),
      {
        ...single("video", video),
        clientMetadata: { $encord: { config: { sampling_rate: 0 }, frames: [0, 10] } },
      },
    ];

    // Act
    const results = units.map((unit) => {
      const { importKey, entry } = buildImportEntry(unit, on);
      return ImportEntrySchema.safeParse({ importKey, entry });
    });

    // Assert
    expect(results.map((r) => r.error?.issues)).toEqual(units.map(() => undefined));
  });
});
