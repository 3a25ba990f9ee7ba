import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ImportFileSchema } from "../../../packages/core/src/imports/format";
import { runCli } from "../../helpers/cli";
import { mediaPath } from "../../helpers/media";

const URL_BASE = "https://example-bucket.s3.eu-west-1.amazonaws.com/";
const SCHEMA = resolve(import.meta.dirname, "../../../examples/schema.json");

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-reports-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const linesOf = (stderr: string, prefix: string) => stderr.split("\n").filter((l) => l.startsWith(prefix));

describe("sluice scan's stderr", () => {
  it("names the object and the metadata key of each warning, once per object", async () => {
    // Prepare: `captured` is not in the schema, in two sidecars and in a group manifest (twice over for a.png).
    const dir = tempDir();
    copyFileSync(mediaPath("image.png"), join(dir, "a.png"));
    writeFileSync(join(dir, "a.png.metadata.json"), '{"captured":"x","camera":"c1"}');
    writeFileSync(join(dir, "_defaults.json"), '{"captured":"default"}');
    mkdirSync(join(dir, "seq"));
    writeFileSync(join(dir, "seq/_group.json"), '{"type":"image_group","clientMetadata":{"rig":"r1"}}');
    copyFileSync(mediaPath("image.png"), join(dir, "seq/f1.png"));

    const { code, stderr } = await runCli(["scan", dir, "--url-base", URL_BASE, "--schema", SCHEMA]);

    expect(code).toBe(0);
    const unknown = "not in the metadata schema; Encord keeps it untyped";
    expect(linesOf(stderr, "warning")).toEqual([
      `warning a.png: unknown-metadata-key at captured: ${unknown}`,
      `warning seq/: unknown-metadata-key at captured: ${unknown}`,
      `warning seq/: unknown-metadata-key at rig: ${unknown}`,
      `warning seq/f1.png: unknown-metadata-key at captured: ${unknown}`,
    ]);
    expect(linesOf(stderr, "note")).toEqual([]);
  });

  it("names a symbolic link it cannot read like any other left-out object and reads one to a file", async () => {
    const dir = tempDir();
    copyFileSync(mediaPath("image.png"), join(dir, "real.png"));
    mkdirSync(join(dir, "folder"));
    symlinkSync(join(dir, "real.png"), join(dir, "linked.png"));
    symlinkSync(join(dir, "gone.png"), join(dir, "dangling.png"));
    symlinkSync(join(dir, "folder"), join(dir, "to-folder"));
    symlinkSync(join(dir, "loop-b"), join(dir, "loop-a"));
    symlinkSync(join(dir, "loop-a"), join(dir, "loop-b"));

    const { code, stdout, stderr } = await runCli(["scan", dir, "--url-base", URL_BASE]);

    expect(code).toBe(0);
    const file = ImportFileSchema.parse(JSON.parse(stdout));
    expect(file.images?.map((i) => i.title)).toEqual(["linked.png", "real.png"]);
    expect(linesOf(stderr, "left out")).toEqual([
      `left out (invalid) dangling.png: object-unreadable: cannot read dangling.png: a symbolic link to ${join(dir, "gone.png")}, which cannot be read: it does not exist`,
      `left out (invalid) loop-a: object-unreadable: cannot read loop-a: a symbolic link to ${join(dir, "loop-b")}, which cannot be read: the links form a loop`,
      `left out (invalid) loop-b: object-unreadable: cannot read loop-b: a symbolic link to ${join(dir, "loop-a")}, which cannot be read: the links form a loop`,
      `left out (invalid) to-folder: object-unreadable: cannot read to-folder: a symbolic link to ${join(dir, "folder")}, which cannot be read: it is a folder`,
    ]);
  });
});
