import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../packages/api/src/index";
import { startFakeEncord } from "../../../packages/cli/src/fake-encord/index";
import { createApiDeps } from "../../../packages/lambda/src/api-deps";
import { createDeliveryHandler } from "../../../packages/lambda/src/delivery-handler";
import { callApi } from "../../helpers/api-request";
import { writeEncordKey } from "../../helpers/encord-key";
import { mediaBytes } from "../../helpers/media";
import { EXPORTS_BUCKET, type PipelineHarness, startPipeline } from "../../helpers/pipeline-harness";

const TOKEN = "test-token-0123456789";
const FOLDER = "00000000-0000-4000-8000-0000000000f2";
const INTEGRATION = "00000000-0000-4000-8000-0000000000a2";
const NO_COUNTS_ID = "01JZ0000000000000000000000";

let h: PipelineHarness;
let fake: Awaited<ReturnType<typeof startFakeEncord>>;
let dir: string;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sluice-imports-"));
  const { keyFile, sshLine } = await writeEncordKey(dir);
  fake = await startFakeEncord({
    keys: [sshLine],
    integrations: [INTEGRATION],
    folders: [FOLDER],
    longPollCapSeconds: 1,
    jobDelayMs: 20,
  });
  h = await startPipeline({
    ENCORD_DOMAIN: fake.url,
    ENCORD_FOLDER: FOLDER,
    ENCORD_INTEGRATION: INTEGRATION,
    ENCORD_SSH_KEY_FILE: keyFile,
  });
  app = createApp(createApiDeps(h.deps, TOKEN));
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await fake?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Listed {
  id: string;
  key: string;
  origin: string;
  writtenAt: string | null;
  entries: number | null;
  counts: Record<string, number> | null;
  delivery: { state: string; jobId: string | null; folder: string } | null;
}

async function listed(target = app): Promise<Listed[]> {
  const res = await callApi(target, TOKEN, "/imports?limit=1000");
  expect(res.status).toBe(200);
  return res.body.imports;
}

const ZERO = { videos: 0, audio: 0, images: 0, image_groups: 0, dicom_series: 0, text: 0, pdfs: 0, nifti: 0 };

describe("GET /imports", () => {
  it("shows each file's origin, time, entry counts by type and delivery state, for the exporter's and ad-hoc files", async () => {
    // Prepare: one group and two single files, exported; an ad-hoc import of the same prefix.
    const start = Math.floor(Date.now() / 1000) * 1000;
    await h.put("l/grp/_group.json", JSON.stringify({ type: "image_group" }));
    await h.settle();
    for (const key of ["l/grp/a.png", "l/grp/b.png", "l/one.png", "l/clip.mp4"]) {
      await h.put(key, mediaBytes(key.endsWith(".mp4") ? "video.mp4" : "image.png"));
    }
    await h.settle();
    await h.exportNow();
    const created = await callApi(app, TOKEN, "/imports", { method: "POST", json: { prefix: "l/" } });
    const adhocId = created.body.files[0].id;

    // Act
    const queued = await listed();
    const deliver = createDeliveryHandler(h.deps, { pollSeconds: 1 });
    for (let run = 0; run < 20 && (await h.deps.pipeline.deliveries?.listOpen())?.length; run += 1) {
      await deliver();
    }
    const delivered = await listed();

    // Assert
    const exporterFile = queued.find((f) => f.origin === "exporter");
    expect(exporterFile).toMatchObject({
      key: `imports/${exporterFile?.id}.json`,
      entries: 3,
      counts: { ...ZERO, videos: 1, images: 1, image_groups: 1 },
      delivery: { state: "queued", jobId: null, folder: FOLDER },
    });
    expect(exporterFile?.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(Date.parse(exporterFile?.writtenAt ?? "")).toBeGreaterThanOrEqual(start);
    expect(queued.find((f) => f.id === adhocId)).toMatchObject({
      key: `imports/${adhocId}.json`,
      origin: "adhoc",
      entries: 3,
      counts: { ...ZERO, videos: 1, images: 1, image_groups: 1 },
      delivery: null,
    });
    const done = delivered.find((f) => f.id === exporterFile?.id);
    expect(done?.delivery).toMatchObject({ state: "done", folder: FOLDER });
    expect(done?.delivery?.jobId).toMatch(/.+/);
    expect(done?.delivery).not.toHaveProperty("keys");
    expect(delivered.find((f) => f.id === adhocId)?.delivery).toBeNull();
  }, 60_000);

  it("shows no delivery while delivery is off, and no counts for a file stored without them", async () => {
    // Prepare: a file written before counts were stored, and a key under imports/ that names no import.
    const put = (Key: string) =>
      h.s3.client.send(new PutObjectCommand({ Bucket: EXPORTS_BUCKET, Key, Body: '{"images":[]}' }));
    await put(`imports/${NO_COUNTS_ID}.json`);
    await put("imports/notes.json");
    const off = createApp(
      createApiDeps({ ...h.deps, pipeline: { ...h.deps.pipeline, deliveries: undefined } }, TOKEN),
    );

    // Act
    const files = await listed(off);

    // Assert
    expect(files.find((f) => f.id === NO_COUNTS_ID)).toMatchObject({
      origin: "exporter",
      entries: null,
      counts: null,
      delivery: null,
    });
    expect(files.map((f) => f.key)).not.toContain("imports/notes.json");
    expect(files.every((f) => f.delivery === null)).toBe(true);
  });

  it("documents the listing's shape in the OpenAPI document", async () => {
    const doc = JSON.parse(await (await app.request("/openapi.json")).text());

    const summary = doc.components.schemas.ImportFileSummary;
    expect(Object.keys(summary.properties)).toEqual([
      "id",
      "key",
      "origin",
      "writtenAt",
      "entries",
      "counts",
      "delivery",
    ]);
    expect(Object.keys(doc.components.schemas.EntryCounts.properties)).toEqual(Object.keys(ZERO));
  });
});
