import { describe, expect, it } from "vitest";
import {
  audioMetadataBlock,
  imageMetadataBlock,
  type OmittedBlock,
  pdfMetadataBlock,
  textMetadataBlock,
  videoMetadataBlock,
} from "../../../../packages/core/src/imports/media-blocks";

describe("videoMetadataBlock", () => {
  it("renames fileSize and mimeType to snake_case when every field is present", () => {
    // Prepare
    const omitted: OmittedBlock[] = [];

    // Act
    const block = videoMetadataBlock(
      { fileSize: 1, mimeType: "video/webm", fps: 30, duration: 0, width: 2, height: 2 },
      omitted,
    );

    // Assert
    expect(block).toEqual({
      fps: 30,
      duration: 0,
      width: 2,
      height: 2,
      file_size: 1,
      mime_type: "video/webm",
    });
    expect(omitted).toEqual([]);
  });

  it("lists the missing fields in field order when several are missing", () => {
    // Prepare
    const omitted: OmittedBlock[] = [];

    // Act
    const block = videoMetadataBlock({ fileSize: 1, width: 2, height: 2 }, omitted);

    // Assert
    expect(block).toBeUndefined();
    expect(omitted).toEqual([{ block: "videoMetadata", reason: "not measured: fps, duration, mimeType" }]);
  });
});

describe("audioMetadataBlock", () => {
  it("records the missing bit depth when it was not measured", () => {
    // Prepare
    const omitted: OmittedBlock[] = [];
    const media = {
      fileSize: 1,
      mimeType: "audio/flac",
      duration: 1,
      sampleRate: 8000,
      codec: "flac",
      numChannels: 1,
    };

    // Act
    const block = audioMetadataBlock(media, omitted);

    // Assert
    expect(block).toBeUndefined();
    expect(omitted).toEqual([{ block: "audioMetadata", reason: "not measured: bitDepth" }]);
  });
});

describe("imageMetadataBlock", () => {
  it("returns undefined and records every field when media is null", () => {
    // Prepare
    const omitted: OmittedBlock[] = [];

    // Act
    const block = imageMetadataBlock(null, omitted);

    // Assert
    expect(block).toBeUndefined();
    expect(omitted).toHaveLength(1);
  });
});

describe("textMetadataBlock", () => {
  it("keeps camelCase when both fields are present", () => {
    expect(textMetadataBlock({ fileSize: 3, mimeType: "text/html" }, [])).toEqual({
      fileSize: 3,
      mimeType: "text/html",
    });
  });
});

describe("pdfMetadataBlock", () => {
  it("keeps camelCase when both fields are present", () => {
    expect(pdfMetadataBlock({ fileSize: 3, numPages: 7 }, [])).toEqual({ fileSize: 3, numPages: 7 });
  });
});
