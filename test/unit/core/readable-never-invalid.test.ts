import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { deriveFileRecord } from "../../helpers/derive-file";

// test/fixtures/readers.sh asked each fixture's own standard reader (ffprobe, identify, pdfinfo,
// dcmdump) whether it opens the file; the verdicts are committed so that `npm test` needs no tools.
const FIXTURES = resolve(import.meta.dirname, "../../fixtures");
const MEDIA_NAME =
  /\.(mp4|mov|webm|mkv|avi|mp3|wav|flac|ogg|opus|m4a|aif|aiff|aifc|jpg|png|gif|webp|tiff|bmp|avif|heic|pdf|dcm)$/;

interface Verdict {
  file: string;
  reader: string;
  opens: boolean;
  read: string;
}

const verdicts: Verdict[] = readFileSync(join(FIXTURES, "readers.tsv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [file = "", reader = "", verdict = "", read = ""] = line.split("\t");
    return { file, reader, opens: verdict === "opens", read };
  });
/** Files a reader opens that are not data units by design: a DICOMDIR is the index of a file set. */
const INDEXES = ["probe/media/skip-dicomdir-series-a"];
const opened = verdicts
  .filter((v) => v.opens && !INDEXES.includes(v.file))
  .map((v) => [v.file, v.reader] as const);

function recordOf(file: string) {
  return deriveFileRecord(basename(file), new Uint8Array(readFileSync(join(FIXTURES, file))));
}

describe("readers.tsv", () => {
  it("has a verdict for every media file of the probe fixtures and the bad-input corpus", () => {
    const files = ["probe/media", "bad-inputs/files"].flatMap((dir) =>
      readdirSync(join(FIXTURES, dir))
        .filter((name) => MEDIA_NAME.test(name) || name.startsWith("skip-dicomdir-"))
        .map((name) => `${dir}/${name}`),
    );

    expect(verdicts.map((v) => v.file).sort()).toEqual(files.sort());
    expect(opened.length).toBeGreaterThanOrEqual(50);
  });
});

describe("deriveRecord", () => {
  it.each(opened)("keeps %s, which %s opens, ready and free of errors", async (file) => {
    const record = await recordOf(file);

    expect(record.errors).toEqual([]);
    expect(record.status).toBe("ready");
  });

  it.each(INDEXES)("skips %s, which dcmdump opens, as an index rather than an image", async (file) => {
    const record = await recordOf(file);

    expect(record.status).toBe("skipped");
    expect(record.errors.map((e) => e.code)).toEqual(["dicom-directory"]);
  });
});
