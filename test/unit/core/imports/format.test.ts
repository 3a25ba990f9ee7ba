import { describe, expect, it } from "vitest";
import {
  DicomSeriesItemSchema,
  IMPORT_KEY_ORDER,
  ImageGroupItemSchema,
  ImportEntrySchema,
  ImportFileSchema,
  isImportKey,
} from "../../../../packages/core/src/imports/format";

const url = (path: string): string => `https://b.s3.eu-west-1.amazonaws.com/${path}`;

const fullFile = {
  videos: [
    {
      objectUrl: url("cams/c1/run42.mp4"),
      title: "cams/c1/run42.mp4",
      videoMetadata: {
        fps: 29.97,
        duration: 61.2,
        width: 1920,
        height: 1080,
        file_size: 48211934,
        mime_type: "video/mp4",
      },
      clientMetadata: {
        site: "plant-7",
        $encord: {
          config: { sampling_rate: 0, keyframe_mode: "frame" },
          frames: { "0": {}, "120": { "clip-emb": [0.12, -0.4, 0.9], $encord: { keyframe: false } } },
        },
      },
    },
  ],
  audio: [
    {
      objectUrl: url("calls/0001.wav"),
      audioMetadata: {
        duration: 182.4,
        file_size: 29184044,
        mime_type: "audio/wav",
        sample_rate: 48000,
        bit_depth: 16,
        codec: "pcm",
        num_channels: 2,
      },
      clientMetadata: { "encord-layout-group": "call-0001" },
    },
  ],
  images: [
    {
      objectUrl: url("img/0001.jpg"),
      imageMetadata: { mimeType: "image/jpeg", fileSize: 183224, width: 1280, height: 720 },
      clientMetadata: { "resnet-512": [0.01, 0.33, -0.2] },
    },
  ],
  image_groups: [
    { title: "scan-17", createVideo: false, objectUrl_0: url("s17/a.png"), objectUrl_1: url("s17/b.png") },
    {
      title: "tl-0001",
      createVideo: true,
      objectUrl_0: url("tl/000.jpg"),
      clientMetadata: { batch: "B-22" },
    },
  ],
  dicom_series: [{ title: "CT-ABD-0001", objectUrl_0: url("ct/IM1"), objectUrl_1: url("ct/IM2") }],
  text: [{ objectUrl: url("docs/a.html"), textMetadata: { fileSize: 10421, mimeType: "text/html" } }],
  pdfs: [{ objectUrl: url("docs/b.pdf"), pdfMetadata: { fileSize: 882133, numPages: 12 } }],
  nifti: [{ objectUrl: url("mr/brain.nii.gz"), title: "brain" }],
  skip_duplicate_urls: true,
  upsert_metadata: true,
};

describe("ImportFileSchema", () => {
  it("accepts a file when it uses every data type and block", () => {
    // Act
    const result = ImportFileSchema.safeParse(fullFile);

    // Assert
    expect(result.error?.issues).toBeUndefined();
    expect(result.data).toEqual(fullFile);
  });

  it("accepts a file when it has no entries", () => {
    expect(ImportFileSchema.safeParse({ skip_duplicate_urls: true }).success).toBe(true);
  });

  it("rejects a file when it has an unknown top-level key", () => {
    // Act
    const result = ImportFileSchema.safeParse({ imageGroups: [] });

    // Assert
    expect(result.error?.issues[0]?.code).toBe("unrecognized_keys");
  });

  it("rejects an item when objectUrl is missing", () => {
    // Act
    const result = ImportFileSchema.safeParse({ videos: [{ title: "x.mp4" }] });

    // Assert
    expect(result.error?.issues.map((i) => i.path)).toEqual([["videos", 0, "objectUrl"]]);
  });

  it("rejects an item when it has a key of another type", () => {
    // Act
    const result = ImportFileSchema.safeParse({ images: [{ objectUrl: url("a.png"), videoMetadata: {} }] });

    // Assert
    expect(result.success).toBe(false);
  });

  it("rejects a video when its videoMetadata is incomplete", () => {
    // Prepare
    const file = {
      videos: [{ objectUrl: url("a.mp4"), videoMetadata: { fps: 25, duration: 2, width: 640, height: 480 } }],
    };

    // Act
    const result = ImportFileSchema.safeParse(file);

    // Assert
    const paths = result.error?.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(["videos.0.videoMetadata.file_size", "videos.0.videoMetadata.mime_type"]);
  });

  it.each([
    ["an unknown $encord key", { $encord: { keyframes: [1] } }],
    ["a bad keyframe_mode", { $encord: { config: { keyframe_mode: "ms" } } }],
    ["negative frame indices", { $encord: { frames: [-1] } }],
    ["a non-boolean keyframe flag", { $encord: { frames: { "3": { $encord: { keyframe: "no" } } } } }],
  ])("rejects clientMetadata when $encord has %s", (_, clientMetadata) => {
    // Act
    const result = ImportFileSchema.safeParse({ videos: [{ objectUrl: url("a.mp4"), clientMetadata }] });

    // Assert
    expect(result.error?.issues[0]?.path.slice(0, 4)).toEqual(["videos", 0, "clientMetadata", "$encord"]);
  });
});

