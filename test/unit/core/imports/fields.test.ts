import { describe, expect, it } from "vitest";
import {
  AudioMetadataSchema,
  ImageMetadataSchema,
  ObjectUrlSchema,
  TitleSchema,
  VideoMetadataSchema,
} from "../../../../packages/core/src/imports/fields";

describe("ObjectUrlSchema", () => {
  it("accepts an https URL when it has no whitespace", () => {
    expect(ObjectUrlSchema.safeParse("https://b.s3.eu-west-1.amazonaws.com/a%20b/%C3%A9.png").success).toBe(
      true,
    );
  });

  it.each([
    ["http://b.s3.eu-west-1.amazonaws.com/a.png"],
    ["s3://b/a.png"],
    ["https:b/a.png"],
    ["https://b.s3.eu-west-1.amazonaws.com/a b.png"],
    [" https://b.s3.eu-west-1.amazonaws.com/a.png"],
    ["https://b.s3.eu-west-1.amazonaws.com/a\tb.png"],
    ["not a url"],
  ])("rejects %j when it is not an https URL without whitespace", (url) => {
    expect(ObjectUrlSchema.safeParse(url).success).toBe(false);
  });

  it("rejects a URL when it is longer than 16 KB", () => {
    // Prepare
    const base = "https://b.s3.eu-west-1.amazonaws.com/";
    const fits = base + "a".repeat(16 * 1024 - base.length);

    // Act
    const results = [ObjectUrlSchema.safeParse(fits).success, ObjectUrlSchema.safeParse(`${fits}a`).success];

    // Assert
    expect(results).toEqual([true, false]);
  });
});

describe("TitleSchema", () => {
  it("accepts 300 code points when they take more UTF-16 units", () => {
    expect(TitleSchema.safeParse("🎥".repeat(300)).success).toBe(true);
  });

  it("rejects a title when it has 301 characters or none", () => {
    expect([TitleSchema.safeParse("a".repeat(301)).success, TitleSchema.safeParse("").success]).toEqual([
      false,
      false,
    ]);
  });
});

describe("VideoMetadataSchema", () => {
  it("rejects the block when a field is missing or camelCased", () => {
    // Prepare
    const full = {
      fps: 29.97,
      duration: 61.2,
      width: 1920,
      height: 1080,
      file_size: 48211934,
      mime_type: "video/mp4",
    };
    const { mime_type: _dropped, ...missing } = full;

    // Act
    const results = [full, missing, { ...missing, mimeType: "video/mp4" }].map(
      (v) => VideoMetadataSchema.safeParse(v).success,
    );

    // Assert
    expect(results).toEqual([true, false, false]);
  });

  it("rejects the block when fps is zero or width is fractional", () => {
    const full = { fps: 30, duration: 1, width: 2, height: 2, file_size: 1, mime_type: "video/mp4" };
    expect(VideoMetadataSchema.safeParse({ ...full, fps: 0 }).success).toBe(false);
    expect(VideoMetadataSchema.safeParse({ ...full, width: 1.5 }).success).toBe(false);
  });
});

describe("AudioMetadataSchema", () => {
  it("accepts the documented snake_case block when every field is present", () => {
    // Prepare
    const block = {
      duration: 182.4,
      file_size: 29184044,
      mime_type: "audio/wav",
      sample_rate: 48000,
      bit_depth: 16,
      codec: "pcm",
      num_channels: 2,
    };

    // Act
    const result = AudioMetadataSchema.safeParse(block);

    // Assert
    expect(result.success).toBe(true);
  });
});

describe("ImageMetadataSchema", () => {
  it("rejects snake_case fields when the block is an image block", () => {
    expect(
      ImageMetadataSchema.safeParse({ mime_type: "image/png", file_size: 1, width: 1, height: 1 }).success,
    ).toBe(false);
  });
});
