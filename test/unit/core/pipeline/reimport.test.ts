import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  type Job,
  type JobStore,
  type ReimportMessage,
  runReimportPage,
  startReimport,
  TransientError,
  type WorkMessage,
} from "../../../../packages/core/src/index";
import { createFakePipeline } from "../../../helpers/fakes";

/** An in-memory job store with the DynamoDB store's step rule (no bounds: these tests stay small). */
function createMemoryJobStore() {
  const jobs = new Map<string, Job>();
  const order = ["queued", "counting", "running", "done"];
  const store: JobStore & { jobs: Map<string, Job> } = {
    jobs,
    async createJob(job) {
      jobs.set(job.id, {
        ...job,
        done: 0,
        failed: 0,
        errors: [],
        plan: job.dryRun
          ? { counts: { create: 0, update: 0, unchanged: 0, invalid: 0 }, entries: [], truncated: false }
          : null,
        reconcile: job.kind === "reconcile" ? { missing: 0, stale: 0, orphaned: 0, matched: 0 } : null,
        steps: 0,
        updatedAt: job.createdAt,
      });
    },
    async getJob(id) {
      return structuredClone(jobs.get(id) ?? null);
    },
    async addProgress(id, progress) {
      const job = jobs.get(id);
      if (!job || job.steps !== progress.step) return false;
      job.steps += 1;
      job.total += progress.total ?? 0;
      job.done += progress.done ?? 0;
      job.failed += progress.failed ?? 0;
      job.errors.push(...(progress.errors ?? []));
      for (const [name, count] of Object.entries(progress.reconcile ?? {})) {
        if (job.reconcile) job.reconcile[name as keyof typeof job.reconcile] += count;
      }
      for (const entry of progress.plan ?? []) {
        job.plan?.entries.push(entry);
        if (job.plan) job.plan.counts[entry.action] += 1;
      }
      return true;
    },
    async setStatus(id, status) {
      const job = jobs.get(id);
      if (!job) return false;
      const forward =
        status === "failed"
          ? job.status !== "done" && job.status !== "failed"
          : order.indexOf(job.status) < order.indexOf(status);
      if (forward) job.status = status;
      return forward;
    },
  };
  return store;
}

function setUp(count: number, pageSize = 50) {
  const p = createFakePipeline();
  p.deps.settings.pageSize = pageSize;
  for (let i = 0; i < count; i += 1) p.objects.put(`cams/n${String(i).padStart(3, "0")}.txt`, `note ${i}\n`);
  p.objects.put("cams/n000.txt.metadata.json", '{"camera":"c1"}');
  const jobs = createMemoryJobStore();
  return { p, jobs, deps: { ...p.deps, jobs } };
}

const asReimport = (m: WorkMessage): ReimportMessage => {
  if (m.type !== "reimport-count" && m.type !== "reimport-page") throw new Error("not a reimport step");
  return m;
};

describe("runReimportPage", () => {
  it("counts the prefix first, then reimports it page by page until the job is done", async () => {
    const { p, jobs, deps } = setUp(120);
    const request = { target: { prefix: "cams/" }, mode: "merge" as const, dryRun: false, force: false };
    await startReimport(deps, request, { id: "J1", sequencer: "0000000000010000ffff" });
    const types: string[] = [];
    const totals: [number, number][] = [];

    await p.work.drain(async (m) => {
      types.push(m.type);
      await runReimportPage(deps, asReimport(m));
      totals.push([jobs.jobs.get("J1")?.total ?? -1, jobs.jobs.get("J1")?.done ?? -1]);
    });

    expect(types).toEqual(["reimport-count", "reimport-page", "reimport-page", "reimport-page"]);
    // The total is known before the first page; the sidecar takes a slot of the first page's listing.
    expect(totals).toEqual([
      [120, 0],
      [120, 49],
      [120, 99],
      [120, 120],
    ]);
    expect(jobs.jobs.get("J1")).toMatchObject({ status: "done", total: 120, done: 120, failed: 0 });
    expect(p.records.items.size).toBe(120);
    expect((await p.records.get("data", "cams/n000.txt"))?.clientMetadata).toEqual({ camera: "c1" });
  });

  it("re-queues a count step after ten pages of listing", async () => {
    const { p, jobs, deps } = setUp(60, 5);
    const request = { target: { prefix: "" }, mode: "merge" as const, dryRun: true, force: false };
    await startReimport(deps, request, { id: "J2", sequencer: "00000000000100000000" });

    const first = await runReimportPage(deps, asReimport(p.work.messages.shift() as WorkMessage));

    // Fifty keys listed, one of them a sidecar.
    expect(first).toEqual({ keys: 49, counted: true, next: "reimport-count" });
    expect(jobs.jobs.get("J2")).toMatchObject({ status: "counting", total: 49 });
    expect(p.work.messages[0]).toMatchObject({ type: "reimport-count", step: 1 });
  });

  it("counts a redelivered step once, and retries a step whose write failed transiently", async () => {
    const { p, jobs, deps } = setUp(3);
    const request = {
      target: { keys: ["cams/n000.txt", "cams/n001.txt"] },
      mode: "merge" as const,
      dryRun: false,
      force: false,
    };
    await startReimport(deps, request, { id: "J3", sequencer: "00000000000100000000" });
    const step = asReimport(p.work.messages[0] as WorkMessage);
    const put = p.records.put;
    p.records.put = async () => {
      throw new TransientError("throttled");
    };

    const failed = await runReimportPage(deps, step).catch((error: unknown) => error);
    p.records.put = put;
    const retried = await runReimportPage(deps, step);
    const redelivered = await runReimportPage(deps, step);

    expect(failed).toBeInstanceOf(TransientError);
    expect([retried.counted, redelivered.counted]).toEqual([true, false]);
    expect(jobs.jobs.get("J3")).toMatchObject({ status: "done", total: 2, done: 2, failed: 0 });
    expect((await p.records.get("data", "cams/n000.txt"))?.revision).toBe(1);
  });

  it("fails the job when the listing is refused", async () => {
    const { p, jobs, deps } = setUp(1);
    p.objects.list = async () => {
      throw new AccessDeniedError("no s3:ListBucket");
    };
    const request = { target: { prefix: "cams/" }, mode: "merge" as const, dryRun: false, force: false };
    await startReimport(deps, request, { id: "J4", sequencer: "00000000000100000000" });

    const result = await runReimportPage(deps, asReimport(p.work.messages.shift() as WorkMessage));

    expect(result.next).toBeNull();
    expect(p.work.messages).toHaveLength(0);
    expect(jobs.jobs.get("J4")).toMatchObject({ status: "failed" });
    expect(jobs.jobs.get("J4")?.errors).toEqual([
      { key: "cams/", code: "access-denied", message: "no s3:ListBucket" },
    ]);
  });
});
