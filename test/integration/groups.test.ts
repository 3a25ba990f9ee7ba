import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../packages/api/src/index";
import { createApiDeps } from "../../packages/lambda/src/api-deps";
import { callApi } from "../helpers/api-request";
import { shuffled, urlsOf } from "../helpers/group-entries";
import { mediaBytes } from "../helpers/media";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";
import { probeMediaPath } from "../helpers/probe-truth";

const TOKEN = "test-token-0123456789";

let h: PipelineHarness;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  h = await startPipeline();
  app = createApp(createApiDeps(h.deps, TOKEN));
});
afterAll(async () => {
  await h?.stop();
});

const FRAMES = 500;

/** The file names of the entries titled `title` ever exported, one list per entry. */
async function exportedGroups(title: string): Promise<string[][]> {
  const entries = (await h.exportedEntries()).filter((e) => e.title === title);
  return entries.map((e) => urlsOf(e).map((u) => String(u).split("/").at(-1) ?? ""));
}

/** Runs a reimport through the API and the work queue to its end. */
async function reimport(body: Record<string, unknown>): Promise<number> {
  const { status } = await callApi(app, TOKEN, "/reimports", { method: "POST", json: body });
  await h.settle();
  return status;
}

function uidOf(record: { mediaMetadata: { dicom?: { seriesInstanceUid?: string } } | null } | null): string {
  return record?.mediaMetadata?.dicom?.seriesInstanceUid ?? "";
}

