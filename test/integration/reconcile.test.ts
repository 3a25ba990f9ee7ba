import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../packages/api/src/index";
import { createApiDeps } from "../../packages/lambda/src/api-deps";
import { createReconcileHandler } from "../../packages/lambda/src/reconcile-handler";
import { callApi } from "../helpers/api-request";
import { mediaBytes } from "../helpers/media";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";

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

const call = (path: string, json?: unknown) =>
  callApi(app, TOKEN, path, json === undefined ? {} : { method: "POST", json });

/** Runs `change` with the bucket's events dropped, as a lost EventBridge delivery would. */
async function unseen(change: () => Promise<void>): Promise<void> {
  h.bridgePaused = true;
  try {
    await change();
    await h.flushBridge();
  } finally {
    h.bridgePaused = false;
    h.held.splice(0);
  }
}

async function reconcile(prefix: string) {
  const started = await call("/reconcile", { prefix });
  await h.settle();
  return { started, job: (await call(`/reimports/${started.body.id}`)).body };
}

describe("POST /reconcile", () => {
  it("repairs objects whose events were dropped, and orphan records, then finds nothing left to do", async () => {
    await h.put("rc/seen.png", mediaBytes("image.png"));
    await h.put("rc/changed.png", mediaBytes("image.png"));
    await h.put("rc/annotated.png", mediaBytes("image.png"));
    await h.put("rc/gone.png", mediaBytes("image.png"));
    await h.settle();
    await unseen(async () => {
      for (const name of ["a.png", "b.png", "c.jpg"])
        await h.put(`rc/new/${name}`, mediaBytes(name.endsWith("jpg") ? "image.jpg" : "image.png"));
      await h.put("rc/changed.png", mediaBytes("image.jpg"));
      await h.put("rc/annotated.png.metadata.json", JSON.stringify({ camera: "left" }));
      await h.remove("rc/gone.png");
      await h.put("rc/grp/_group.json", JSON.stringify({ type: "image_group", count: 2 }));
      for (const name of ["f1.png", "f2.png"]) await h.put(`rc/grp/${name}`, mediaBytes("image.png"));
    });
    const before = await Promise.all(["rc/new/a.png", "rc/grp/"].map((key) => h.record(key)));

    const { started, job } = await reconcile("rc/");
    await h.exportNow();
    const again = await reconcile("rc/");

    expect(before).toEqual([null, null]);
    expect(started.status).toBe(202);
    expect(job).toMatchObject({ kind: "reconcile", status: "done", failed: 0, errors: [] });
    expect(job.reconcile).toEqual({ missing: 6, stale: 2, orphaned: 1, matched: 1 });
    // Everything counted is in the total: five objects and a manifest missing, two stale, one orphan, one match.
    expect(job).toMatchObject({ total: 10, done: 10 });
    expect((await h.record("rc/new/c.jpg"))?.status).toBe("ready");
    expect((await h.record("rc/changed.png"))?.mediaMetadata?.mimeType).toBe("image/jpeg");
    expect((await h.record("rc/annotated.png"))?.clientMetadata).toEqual({ camera: "left" });
    expect((await h.record("rc/gone.png"))?.status).toBe("deleted");
    expect((await h.record("rc/grp/"))?.export.state).toBe("exported");
    expect((await h.record("rc/grp/f1.png"))?.export.state).toBe("held");
    expect(again.job.reconcile).toEqual({ missing: 0, stale: 0, orphaned: 0, matched: 9 });
    expect(again.job).toMatchObject({ total: 9, done: 9 });
    const titles = (await h.exportedEntries()).map((e) => String(e.title)).filter((t) => t.startsWith("rc"));
    expect(titles.sort()).toEqual(
      [
        "rc/annotated.png",
        "rc/changed.png",
        "rc/grp",
        "rc/new/a.png",
        "rc/new/b.png",
        "rc/new/c.jpg",
        "rc/seen.png",
      ].sort(),
    );
  });

  it("reconciles the whole bucket when no body is given, and refuses unknown fields", async () => {
    const res = await app.request("/reconcile", {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const body = JSON.parse(await res.text());
    await h.settle();
    const bad = await call("/reconcile", { prefix: "rc/", dryRun: true });

    expect(res.status).toBe(202);
    expect((await call(`/reimports/${body.id}`)).body).toMatchObject({ status: "done", prefix: "" });
    expect(bad.status).toBe(400);
  });

  it("skips the scheduled reconcile, with a log line naming the job, while a job runs on an overlapping prefix", async () => {
    await unseen(() => h.put("sched/a.png", mediaBytes("image.png")));
    const running = await call("/reimports", { prefix: "sched/" });
    const info = vi.spyOn(h.deps.logger, "info");
    const scheduled = createReconcileHandler(h.deps, "");

    const skipped = await scheduled();
    const logged = info.mock.calls.map((args) => [...args]);
    info.mockRestore();
    await h.settle();
    const started = await scheduled();
    await h.settle();
    const reimport = (await call(`/reimports/${running.body.id}`)).body;
    const reconcile = "id" in started ? (await call(`/reimports/${started.id}`)).body : null;

    expect(running.status).toBe(202);
    expect(skipped).toEqual({ skipped: true, jobIds: [running.body.id] });
    expect(logged).toContainEqual([
      "reconcile skipped: jobs are running",
      expect.objectContaining({ prefix: "", jobIds: [running.body.id] }),
    ]);
    expect(reimport.status).toBe("done");
    expect(reconcile).toMatchObject({ kind: "reconcile", status: "done", prefix: "" });
    expect((await h.record("sched/a.png"))?.status).toBe("ready");
  });
});
