import { describe, expect, it } from "vitest";
import { exportPending } from "../../../../packages/core/src/export/export-pending";
import { ingestEvent } from "../../../../packages/core/src/pipeline/ingest-event";
import { rederivePage } from "../../../../packages/core/src/pipeline/rederive-page";
import type { StorageEvent } from "../../../../packages/core/src/pipeline/storage-event";
import { createFakePipeline } from "../../../helpers/fakes";
import { mediaBytes } from "../../../helpers/media";

let seq = 0x1000;
function event(rawKey: string, kind: StorageEvent["kind"] = "created", sequencer?: string): StorageEvent {
  seq += 1;
  return { bucket: "data", rawKey, kind, sequencer: sequencer ?? seq.toString(16).toUpperCase(), time: "t" };
}

let fileId = 0;
async function exportNow(p: ReturnType<typeof createFakePipeline>) {
  const now = p.deps.now();
  return exportPending(p.deps, {
    now,
    settledBefore: now,
    leaseUntil: "9999",
    owner: "test",
    newId: () => {
      fileId += 1;
      return `f${String(fileId).padStart(6, "0")}`;
    },
  });
}

function exportedEntries(p: ReturnType<typeof createFakePipeline>) {
  return [...p.exports.files.values()].flatMap((text) => {
    const file = JSON.parse(text);
    return Object.entries(file).flatMap(([k, v]) =>
      Array.isArray(v) ? v.map((e) => ({ key: k, ...e })) : [],
    );
  });
}

