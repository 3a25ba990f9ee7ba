import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../packages/api/src/index";
import { ImportFileSchema } from "../../packages/core/src/imports/format";
import { createApiDeps } from "../../packages/lambda/src/api-deps";
import { callApi } from "../helpers/api-request";
import { runCli } from "../helpers/cli";
import { dicomFile } from "../helpers/dicom-writer";
import { urlsOf } from "../helpers/group-entries";
import { mediaBytes } from "../helpers/media";
import { DATA_BUCKET, type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";

const TOKEN = "test-token-0123456789";
const FRAMES = 12;
const SERIES_UID = "2.25.700.1";

let h: PipelineHarness;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  // The CLI uses the default credential chain; s3rver accepts any credentials.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "S3RVER");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "S3RVER");
  h = await startPipeline();
  app = createApp(createApiDeps(h.deps, TOKEN));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await h?.stop();
});

type Entry = { importKey: string } & Record<string, unknown>;

/** Every entry of some import files, with its import key, in a fixed order (files define none across them). */
function entriesOf(files: readonly unknown[]): Entry[] {
  const entries: Entry[] = [];
  for (const file of files) {
    for (const [importKey, list] of Object.entries(ImportFileSchema.parse(file))) {
      if (Array.isArray(list)) for (const entry of list) entries.push({ importKey, ...entry });
    }
  }
  return entries.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Manifests and sidecars first, as the README asks; then the data of every kind of unit. */
async function uploadMixedFolder(): Promise<void> {
  await h.put("mix/_defaults.json", JSON.stringify({ site: "north" }));
  await h.put("mix/seq1/_group.json", JSON.stringify({ type: "image_sequence", count: FRAMES }));
  await h.put(
    "mix/shots/_group.json",
    JSON.stringify({ type: "image_group", title: "shots", clientMetadata: { camera: "c2" } }),
  );
  await h.put("mix/a.png.metadata.json", JSON.stringify({ camera: "c1" }));
  await h.settle();
  for (let n = 1; n <= FRAMES; n += 1) await h.put(`mix/seq1/frame${n}.png`, mediaBytes("image.png"));
  for (const name of ["front.jpg", "back.png"]) {
    await h.put(`mix/shots/${name}`, mediaBytes(name.endsWith(".jpg") ? "image.jpg" : "image.png"));
  }
  for (const instance of [3, 1, 2]) {
    const bytes = dicomFile({
      studyUid: "2.25.700",
      seriesUid: SERIES_UID,
      sopInstanceUid: `${SERIES_UID}.${instance}`,
      instanceNumber: instance,
      seriesDescription: "Axial",
    });
    await h.put(`mix/ct/slice-${instance}.dcm`, bytes);
  }
  await h.put("mix/a.png", mediaBytes("image.png"));
  await h.put("mix/clip.mp4", mediaBytes("video.mp4"));
  await h.put("mix/sound.wav", mediaBytes("audio.wav"));
  await h.settle();
}

describe("import files of one folder, three ways", () => {
  it("gives the same entries from the exporter, an ad-hoc import and sluice scan when the folder holds a sequence, a group, a DICOM series and single files", async () => {
    // Prepare
    await uploadMixedFolder();
    await h.exportNow();
    await h.exportNow();
    const files = await h.exportedFiles();
    const exported = entriesOf(files.filter((f) => !f.key.startsWith("imports/adhoc/")).map((f) => f.file));

    // Act
    const adhoc = await callApi(app, TOKEN, "/imports", { method: "POST", json: { prefix: "mix/" } });
    const scan = await runCli(["scan", `s3://${DATA_BUCKET}/mix/`, "--endpoint", h.s3.endpoint], {
      AWS_REGION: "eu-west-1",
    });

    // Assert
    expect(adhoc.status).toBe(201);
    expect(scan.code).toBe(0);
    const adhocEntries = entriesOf(adhoc.body.files.map((f: { import: unknown }) => f.import));
    const scanned = entriesOf([JSON.parse(scan.stdout)]);
    expect(adhocEntries).toEqual(exported);
    expect(scanned).toEqual(exported);
    const byKind = (kind: string) => exported.filter((e) => e.importKey === kind);
    expect(byKind("image_groups").map((e) => [e.title, e.createVideo, urlsOf(e).length])).toEqual([
      ["mix/seq1", true, FRAMES],
      ["shots", false, 2],
    ]);
    expect(
      byKind("dicom_series").map((e) => [e.title, urlsOf(e).map((u) => String(u).split("/").at(-1))]),
    ).toEqual([["mix/ct/Axial", ["slice-1.dcm", "slice-2.dcm", "slice-3.dcm"]]]);
    expect(byKind("images").map((e) => e.title)).toEqual(["mix/a.png"]);
    expect(exported.map((e) => e.importKey).sort()).toEqual(
      ["audio", "dicom_series", "image_groups", "image_groups", "images", "videos"].sort(),
    );
  }, 120_000);

  it("never lists a member alone when an ad-hoc import asks for held records", async () => {
    const held = await callApi(app, TOKEN, "/imports", {
      method: "POST",
      json: { prefix: "mix/", status: "held" },
    });

    expect(held.status).toBe(201);
    const entries = entriesOf(held.body.files.map((f: { import: unknown }) => f.import));
    expect(entries).toEqual([]);
  });
});
