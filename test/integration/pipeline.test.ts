import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaBytes } from "../helpers/media";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";
import { probeMediaPath } from "../helpers/probe-truth";

let h: PipelineHarness;
beforeAll(async () => {
  h = await startPipeline();
});
afterAll(async () => {
  await h?.stop();
});

const titles = (entries: Record<string, unknown>[]) => entries.map((e) => e.title);

describe("the event pipeline against s3rver and dynalite", () => {
  it("gives one record and one exported entry whether data or sidecar comes first, and re-exports a changed sidecar", async () => {
    await h.put("order/a.png", mediaBytes("image.png"));
    await h.put("order/a.png.metadata.json", '{"camera":"c1"}');
    await h.put("order/b.png.metadata.json", '{"camera":"c1"}');
    await h.put("order/b.png", mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();

    const a = await h.record("order/a.png");
    const b = await h.record("order/b.png");
    expect(a?.clientMetadata).toEqual({ camera: "c1" });
    expect(b?.clientMetadata).toEqual({ camera: "c1" });
    expect(titles(await h.exportedEntries()).filter((t) => String(t).startsWith("order/"))).toEqual([
      "order/a.png",
      "order/b.png",
    ]);

    await h.put("order/a.png.metadata.json", '{"camera":"c2"}');
    await h.settle();
    await h.exportNow();

    const entries = (await h.exportedEntries()).filter((e) => e.title === "order/a.png");
    expect(entries.map((e) => e.clientMetadata)).toEqual([{ camera: "c1" }, { camera: "c2" }]);
  });

  it("changes nothing when the same event is delivered three times", async () => {
    await h.put("dup/a.png", mediaBytes("image.png"));
    await h.settle();
    const body = h.bodies.at(-1) ?? "";
    await h.exportNow();
    const exported = await h.record("dup/a.png");

    for (let i = 0; i < 3; i += 1) {
      await h.ingestQueue.send(body);
      await h.settle();
      await h.exportNow();
    }

    expect(exported?.export.state).toBe("exported");
    expect((await h.record("dup/a.png"))?.revision).toBe(exported?.revision);
    expect(titles(await h.exportedEntries()).filter((t) => t === "dup/a.png")).toHaveLength(1);
  });

  it("ends in the newest state when events arrive in reverse sequencer order, for data and sidecar alike", async () => {
    h.bridgePaused = true;
    await h.put("rev/a.wav", mediaBytes("audio.wav"));
    await h.put("rev/a.wav.metadata.json", '{"take":1}');
    await h.put("rev/a.wav", mediaBytes("audio.mp3"));
    await h.put("rev/a.wav.metadata.json", '{"take":2}');
    await h.flushBridge();
    const bodies = h.held.splice(0);
    for (const body of bodies.reverse()) await h.ingestQueue.send(body);
    h.bridgePaused = false;
    await h.settle();

    const record = await h.record("rev/a.wav");
    expect(record?.clientMetadata).toEqual({ take: 2 });
    expect(record?.mediaMetadata?.mimeType).toBe("audio/mpeg");
  });

  it("keeps a record that changes while the exporter writes its file pending, and exports it in the next run", async () => {
    await h.put("race/a.png", mediaBytes("image.png"));
    await h.settle();
    const exports = h.deps.pipeline.exports;
    h.deps.pipeline.exports = {
      ...exports,
      async putImport(...args) {
        await h.put("race/a.png.metadata.json", '{"late":true}');
        await h.settle();
        return exports.putImport(...args);
      },
    };
    const first = await h.exportNow();
    h.deps.pipeline.exports = exports;

    expect(first.changedMeanwhile).toBeGreaterThanOrEqual(1);
    expect((await h.record("race/a.png"))?.export.state).toBe("pending");
    await h.exportNow();
    const entries = (await h.exportedEntries()).filter((e) => e.title === "race/a.png");
    expect(entries.map((e) => e.clientMetadata)).toEqual([undefined, { late: true }]);
    expect((await h.record("race/a.png"))?.export.state).toBe("exported");
  });

  it("tombstones a deleted object so no later export holds it, and re-derives when the key still answers HEAD", async () => {
    await h.put("del/gone.png", mediaBytes("image.png"));
    await h.put("del/kept.png", mediaBytes("image.png"));
    await h.settle();
    await h.remove("del/gone.png");
    await h.settle();
    const keptBody = JSON.parse(h.bodies.find((b) => b.includes("del/kept.png")) ?? "{}");
    const deleted = {
      ...keptBody,
      "detail-type": "Object Deleted",
      detail: {
        ...keptBody.detail,
        reason: "DeleteObject",
        "deletion-type": "Delete Marker Created",
        object: { key: "del/kept.png", sequencer: "FFFFFFFFFFFFFFFFFFFF" },
      },
    };
    await h.ingestQueue.send(JSON.stringify(deleted));
    await h.settle();
    await h.exportNow();

    expect(await h.record("del/gone.png")).toMatchObject({ status: "deleted", export: { state: "held" } });
    expect(await h.record("del/kept.png")).toMatchObject({ status: "ready" });
    const exported = titles(await h.exportedEntries());
    expect(exported).toContain("del/kept.png");
    expect(exported).not.toContain("del/gone.png");
  });

  it("records a malformed sidecar as invalid while the rest of the batch succeeds", async () => {
    await h.put("bad/x.png.metadata.json", "{ not json");
    await h.put("bad/x.png", mediaBytes("image.png"));
    await h.put("bad/y.png", mediaBytes("image.png"));
    await h.settle();

    expect(await h.record("bad/x.png")).toMatchObject({
      status: "invalid",
      errors: [{ code: "sidecar-not-json" }],
    });
    expect(await h.record("bad/y.png")).toMatchObject({ status: "ready" });
    expect(h.ingestQueue.deadLetters()).toEqual([]);
  });

  it("round-trips keys with spaces, +, %, non-ASCII characters and 1,024 bytes exactly", async () => {
    const long = `${"a".repeat(200)}/${"b".repeat(200)}/${"c".repeat(200)}/${"d".repeat(200)}/${"e".repeat(216)}.png`;
    const keys = ["keys/a b.png", "keys/a+b.png", "keys/100%.png", "keys/日本/é 🎉.png", long];
    expect(new TextEncoder().encode(long).byteLength).toBe(1024);
    for (const key of keys) await h.put(key, mediaBytes("image.png"));
    await h.settle();

    for (const key of keys) {
      const record = await h.record(key);
      expect(record?.key).toBe(key);
      expect(record?.status).toBe("ready");
      expect(record?.warnings.map((w) => w.code)).not.toContain("raw-key-used");
    }
  });

  it("round-trips a 5 MB sidecar of per-frame embeddings into the record and the import unchanged", async () => {
    const frames: Record<string, { emb: number[] }> = {};
    for (let f = 0; frames && Object.keys(frames).length < 1300; f += 1) {
      frames[String(f)] = {
        emb: Array.from({ length: 512 }, (_, i) => Math.round(Math.sin(f * 512 + i) * 1e6) / 1e6),
      };
    }
    const sidecar = { $encord: { config: { sampling_rate: 0 }, frames } };
    const text = JSON.stringify(sidecar);
    expect(text.length).toBeGreaterThan(5_000_000);
    await h.put("emb/v.mp4", readFileSync(probeMediaPath("h264-25fps-faststart.mp4")));
    await h.put("emb/v.mp4.metadata.json", text);
    await h.settle();
    await h.exportNow();

    expect((await h.record("emb/v.mp4"))?.clientMetadata).toEqual(sidecar);
    const entry = (await h.exportedEntries()).find((e) => e.title === "emb/v.mp4");
    expect(entry?.clientMetadata).toEqual(sidecar);
  }, 60_000);
});
