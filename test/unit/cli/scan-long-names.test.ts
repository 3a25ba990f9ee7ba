import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ImportFileSchema } from "../../../packages/core/src/imports/format";
import { runCli } from "../../helpers/cli";
import { mediaPath } from "../../helpers/media";

const URL_BASE = "https://example-bucket.s3.eu-west-1.amazonaws.com/";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("sluice scan with file names at the file system's limit", () => {
  it("scans a 250-character name, a 252-byte one and a 250-character folder with the other files intact", async () => {
    // Prepare: names whose sidecar (`<name>.metadata.json`) could never exist beside them.
    dir = mkdtempSync(join(tmpdir(), "sluice-long-"));
    const long = `${"a".repeat(246)}.png`;
    const wide = `${"é".repeat(124)}.png`;
    const folder = "f".repeat(250);
    copyFileSync(mediaPath("image.png"), join(dir, long));
    copyFileSync(mediaPath("image.png"), join(dir, wide));
    mkdirSync(join(dir, folder));
    copyFileSync(mediaPath("image.png"), join(dir, folder, "inner.png"));
    copyFileSync(mediaPath("image.png"), join(dir, "short.png"));
    writeFileSync(join(dir, "short.png.metadata.json"), '{"camera":"c1"}');
    writeFileSync(join(dir, "note.txt"), "hello");

    // Act
    const { code, stdout, stderr } = await runCli(["scan", dir, "--url-base", URL_BASE]);

    // Assert
    expect(code).toBe(0);
    const file = ImportFileSchema.parse(JSON.parse(stdout));
    expect(file.images?.map((entry) => entry.title).sort()).toEqual(
      [long, `${folder}/inner.png`, "short.png", wide].sort(),
    );
    expect(file.images?.find((entry) => entry.title === "short.png")).toMatchObject({
      clientMetadata: { camera: "c1" },
    });
    expect(file.text?.map((entry) => entry.title)).toEqual(["note.txt"]);
    expect(stderr).toContain("0 left out");
  });
});
