import { describe, expect, it } from "vitest";
import { ImportFileSchema } from "../../../../packages/core/src/imports/format";
import {
  DEFAULT_IMPORT_LIMITS,
  type ImportLimits,
  type SplitEntry,
  serializeImportFile,
  splitImportFiles,
} from "../../../../packages/core/src/imports/split";

const url = (path: string): string => `https://b.s3.eu-west-1.amazonaws.com/${encodeURIComponent(path)}`;
const bytesOf = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).byteLength;
const unlimited: ImportLimits = { maxEntries: 1_000_000, maxVideos: 1_000_000, maxBytes: 1_000_000_000 };

function image(id: string, note = ""): SplitEntry {
  const entry = { objectUrl: url(id), title: id, ...(note ? { clientMetadata: { note } } : {}) };
  return { id, importKey: "images", entry };
}

function video(id: string): SplitEntry {
  return { id, importKey: "videos", entry: { objectUrl: url(id), title: id } };
}

function group(id: string, size: number): SplitEntry {
  const entry = { title: id, createVideo: true, objectUrl_0: url(`${id}/0`) };
  for (let i = 1; i < size; i++) Object.assign(entry, { [`objectUrl_${i}`]: url(`${id}/${i}`) });
  return { id, importKey: "image_groups", entry };
}

/** Deterministic mixed entries of varying sizes, non-ASCII included. */
function mixedEntries(count: number): SplitEntry[] {
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  return Array.from({ length: count }, (_, i) => {
    const id = `k${String(i).padStart(4, "0")}`;
    switch (next() % 4) {
      case 0:
        return video(id);
      case 1:
        return group(id, 1 + (next() % 4));
      default:
        return image(id, "é日本🎥".repeat(next() % 40));
    }
  });
}

/** The file that would result from adding `extra` to the entries already in `file`. */
function withExtra(entries: SplitEntry[], ids: string[], extra: SplitEntry): unknown {
  return splitImportFiles([...entries.filter((e) => ids.includes(e.id)), extra], unlimited).files[0]?.file;
}

function checkInvariants(entries: SplitEntry[], limits: ImportLimits): void {
  const { files, tooLarge } = splitImportFiles(entries, limits);
  const tooLargeIds = new Set(tooLarge.map((t) => t.id));
  expect(files.flatMap((f) => f.ids)).toEqual(entries.map((e) => e.id).filter((id) => !tooLargeIds.has(id)));
  files.forEach(({ file, ids }, index) => {
    const videoCount = file.videos?.length ?? 0;
    expect(ImportFileSchema.safeParse(file).error?.issues).toBeUndefined();
    expect(bytesOf(file)).toBeLessThanOrEqual(limits.maxBytes);
    expect(ids.length).toBeLessThanOrEqual(limits.maxEntries);
    expect(videoCount).toBeLessThanOrEqual(limits.maxVideos);
    const next = files[index + 1]?.ids[0];
    const nextEntry = entries.find((e) => e.id === next);
    if (nextEntry === undefined) return;
    // Maximal: the first entry of the next file would have broken a limit here.
    const broke =
      ids.length + 1 > limits.maxEntries ||
      (nextEntry.importKey === "videos" && videoCount + 1 > limits.maxVideos) ||
      bytesOf(withExtra(entries, ids, nextEntry)) > limits.maxBytes;
    expect(broke).toBe(true);
  });
}

