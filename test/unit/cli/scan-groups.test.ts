import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ImportFileSchema } from "../../../packages/core/src/imports/format";
import { runCli } from "../../helpers/cli";
import { mediaPath } from "../../helpers/media";

const URL_BASE = "https://example-bucket.s3.eu-west-1.amazonaws.com/";
const DICOM = resolve(import.meta.dirname, "../../fixtures/probe/media");

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-groups-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A folder `seq/` with a `count: 12` sequence manifest and the given frame numbers as PNGs. */
function sequenceFolder(frames: number[]): string {
  const dir = tempDir();
  mkdirSync(join(dir, "seq"));
  writeFileSync(join(dir, "seq/_group.json"), JSON.stringify({ type: "image_sequence", count: 12 }));
  for (const n of frames) copyFileSync(mediaPath("image.png"), join(dir, `seq/frame${n}.png`));
  return dir;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("sluice scan with groups", () => {
  it("prints one image sequence with its frames in natural order when the count is reached", async () => {
    const dir = sequenceFolder(range(12));

    const { code, stdout, stderr } = await runCli(["scan", dir, "--url-base", URL_BASE]);

    expect(code).toBe(0);
    const file = ImportFileSchema.parse(JSON.parse(stdout));
    expect(file.images).toBeUndefined();
    expect(file.image_groups).toHaveLength(1);
    const [group] = file.image_groups ?? [];
    expect(group).toMatchObject({ title: "seq", createVideo: true });
    const urls = range(12).map((n) => group?.[`objectUrl_${n - 1}`]);
    expect(urls).toEqual(range(12).map((n) => `${URL_BASE}seq/frame${n}.png`));
    expect(stderr).toContain("0 left out");
  });

  it("leaves out an incomplete sequence, names it on stderr and emits no frame alone", async () => {
    const dir = sequenceFolder(range(11));

    const { code, stdout, stderr } = await runCli(["scan", dir, "--url-base", URL_BASE]);

    expect(code).toBe(0);
    const file = ImportFileSchema.parse(JSON.parse(stdout));
    expect(file.images).toBeUndefined();
    expect(file.image_groups).toBeUndefined();
    expect(stderr).toContain("left out (incomplete) seq/: group-incomplete: 11 of 12 members present\n");
    expect(stderr).toContain("1 left out");
  });

  it("splits DICOM files into one series per SeriesInstanceUID ordered by InstanceNumber", async () => {
    // Prepare: names sort against InstanceNumber (a-3 first by name), so the order must come from the header.
    const dir = tempDir();
    mkdirSync(join(dir, "ct"));
    copyFileSync(join(DICOM, "dicom-series-a-3.dcm"), join(dir, "ct/img-a.dcm"));
    copyFileSync(join(DICOM, "dicom-series-a-2.dcm"), join(dir, "ct/img-b.dcm"));
    copyFileSync(join(DICOM, "dicom-series-a-1.dcm"), join(dir, "ct/img-c.dcm"));
    copyFileSync(join(DICOM, "dicom-series-b-1.dcm"), join(dir, "ct/img-d.dcm"));

    const { code, stdout } = await runCli(["scan", dir, "--url-base", URL_BASE]);

    expect(code).toBe(0);
    const file = ImportFileSchema.parse(JSON.parse(stdout));
    expect(file.dicom_series).toEqual([
      {
        title: "ct/2.25.314159265358979323846.1.1",
        objectUrl_0: `${URL_BASE}ct/img-c.dcm`,
        objectUrl_1: `${URL_BASE}ct/img-b.dcm`,
        objectUrl_2: `${URL_BASE}ct/img-a.dcm`,
      },
      { title: "ct/2.25.314159265358979323846.1.2", objectUrl_0: `${URL_BASE}ct/img-d.dcm` },
    ]);
  });
});
