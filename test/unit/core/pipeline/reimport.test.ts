import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  admitJob,
  type Job,
  JobLimitError,
  JobRunningError,
  type JobStore,
  type ReimportMessage,
  type RunningJob,
  runReimportPage,
  startReconcile,
  startReimport,
  TransientError,
  type WorkMessage,
} from "../../../../packages/core/src/index";
import { createFakePipeline } from "../../../helpers/fakes";

/** An in-memory job store with the DynamoDB store's step rule (no bounds: these tests stay small). */
function createMemoryJobStore() {
  const jobs = new Map<string, Job>();
  const order = ["queued", "counting", "running", "done"];
  let registry: { jobs: RunningJob[]; version: number } = { jobs: [], version: 0 };
  const store: JobStore & { jobs: Map<string, Job>; running(): RunningJob[] } = {
    jobs,
    running: () => registry.jobs,
    async readRunningJobs() {
      return structuredClone(registry);
    },
    async writeRunningJobs(running, version) {
      if (registry.version !== version) return false;
      registry = { jobs: structuredClone([...running]), version: version + 1 };
      return true;
    },
    async createJob(job) {
      jobs.set(job.id, {
        ...job,
        done: 0,
        failed: 0,
        errors: [],
        plan: job.dryRun
          ? {
              counts: { create: 0, update: 0, unchanged: 0, invalid: 0, missing: 0 },
              entries: [],
              truncated: false,
            }
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
      if (progress.next !== undefined) job.next = progress.next;
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

// Far after the fake clock's times: no place expires unless a test says so.
const LEASE = "2100-01-01T00:00:00.000Z";

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
    await startReimport(deps, request, { id: "J1", sequencer: "0000000000010000ffff", leaseUntil: LEASE });
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
    await startReimport(deps, request, { id: "J2", sequencer: "00000000000100000000", leaseUntil: LEASE });

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
    await startReimport(deps, request, { id: "J3", sequencer: "00000000000100000000", leaseUntil: LEASE });
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
    await startReimport(deps, request, { id: "J4", sequencer: "00000000000100000000", leaseUntil: LEASE });

    const result = await runReimportPage(deps, asReimport(p.work.messages.shift() as WorkMessage));

    expect(result.next).toBeNull();
    expect(p.work.messages).toHaveLength(0);
    expect(jobs.jobs.get("J4")).toMatchObject({ status: "failed" });
    expect(jobs.jobs.get("J4")?.errors).toEqual([
      { key: "cams/", code: "access-denied", message: "no s3:ListBucket" },
    ]);
  });
});

describe("runReimportPage: a key or a step that keeps failing", () => {
  it("counts a key still failing transiently on its step's last attempt as failed, with its error, and ends the job", async () => {
    const { p, jobs, deps } = setUp(3);
    const keys = ["cams/n000.txt", "cams/n001.txt", "cams/n002.txt"];
    const request = { target: { keys }, mode: "merge" as const, dryRun: false, force: false };
    await startReimport(deps, request, { id: "J5", sequencer: "00000000000100000000", leaseUntil: LEASE });
    const open = p.objects.open.bind(p.objects);
    p.objects.open = async (key) => {
      if (key === "cams/n001.txt") throw new TransientError("SlowDown: please reduce your request rate");
      return open(key);
    };
    const step = asReimport(p.work.messages.shift() as WorkMessage);

    const early = await runReimportPage(deps, step, { lastAttempt: false }).catch((error: unknown) => error);
    const writtenEarly = [...p.records.items.values()].map((record) => record.key).sort();
    const last = await runReimportPage(deps, step, { lastAttempt: true });

    expect(early).toBeInstanceOf(TransientError);
    expect(writtenEarly).toEqual(["cams/n000.txt", "cams/n002.txt"]);
    expect(last).toEqual({ keys: 3, counted: true, next: null });
    expect(jobs.jobs.get("J5")).toMatchObject({ status: "done", total: 3, done: 2, failed: 1 });
    expect(jobs.jobs.get("J5")?.errors).toEqual([
      { key: "cams/n001.txt", code: "reimport-failed", message: expect.stringContaining("SlowDown") },
    ]);
    expect(jobs.running()).toEqual([]);
  });

  it("ends the job failed, with the error and its place freed, when a step still fails on its last attempt", async () => {
    const { p, jobs, deps } = setUp(1);
    p.objects.list = async () => {
      throw new TransientError("ListObjectsV2: 503 Service Unavailable");
    };
    const request = { target: { prefix: "cams/" }, mode: "merge" as const, dryRun: false, force: false };
    await startReimport(deps, request, { id: "J6", sequencer: "00000000000100000000", leaseUntil: LEASE });
    const step = asReimport(p.work.messages.shift() as WorkMessage);

    const early = await runReimportPage(deps, step, { lastAttempt: false }).catch((error: unknown) => error);
    const last = await runReimportPage(deps, step, { lastAttempt: true });

    expect(early).toBeInstanceOf(TransientError);
    expect(last.next).toBeNull();
    expect(jobs.jobs.get("J6")).toMatchObject({ status: "failed" });
    expect(jobs.jobs.get("J6")?.errors).toEqual([
      { key: "cams/", code: "step-failed", message: expect.stringContaining("503") },
    ]);
    expect(jobs.running()).toEqual([]);
  });
});

describe("startReimport, startReconcile: admission", () => {
  const SEQUENCER = "00000000000100000000";
  const prefixJob = (prefix: string, dryRun = false) => ({
    target: { prefix },
    mode: "merge" as const,
    dryRun,
    force: false,
  });

  it("refuses a job whose prefix overlaps a running job's, naming that job, and admits one on a disjoint prefix", async () => {
    const { p, jobs, deps } = setUp(1);
    await startReimport(deps, prefixJob("cams/"), { id: "A", sequencer: SEQUENCER, leaseUntil: LEASE });

    const inside = await startReimport(deps, prefixJob("cams/left/"), {
      id: "B",
      sequencer: SEQUENCER,
      leaseUntil: LEASE,
    }).catch((error: unknown) => error);
    const whole = await startReconcile(deps, "", { id: "C", sequencer: SEQUENCER, leaseUntil: LEASE }).catch(
      (error: unknown) => error,
    );
    const dryRun = await startReimport(deps, prefixJob("cams/", true), {
      id: "D",
      sequencer: SEQUENCER,
      leaseUntil: LEASE,
    }).catch((error: unknown) => error);
    const disjoint = await startReconcile(deps, "mics/", {
      id: "E",
      sequencer: SEQUENCER,
      leaseUntil: LEASE,
    });

    for (const refused of [inside, whole, dryRun]) {
      expect(refused).toBeInstanceOf(JobRunningError);
      expect(refused).toMatchObject({ running: { id: "A", kind: "reimport", prefix: "cams/" } });
    }
    expect(String(whole)).toContain('a reimport (A) is running on "cams/", which overlaps the whole bucket');
    expect(disjoint).toEqual({ id: "E" });
    expect([...jobs.jobs.keys()]).toEqual(["A", "E"]);
    expect(p.work.messages.map((m) => ("jobId" in m ? m.jobId : null))).toEqual(["A", "E"]);
    expect(jobs.running().map((job) => job.id)).toEqual(["A", "E"]);
  });

  it("refuses a job while four run, counting dry runs and lists of keys", async () => {
    const { deps } = setUp(1);
    const ids = (id: string) => ({ id, sequencer: SEQUENCER, leaseUntil: LEASE });
    await startReimport(deps, prefixJob("a/"), ids("A"));
    await startReimport(deps, prefixJob("b/", true), ids("B"));
    await startReimport(deps, { ...prefixJob(""), target: { keys: ["c/1.txt"] } }, ids("C"));
    await startReconcile(deps, "d/", ids("D"));

    const fifth = await startReimport(deps, prefixJob("e/"), ids("E")).catch((error: unknown) => error);
    const keys = await startReimport(
      deps,
      { ...prefixJob(""), target: { keys: ["e/1.txt"] } },
      ids("F"),
    ).catch((error: unknown) => error);

    for (const refused of [fifth, keys]) {
      expect(refused).toBeInstanceOf(JobLimitError);
      expect(refused).toMatchObject({ limit: 4 });
      expect((refused as JobLimitError).running.map((job) => job.id)).toEqual(["A", "B", "C", "D"]);
    }
  });

  it("frees a job's place when it ends, and the place of a job whose steps stopped once it expires", async () => {
    const { p, jobs, deps } = setUp(3);
    const until = (ms: number) => ({ sequencer: SEQUENCER, leaseUntil: p.iso(ms) });
    await startReimport(deps, prefixJob("cams/"), { id: "A", ...until(60_000) });
    await p.work.drain((m) => runReimportPage(deps, asReimport(m)));
    const afterEnd = jobs.running().map((job) => job.id);
    await startReimport(deps, prefixJob(""), { id: "B", ...until(60_000) });
    // B's steps are lost (its function was killed, its messages dead-lettered): it never ends.
    p.work.messages.splice(0);

    p.advance(59_999);
    const beforeExpiry = await startReimport(deps, prefixJob("cams/"), { id: "C", ...until(120_000) }).catch(
      (error: unknown) => error,
    );
    p.advance(1);
    const atExpiry = await startReimport(deps, prefixJob("cams/"), { id: "D", ...until(120_000) });

    expect(jobs.jobs.get("A")?.status).toBe("done");
    expect(afterEnd).toEqual([]);
    expect(beforeExpiry).toBeInstanceOf(JobRunningError);
    expect(atExpiry.id).toBe("D");
    expect(jobs.running().map((job) => job.id)).toEqual(["D"]);
  });

  it("keeps a running job's place while its steps run, renewing it once half of it is gone", async () => {
    const { p, jobs, deps } = setUp(120);
    await startReimport(deps, prefixJob("cams/"), {
      id: "A",
      sequencer: SEQUENCER,
      leaseUntil: p.iso(10_000),
    });
    const lease = () => ({ until: p.iso(p.clockMs + 10_000), renewBefore: p.iso(p.clockMs + 5_000) });

    p.advance(4_000);
    await runReimportPage(deps, asReimport(p.work.messages.shift() as WorkMessage), {
      lastAttempt: false,
      lease: lease(),
    });
    const unrenewed = jobs.running()[0]?.expiresAt;
    p.advance(4_000);
    await runReimportPage(deps, asReimport(p.work.messages.shift() as WorkMessage), {
      lastAttempt: false,
      lease: lease(),
    });
    const renewed = jobs.running()[0]?.expiresAt;
    p.advance(8_000);
    const overlapping = await admitJob(deps, {
      id: "B",
      kind: "reconcile",
      prefix: "",
      dryRun: false,
      expiresAt: p.iso(p.clockMs + 10_000),
    }).catch((error: unknown) => error);

    expect(unrenewed).toBe(p.iso(10_000));
    expect(renewed).toBe(p.iso(18_000));
    expect(overlapping).toBeInstanceOf(JobRunningError);
  });
});