describe("ingestEvent", () => {
  it("gives the same record whether the data or its sidecar arrives first", async () => {
    const first = createFakePipeline();
    first.objects.put("a.png", mediaBytes("image.png"));
    await ingestEvent(first.deps, event("a.png"));
    first.objects.put("a.png.metadata.json", '{"camera":"c1"}');
    await ingestEvent(first.deps, event("a.png.metadata.json"));

    const second = createFakePipeline();
    second.objects.put("a.png.metadata.json", '{"camera":"c1"}');
    expect((await ingestEvent(second.deps, event("a.png.metadata.json"))).outcome).toBe("ignored");
    second.objects.put("a.png", mediaBytes("image.png"));
    await ingestEvent(second.deps, event("a.png"));

    const a = await first.records.get("data", "a.png");
    const b = await second.records.get("data", "a.png");
    expect(a?.clientMetadata).toEqual({ camera: "c1" });
    expect(b?.importEntry).toEqual(a?.importEntry);
    await exportNow(first);
    await exportNow(second);
    expect(exportedEntries(first)).toHaveLength(1);
    expect(exportedEntries(second)).toHaveLength(1);
  });

  it("changes nothing for a duplicate event, and exports the entry once", async () => {
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    const created = event("a.png");

    const outcomes = [];
    const revisions = [];
    for (let i = 0; i < 3; i += 1) {
      outcomes.push((await ingestEvent(p.deps, created)).outcome);
      await exportNow(p);
      revisions.push((await p.records.get("data", "a.png"))?.revision);
    }

    expect(outcomes).toEqual(["written", "stale", "stale"]);
    // Written once (1), then claimed and marked by the one export (3); the duplicates change nothing.
    expect(revisions).toEqual([3, 3, 3]);
    expect(exportedEntries(p)).toHaveLength(1);
  });

  it("ends in the newest state when sidecar events arrive in reverse order", async () => {
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    await ingestEvent(p.deps, event("a.png", "created", "100"));
    p.objects.put("a.png.metadata.json", '{"v":2}');

    await ingestEvent(p.deps, event("a.png.metadata.json", "created", "300"));
    const older = await ingestEvent(p.deps, event("a.png.metadata.json", "created", "200"));

    expect(older.outcome).toBe("stale");
    expect((await p.records.get("data", "a.png"))?.clientMetadata).toEqual({ v: 2 });
  });

  it("re-exports a record whose sidecar changed after its export", async () => {
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    await ingestEvent(p.deps, event("a.png"));
    await exportNow(p);
    p.objects.put("a.png.metadata.json", '{"v":1}');

    await ingestEvent(p.deps, event("a.png.metadata.json"));
    await exportNow(p);

    expect(exportedEntries(p).map((e) => e.clientMetadata)).toEqual([undefined, { v: 1 }]);
  });

  it("keeps a record pending when it changes while the exporter writes its file", async () => {
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    await ingestEvent(p.deps, event("a.png"));
    const putImport = p.exports.putImport.bind(p.exports);
    p.exports.putImport = async (...args) => {
      p.objects.put("a.png.metadata.json", '{"late":true}');
      await ingestEvent(p.deps, event("a.png.metadata.json"));
      return putImport(...args);
    };

    const first = await exportNow(p);
    p.exports.putImport = putImport;
    const second = await exportNow(p);

    expect(first).toMatchObject({ exported: 0, changedMeanwhile: 1 });
    expect(second).toMatchObject({ exported: 1, changedMeanwhile: 0 });
    expect(exportedEntries(p).at(-1)?.clientMetadata).toEqual({ late: true });
  });

  it("tombstones a deleted object so that no later export holds it", async () => {
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    await ingestEvent(p.deps, event("a.png"));
    p.objects.remove("a.png");

    const result = await ingestEvent(p.deps, event("a.png", "deleted"));
    await exportNow(p);

    expect(result.outcome).toBe("tombstoned");
    expect(await p.records.get("data", "a.png")).toMatchObject({
      status: "deleted",
      export: { state: "held" },
    });
    expect(exportedEntries(p)).toEqual([]);
  });

  it("re-derives instead of tombstoning when the deleted key still answers HEAD", async () => {
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    await ingestEvent(p.deps, event("a.png"));

    const result = await ingestEvent(p.deps, event("a.png", "deleted"));

    expect(result.outcome).toBe("unchanged");
    expect((await p.records.get("data", "a.png"))?.status).toBe("ready");
  });

  it("re-derives every record beneath a changed _defaults.json through the work queue, page by page", async () => {
    const p = createFakePipeline();
    for (let i = 0; i < 120; i += 1) p.objects.put(`cams/f${i}.png`, mediaBytes("image.png"));
    p.objects.put("other/x.png", mediaBytes("image.png"));
    for (const key of [...Array(120).keys()].map((i) => `cams/f${i}.png`))
      await ingestEvent(p.deps, event(key));
    p.objects.put("cams/_defaults.json", '{"site":"plant-7"}');

    await ingestEvent(p.deps, event("cams/_defaults.json"));
    const pages = await p.work.drain(async (m) => m.type === "rederive-prefix" && rederivePage(p.deps, m));

    expect(pages).toBe(3);
    const records = [...p.records.items.values()];
    expect(records.filter((r) => r.clientMetadata.site === "plant-7")).toHaveLength(120);
  });

  it("records a malformed sidecar as an invalid record with a clear error", async () => {
    const p = createFakePipeline();
    p.objects.put("a.png", mediaBytes("image.png"));
    p.objects.put("a.png.metadata.json", "{ nope");

    await ingestEvent(p.deps, event("a.png"));

    const record = await p.records.get("data", "a.png");
    expect(record?.status).toBe("invalid");
    expect(record?.errors[0]?.code).toBe("sidecar-not-json");
  });

  it("falls back to the raw key once when the decoded key answers 404, with a warning", async () => {
    const p = createFakePipeline();
    p.objects.put("a+b.png", mediaBytes("image.png"));

    const result = await ingestEvent(p.deps, event("a+b.png"));

    expect(result.key).toBe("a+b.png");
    expect((await p.records.get("data", "a+b.png"))?.warnings.map((w) => w.code)).toContain("raw-key-used");
  });
});