describe("ImageGroupItemSchema", () => {
  it("rejects a group when its objectUrl_n keys skip a number", () => {
    // Act
    const result = ImageGroupItemSchema.safeParse({
      title: "g",
      objectUrl_0: url("a"),
      objectUrl_2: url("c"),
    });

    // Assert
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      "objectUrl_n must be contiguous: objectUrl_1 is missing",
    ]);
  });

  it("rejects a group when its numbering does not start at 0", () => {
    expect(ImageGroupItemSchema.safeParse({ title: "g", objectUrl_1: url("a") }).success).toBe(false);
  });

  it("rejects a group when it has no objectUrl_n at all", () => {
    // Act
    const result = ImageGroupItemSchema.safeParse({ title: "g" });

    // Assert
    expect(result.error?.issues.map((i) => i.message)).toEqual(["needs at least objectUrl_0"]);
  });

  it("rejects a group when it has no title", () => {
    // Act
    const result = ImageGroupItemSchema.safeParse({ objectUrl_0: url("a") });

    // Assert
    expect(result.error?.issues.map((i) => i.path)).toEqual([["title"]]);
  });

  it.each([["objectUrl_01"], ["objectUrl_"], ["objectUrl_-1"], ["images"]])(
    "rejects a group when it has the unknown key %s",
    (key) => {
      // Act
      const result = ImageGroupItemSchema.safeParse({ title: "g", objectUrl_0: url("a"), [key]: url("b") });

      // Assert
      expect(result.error?.issues.map((i) => i.path)).toEqual([[key]]);
    },
  );

  it("rejects a group when one of its URLs is not https", () => {
    // Act
    const result = ImageGroupItemSchema.safeParse({ title: "g", objectUrl_0: "http://h/a.png" });

    // Assert
    expect(result.error?.issues.map((i) => i.path)).toEqual([["objectUrl_0"]]);
  });
});

describe("DicomSeriesItemSchema", () => {
  it("rejects a series when it has createVideo", () => {
    // Act
    const result = DicomSeriesItemSchema.safeParse({ title: "s", createVideo: false, objectUrl_0: url("a") });

    // Assert
    expect(result.error?.issues.map((i) => i.path)).toEqual([["createVideo"]]);
  });

  it("accepts a series when it has one file", () => {
    expect(DicomSeriesItemSchema.safeParse({ title: "s", objectUrl_0: url("IM1") }).success).toBe(true);
  });
});

describe("ImportEntrySchema", () => {
  it("accepts an entry when its item matches its key", () => {
    expect(
      ImportEntrySchema.safeParse({ importKey: "images", entry: { objectUrl: url("a.png") } }).success,
    ).toBe(true);
  });

  it("rejects an entry when its item belongs under another key", () => {
    // Act
    const result = ImportEntrySchema.safeParse({
      importKey: "image_groups",
      entry: { objectUrl: url("a.png") },
    });

    // Assert
    expect(result.success).toBe(false);
  });
});

describe("IMPORT_KEY_ORDER", () => {
  it("lists every top-level item key once when read", () => {
    expect(IMPORT_KEY_ORDER).toEqual([
      "videos",
      "audio",
      "images",
      "image_groups",
      "dicom_series",
      "text",
      "pdfs",
      "nifti",
    ]);
  });
});

describe("isImportKey", () => {
  it("tells item keys from other keys when given strings", () => {
    expect(["pdfs", "skip_duplicate_urls", "toString"].map(isImportKey)).toEqual([true, false, false]);
  });
});