describe("splitImportFiles", () => {
  it("returns no files when there are no entries", () => {
    expect(splitImportFiles([], DEFAULT_IMPORT_LIMITS)).toEqual({ files: [], tooLarge: [] });
  });

  it("sets skip_duplicate_urls and upsert_metadata on every file when files are built", () => {
    // Act
    const { files } = splitImportFiles([image("a"), image("b"), image("c")], { ...unlimited, maxEntries: 2 });

    // Assert
    expect(files.map((f) => [f.file.skip_duplicate_urls, f.file.upsert_metadata])).toEqual([
      [true, true],
      [true, true],
    ]);
  });

  it("starts a new file at the entry limit when entries are many", () => {
    // Prepare
    const entries = ["a", "b", "c", "d", "e", "f", "g"].map((id) => image(id));

    // Act
    const { files } = splitImportFiles(entries, { ...unlimited, maxEntries: 3 });

    // Assert
    expect(files.map((f) => f.ids)).toEqual([["a", "b", "c"], ["d", "e", "f"], ["g"]]);
  });

  it("starts a new file at the video limit and counts only videos when types are mixed", () => {
    // Prepare
    const entries = [video("v1"), image("i1"), video("v2"), video("v3"), image("i2"), image("i3")];

    // Act
    const { files } = splitImportFiles(entries, { ...unlimited, maxVideos: 2 });

    // Assert
    expect(files.map((f) => f.ids)).toEqual([
      ["v1", "i1", "v2"],
      ["v3", "i2", "i3"],
    ]);
  });

  it("keeps two entries together when maxBytes equals their file size exactly", () => {
    // Prepare
    const entries = [image("a", "é"), video("b")];
    const exact = bytesOf(splitImportFiles(entries, unlimited).files[0]?.file);

    // Act
    const fits = splitImportFiles(entries, { ...unlimited, maxBytes: exact });
    const tooSmall = splitImportFiles(entries, { ...unlimited, maxBytes: exact - 1 });

    // Assert
    expect(fits.files.map((f) => f.ids)).toEqual([["a", "b"]]);
    expect(tooSmall.files.map((f) => f.ids)).toEqual([["a"], ["b"]]);
  });

  it("keeps every file within maxBytes and maximal when entries vary in size and type", () => {
    // Prepare
    const entries = mixedEntries(120);

    // Act and Assert
    for (const maxBytes of [700, 1000, 2500, 9000]) checkInvariants(entries, { ...unlimited, maxBytes });
  });

  it("respects all three limits at once when they all bind", () => {
    checkInvariants(mixedEntries(200), { maxEntries: 9, maxVideos: 3, maxBytes: 3000 });
  });

  it("splits 2,500 images into 1,000, 1,000 and 500 when the default limits apply", () => {
    // Prepare
    const entries = Array.from({ length: 2500 }, (_, i) => image(`img/${i}.jpg`));

    // Act
    const { files, tooLarge } = splitImportFiles(entries, DEFAULT_IMPORT_LIMITS);

    // Assert
    expect(files.map((f) => f.file.images?.length)).toEqual([1000, 1000, 500]);
    expect(files.map((f) => f.ids.length)).toEqual([1000, 1000, 500]);
    expect(files[1]?.ids[0]).toBe("img/1000.jpg");
    expect(tooLarge).toEqual([]);
  });

  it("splits 250 videos into 100, 100 and 50 when the default limits apply", () => {
    // Act
    const { files } = splitImportFiles(
      Array.from({ length: 250 }, (_, i) => video(`v${i}.mp4`)),
      DEFAULT_IMPORT_LIMITS,
    );

    // Assert
    expect(files.map((f) => f.file.videos?.length)).toEqual([100, 100, 50]);
  });

  it("reports an entry as too large and keeps its neighbours when it alone exceeds maxBytes", () => {
    // Prepare
    const huge = image("huge", "x".repeat(5000));
    const entries = [image("a"), huge, image("b")];
    const aloneBytes = bytesOf(splitImportFiles([huge], unlimited).files[0]?.file);

    // Act
    const { files, tooLarge } = splitImportFiles(entries, { ...unlimited, maxBytes: 4000 });

    // Assert
    expect(tooLarge).toEqual([{ id: "huge", bytes: aloneBytes }]);
    expect(files.map((f) => f.ids)).toEqual([["a", "b"]]);
  });

  it("lists top-level keys in a fixed order whatever order the entries came in", () => {
    // Act
    const { files } = splitImportFiles([group("g", 2), image("i"), video("v")], unlimited);

    // Assert
    expect(Object.keys(files[0]?.file ?? {})).toEqual([
      "videos",
      "images",
      "image_groups",
      "skip_duplicate_urls",
      "upsert_metadata",
    ]);
  });

  it("returns equal output when run twice on the same input", () => {
    // Prepare
    const entries = mixedEntries(50);
    const limits = { maxEntries: 7, maxVideos: 2, maxBytes: 2000 };

    // Act
    const runs = [splitImportFiles(entries, limits), splitImportFiles(entries, limits)];

    // Assert
    expect(JSON.stringify(runs[0])).toBe(JSON.stringify(runs[1]));
  });
});

describe("serializeImportFile", () => {
  it("writes 2-space indented JSON with a trailing newline when no style is given", () => {
    // Act
    const text = serializeImportFile({ images: [{ objectUrl: url("a") }], skip_duplicate_urls: true });

    // Assert
    expect(text).toBe(
      `{\n  "images": [\n    {\n      "objectUrl": "${url("a")}"\n    }\n  ],\n  "skip_duplicate_urls": true\n}\n`,
    );
  });

  it("writes exactly the bytes maxBytes was checked against when the style is compact", () => {
    // Prepare
    const entries = mixedEntries(30);
    const { files } = splitImportFiles(entries, { ...unlimited, maxBytes: 1500 });

    // Act
    const sizes = files.map(
      ({ file }) => new TextEncoder().encode(serializeImportFile(file, "compact")).byteLength,
    );

    // Assert
    expect(sizes.every((size) => size <= 1500)).toBe(true);
    expect(files.map(({ file }) => serializeImportFile(file, "compact"))).toEqual(
      files.map(({ file }) => JSON.stringify(file)),
    );
  });
});
