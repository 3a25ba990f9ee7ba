import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli";
import { mediaPath } from "../../helpers/media";

const URL_BASE = "https://example-bucket.s3.eu-west-1.amazonaws.com/";

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-inspect-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `data/` as it is in the bucket: defaults at its top and in `videos/`, a frame folder with a manifest. */
function bucketFolder(): string {
  const data = join(tempDir(), "data");
  mkdirSync(join(data, "videos/cam1"), { recursive: true });
  mkdirSync(join(data, "seq"));
  writeFileSync(join(data, "_defaults.json"), '{"project":"p1"}');
  writeFileSync(join(data, "videos/_defaults.json"), '{"site":"s1"}');
  copyFileSync(mediaPath("image.png"), join(data, "videos/cam1/still.png"));
  writeFileSync(join(data, "seq/_group.json"), '{"type":"image_sequence"}');
  copyFileSync(mediaPath("image.png"), join(data, "seq/frame1.png"));
  copyFileSync(mediaPath("image.png"), join(data, "seq/frame2.png"));
  return data;
}

describe("sluice inspect FILE", () => {
  it("applies every _defaults.json above the file when run from another folder, and names them", async () => {
    // The test runs from the repository, which the temporary folder is not under.
    const data = bucketFolder();

    const { code, stdout, stderr } = await runCli(["inspect", join(data, "videos/cam1/still.png")]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      key: "videos/cam1/still.png",
      clientMetadata: { project: "p1", site: "s1" },
      provenance: { project: "_defaults.json", site: "videos/_defaults.json" },
    });
    expect(stderr).toContain(`root: ${data} (key videos/cam1/still.png; --root sets another)\n`);
    expect(stderr).toContain(
      `defaults applied (nearest last): ${join(data, "_defaults.json")}, ${join(data, "videos/_defaults.json")}\n`,
    );
  });

  it("reads defaults only up to --root when it is given, and says none applied", async () => {
    const data = bucketFolder();

    const { stdout, stderr } = await runCli([
      "inspect",
      join(data, "videos/cam1/still.png"),
      "--root",
      join(data, "videos/cam1"),
    ]);

    expect(JSON.parse(stdout)).toMatchObject({ key: "still.png", clientMetadata: {} });
    expect(stderr).toBe("defaults applied: none\n");
  });

  it("shows a frame in a group folder as a held member of its group, as the pipeline and scan do", async () => {
    const data = bucketFolder();

    const { code, stdout } = await runCli(["inspect", join(data, "seq/frame2.png"), "--url-base", URL_BASE]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      key: "seq/frame2.png",
      status: "ready",
      groupKey: "seq/",
      export: { state: "held" },
    });
  });

  it("prints an invalid record and exits 1, and says a text file named .mp4 is not an MP4", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "fake.mp4"), "hello, this is not a video\n");

    const { code, stdout } = await runCli(["inspect", join(dir, "fake.mp4"), "--url-base", URL_BASE]);

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      status: "invalid",
      errors: [{ code: "media-corrupt", message: "not an MP4 (looks like text)" }],
    });
  });
});
