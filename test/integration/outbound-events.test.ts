import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaBytes } from "../helpers/media";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";
import { probeMediaPath } from "../helpers/probe-truth";
import { type PostedEvent, startWebhookServer } from "../helpers/webhook-server";

let h: PipelineHarness;
let hook: Awaited<ReturnType<typeof startWebhookServer>> | undefined;

beforeAll(async () => {
  hook = await startWebhookServer("/events");
  h = await startPipeline({ WEBHOOK_URL: hook.url });
});

afterAll(async () => {
  await h?.stop();
  hook?.stop();
});

/** The posted events of one type about one key. */
function about(type: string, key: string): PostedEvent[] {
  return (hook?.posted ?? []).filter((p) => p["detail-type"] === type && p.detail.key === key);
}

describe("outbound events through the pipeline to a webhook", () => {
  it("posts ingest.completed, ingest.failed, sidecar.invalid and export.written once each for a good, a bad-sidecar and a corrupt file", async () => {
    // Prepare
    await h.put("events/good.png", mediaBytes("image.png"));
    await h.put("events/bad.png.metadata.json", "{ not json");
    await h.put("events/bad.png", mediaBytes("image.png"));
    await h.put("events/corrupt.mp4", readFileSync(probeMediaPath("broken-truncated.mp4")));

    // Act
    await h.settle();
    const exported = await h.exportNow();

    // Assert
    const [completed] = about("ingest.completed", "events/good.png");
    expect(about("ingest.completed", "events/good.png")).toHaveLength(1);
    expect(completed?.detail).toMatchObject({
      bucket: "ingest",
      status: "ready",
      dataType: "image",
      exportState: "pending",
      // The exporter's claim and mark move the revision twice after the write that was announced.
      revision: ((await h.record("events/good.png"))?.revision ?? 0) - 2,
    });

    expect(about("ingest.failed", "events/bad.png")).toHaveLength(1);
    expect(about("sidecar.invalid", "events/bad.png")).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({
          sidecarKey: "events/bad.png.metadata.json",
          error: expect.objectContaining({ code: "sidecar-not-json" }),
        }),
      }),
    ]);
    const [failed] = about("ingest.failed", "events/corrupt.mp4");
    expect(about("ingest.failed", "events/corrupt.mp4")).toHaveLength(1);
    expect(failed?.detail.errors).toEqual([
      expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
    ]);
    expect(about("ingest.completed", "events/corrupt.mp4")).toEqual([]);

    const written = (hook?.posted ?? []).filter((p) => p["detail-type"] === "export.written");
    expect(exported.files.map((f) => f.key)).toHaveLength(1);
    expect(written.map((p) => p.detail)).toEqual([
      {
        id: `export.written:${exported.files[0]?.key}`,
        file: exported.files[0]?.key,
        entries: 1,
        byImportKey: { images: 1 },
      },
    ]);

    // Each record revision (and each file) is announced once: ids never repeat.
    const ids = (hook?.posted ?? []).map((p) => p.detail.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