describe("image groups and DICOM series in the pipeline", () => {
  it("exports one image sequence in natural order and never a frame alone when frames arrive in random order", async () => {
    const names = Array.from({ length: FRAMES }, (_, i) => `frame${i + 1}.png`);
    await h.put("seq/_group.json", JSON.stringify({ type: "image_sequence", count: FRAMES }));
    await h.settle();

    const sent = vi.spyOn(h.workQueue, "send");
    const order = shuffled(names, 7);
    for (let start = 0; start < order.length; start += 50) {
      for (const name of order.slice(start, start + 50)) await h.put(`seq/${name}`, mediaBytes("image.png"));
      await h.settle();
      await h.exportNow();
    }
    await h.settle();
    await h.exportNow();

    const entries = await h.exportedEntries();
    const groups = entries.filter((e) => e.importKey === "image_groups" && e.title === "seq");
    expect(groups).toHaveLength(1);
    expect(groups[0]?.createVideo).toBe(true);
    expect(urlsOf(groups[0] ?? {}).map((u) => String(u).split("/").at(-1))).toEqual(names);
    expect(entries.filter((e) => String(e.title).startsWith("seq/"))).toEqual([]);
    expect((await h.record("seq/frame1.png"))?.export.state).toBe("held");
    expect((await h.record("seq/frame1.png"))?.groupKey).toBe("seq/");
    // A burst of member events queues one assembly of the folder at a time, not one per frame.
    const assemblies = sent.mock.calls.filter(([m]) => m.type === "assemble-group" && m.folder === "seq/");
    expect(assemblies.length).toBeGreaterThan(0);
    expect(assemblies.length).toBeLessThanOrEqual(2 * (FRAMES / 50) + 2);
    sent.mockRestore();
  }, 120_000);

  it("holds members that arrived before their manifest, and a duplicate event leaves the group unchanged", async () => {
    await h.put("late/b.png", mediaBytes("image.png"));
    await h.put("late/a.png", mediaBytes("image.png"));
    await h.settle();
    await h.put("late/_group.json", JSON.stringify({ type: "image_group", members: ["a.png", "b.png"] }));
    await h.settle();
    const group = await h.record("late/");
    const body = h.bodies.at(-1) ?? "";

    await h.ingestQueue.send(body);
    await h.settle();
    const replayed = await h.record("late/");
    await h.exportNow();

    expect((await h.record("late/a.png"))?.export.state).toBe("held");
    expect(replayed?.revision).toBe(group?.revision);
    const entries = (await h.exportedEntries()).filter((e) => e.title === "late");
    expect(entries.map((e) => e.createVideo)).toEqual([false]);
    expect(urlsOf(entries[0] ?? {}).map((u) => String(u).split("/").at(-1))).toEqual(["a.png", "b.png"]);
  });

  it("exports one dicom_series entry per series, ordered by InstanceNumber, when files arrive interleaved", async () => {
    const files = ["dicom-series-a-3", "dicom-series-b-1", "dicom-series-a-1", "dicom-series-a-2"];
    for (const name of files) {
      await h.put(`study/${name}.dcm`, new Uint8Array(readFileSync(probeMediaPath(`${name}.dcm`))));
    }
    await h.settle();
    await h.exportNow();
    await h.exportNow();

    const series = (await h.exportedEntries()).filter((e) => e.importKey === "dicom_series");
    expect(series).toHaveLength(2);
    const names = series.map((e) => urlsOf(e).map((u) => String(u).split("/").at(-1)));
    expect(names).toContainEqual(["dicom-series-a-1.dcm", "dicom-series-a-2.dcm", "dicom-series-a-3.dcm"]);
    expect(names).toContainEqual(["dicom-series-b-1.dcm"]);
    expect((await h.record("study/dicom-series-a-1.dcm"))?.export.state).toBe("held");

    await h.remove("study/dicom-series-a-2.dcm");
    await h.settle();
    await h.exportNow();

    const changed = await h.record(`dicom:${uidOf(await h.record("study/dicom-series-a-1.dcm"))}`);
    expect(changed?.warnings.map((w) => w.code)).toContain("changed-after-export");
    expect(changed?.export.state).toBe("held");
    expect((await h.exportedEntries()).filter((e) => e.importKey === "dicom_series")).toHaveLength(2);
  });

  it("changes a group when members are added or removed before its export, and ignores replayed events", async () => {
    await h.put("edit/_group.json", JSON.stringify({ type: "image_group" }));
    for (const name of ["a.png", "b.png"]) await h.put(`edit/${name}`, mediaBytes("image.png"));
    await h.settle();
    const firstBodies = h.bodies.length;
    await h.put("edit/c.png", mediaBytes("image.png"));
    await h.remove("edit/a.png");
    await h.settle();
    const before = await h.record("edit/");

    // Every event of the folder again, newest first: the group is assembled from storage as it is.
    for (const body of h.bodies.slice(firstBodies - 3).reverse()) await h.ingestQueue.send(body);
    await h.settle();
    const after = await h.record("edit/");
    await h.exportNow();

    expect(before?.status).toBe("ready");
    expect(after?.revision).toBe(before?.revision);
    expect((await h.record("edit/a.png"))?.status).toBe("deleted");
    expect(await exportedGroups("edit")).toEqual([["b.png", "c.png"]]);
  });

  it("holds a group changed after its export until a reimport with force re-sends it, once", async () => {
    await h.put("forced/_group.json", JSON.stringify({ type: "image_group" }));
    for (const name of ["x1.png", "x2.png"]) await h.put(`forced/${name}`, mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();
    await h.put("forced/x10.png", mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();
    const changed = await h.record("forced/");

    const unforced = await reimport({ prefix: "forced/" });
    await h.exportNow();
    const afterUnforced = await exportedGroups("forced");
    const forced = await reimport({ prefix: "forced/", force: true });
    await h.exportNow();
    await reimport({ prefix: "forced/", force: true });
    await h.exportNow();

    expect(changed?.warnings.map((w) => w.code)).toContain("changed-after-export");
    expect(changed?.export.state).toBe("held");
    expect([unforced, forced]).toEqual([202, 202]);
    expect(afterUnforced).toEqual([["x1.png", "x2.png"]]);
    expect(await exportedGroups("forced")).toEqual([
      ["x1.png", "x2.png"],
      ["x1.png", "x2.png", "x10.png"],
    ]);
    const resent = await h.record("forced/");
    expect(resent?.warnings.map((w) => w.code)).not.toContain("changed-after-export");
    expect(resent?.export.state).toBe("exported");
  });

  it("turns members back into single images when their manifest is removed", async () => {
    await h.put("undo/_group.json", JSON.stringify({ type: "image_group" }));
    for (const name of ["p.png", "q.png"]) await h.put(`undo/${name}`, mediaBytes("image.png"));
    await h.settle();
    expect((await h.record("undo/p.png"))?.export.state).toBe("held");

    await h.remove("undo/_group.json");
    await h.settle();
    await h.exportNow();

    expect((await h.record("undo/"))?.status).toBe("deleted");
    expect((await h.record("undo/p.png"))?.groupKey).toBeUndefined();
    expect((await h.record("undo/q.png"))?.export.state).toBe("exported");
    expect(await exportedGroups("undo")).toEqual([]);
    const singles = (await h.exportedEntries()).filter((e) => String(e.objectUrl).includes("/undo/"));
    expect(singles.map((e) => e.importKey)).toEqual(["images", "images"]);
  });
});
